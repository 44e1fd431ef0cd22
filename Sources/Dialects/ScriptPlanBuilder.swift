import CassetteFormat
import NIOCore
import Playback

/// Turns a script into a playback plan in one dialect: the renderer's frames, plus what is the
/// same in every dialect: keep-alive comments, the in-band error that ends a stream, wire faults,
/// CRLF line endings and `[DONE]`. Non-stream requests get the aggregate body.
public enum ScriptPlanBuilder {
    /// The plan for a successful (200) script.
    public static func plan(_ script: ResponseScript, dialect: Dialect, stream: Bool) throws(RenderError)
        -> PlaybackPlan
    {
        stream ? try streamPlan(script, dialect) : try aggregatePlan(script, dialect)
    }

    /// The plan for an HTTP error: the dialect's error body, the step's headers, and for 429 the
    /// `X-RateLimit-*` headers OpenRouter sends unless the step gave its own.
    public static func errorPlan(_ error: HTTPErrorSpec, dialect: Dialect?, offsetMs: Double = 0) -> PlaybackPlan {
        let body = dialect?.renderer.errorBody(error) ?? OpenRouterErrorBody.body(error)
        var headers = [("content-type", "application/json")] + error.headers
        if error.status == 429 {
            for (name, value) in [
                ("X-RateLimit-Limit", "20"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "1790035200000"),
            ]
            where !headers.contains(where: { $0.0.lowercased() == name.lowercased() }) {
                headers.append((name, value))
            }
        }
        return PlaybackPlan(
            status: error.status, headers: headers, framing: .contentLength, headOffsetMs: offsetMs,
            steps: [.bytes(ByteBuffer(bytes: JSONWriter.bytes(body)), offsetMs: offsetMs)])
    }

    static func streamPlan(_ script: ResponseScript, _ dialect: Dialect) throws(RenderError) -> PlaybackPlan {
        let rendered = try dialect.renderer.stream(script)
        var frames = rendered.opening + rendered.body
        var closing = rendered.closing
        if script.sendsDone && dialect != .messages {
            closing.append(RenderedFrame(SSE.done, offsetMs: script.lastTokenMs, tokensSent: script.events.count))
        }
        if let error = script.midstreamError {
            let cut = frames.firstIndex { $0.tokensSent > error.afterTokens } ?? frames.count
            let offset = cut < frames.count ? frames[cut].offsetMs : script.lastTokenMs
            frames.removeSubrange(cut...)
            let before = frames.count
            frames.append(
                RenderedFrame(
                    dialect.renderer.midstreamErrorFrame(script, error, framesBefore: before), offsetMs: offset,
                    tokensSent: error.afterTokens))
            closing = []
        }
        frames += closing
        let lineEndings = { (text: String) in script.crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text }
        var steps = script.keepAliveOffsetsMs.map {
            PlaybackStep.bytes(ByteBuffer(string: lineEndings(SSE.keepAlive)), offsetMs: $0)
        }
        let keepAlives = steps.count
        steps += frames.map { .bytes(ByteBuffer(string: lineEndings($0.text)), offsetMs: $0.offsetMs) }
        if let fault = script.fault {
            let openingCount = rendered.opening.count
            let position =
                keepAlives
                + (frames.indices.first { $0 >= openingCount && frames[$0].tokensSent > fault.afterTokens }
                    ?? frames.count)
            apply(fault, at: position, to: &steps)
        }
        return PlaybackPlan(status: 200, headers: streamHeaders(script, dialect), framing: .chunked, steps: steps)
    }

    static func aggregatePlan(_ script: ResponseScript, _ dialect: Dialect) throws(RenderError) -> PlaybackPlan {
        let body: JSONValue
        if let error = script.midstreamError {
            body =
                dialect == .messages
                ? dialect.renderer.errorBody(
                    HTTPErrorSpec(status: error.code, message: error.message, errorType: error.errorType))
                : .object([("error", errorObject(error))])
        } else {
            body = try dialect.renderer.aggregate(script)
        }
        let bytes = JSONWriter.bytes(body)
        let at = script.lastTokenMs
        var plan = PlaybackPlan(
            status: 200, headers: [("content-type", "application/json"), ("x-generation-id", script.generationID)],
            framing: .contentLength, headOffsetMs: at, steps: [.bytes(ByteBuffer(bytes: bytes), offsetMs: at)])
        if let fault = script.fault {
            let half = bytes.count / 2
            plan.steps = [
                .bytes(ByteBuffer(bytes: bytes[..<half]), offsetMs: at),
                .bytes(ByteBuffer(bytes: bytes[half...]), offsetMs: at),
            ]
            apply(fault, at: 1, to: &plan.steps)
            if fault.kind != .malformed { plan.declaredLength = bytes.count }
        }
        return plan
    }

    /// Places `fault` before step `position`.
    public static func apply(_ fault: WireFault, at position: Int, to steps: inout [PlaybackStep]) {
        let position = min(position, steps.count)
        switch fault.kind {
        case .disconnect:
            steps.replaceSubrange(position..., with: [.fault(.disconnect)])
        case .reset:
            steps.replaceSubrange(position..., with: [.fault(.reset)])
        case .stall:
            if let ms = fault.stallMs {
                steps.insert(.pause(ms: ms), at: position)
            } else {
                steps.replaceSubrange(position..., with: [.fault(.stallForever)])
            }
        case .malformed, .brokenFraming:
            guard position < steps.count, case .bytes(let buffer, let offset) = steps[position] else { return }
            let text = String(buffer: buffer)
            let damaged = fault.kind == .malformed ? FrameDamage.invalidJSON(text) : FrameDamage.withoutBlankLine(text)
            steps[position] = .bytes(ByteBuffer(string: damaged), offsetMs: offset)
        }
    }

    static func streamHeaders(_ script: ResponseScript, _ dialect: Dialect) -> [(String, String)] {
        [
            ("content-type", "text/event-stream"), ("cache-control", "no-cache"),
            ("x-generation-id", script.generationID),
        ]
    }
}

/// Deliberate damage to one frame's bytes.
enum FrameDamage {
    /// The frame with its JSON cut in half (line structure and blank line intact); a non-SSE body cut in half.
    static func invalidJSON(_ text: String) -> String {
        guard let dataRange = text.range(of: "data: ") else { return String(text.prefix(text.count / 2)) }
        let payloadStart = dataRange.upperBound
        let payloadEnd = text[payloadStart...].firstIndex(where: { $0 == "\n" || $0 == "\r" }) ?? text.endIndex
        let payload = text[payloadStart..<payloadEnd]
        return String(text[..<payloadStart]) + payload.prefix(payload.count / 2) + String(text[payloadEnd...])
    }

    /// The frame without its final line ending, so it runs into the next frame.
    static func withoutBlankLine(_ text: String) -> String {
        if text.hasSuffix("\r\n\r\n") { return String(text.dropLast(2)) }
        if text.hasSuffix("\n\n") { return String(text.dropLast()) }
        return text
    }
}
