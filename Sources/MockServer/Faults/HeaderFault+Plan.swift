import CassetteFormat
import Dialects
import Foundation
import NIOCore
import Playback
import Scenarios

extension HeaderFault {
    /// `plan`, a 2xx answer to a request in `dialect` (`nil`: not an inference path), with the
    /// fault applied; `nil` for a misbehaviour that only a scenario answer can have.
    func apply(to plan: PlaybackPlan, dialect: Dialect?, model: String?) -> PlaybackPlan? {
        switch kind {
        case .httpError:
            let status = self.status ?? 500
            let spec = HTTPErrorSpec(
                status: status, message: HeaderFault.message(for: status),
                headers: retryAfter.map { [("Retry-After", String($0))] } ?? [])
            return ScriptPlanBuilder.errorPlan(spec, dialect: dialect, offsetMs: ms ?? 0)
        case .wire(let wire):
            var plan = plan
            let fault = WireFault(kind: wire, afterTokens: after ?? 0, stallMs: ms)
            if plan.framing == .chunked {
                ScriptPlanBuilder.apply(
                    fault, at: ScenarioRendering.position(afterDataFrames: after ?? 0, in: plan), to: &plan.steps)
            } else {
                let body = HeaderFault.body(of: plan)
                let half = body.count / 2
                let offset = plan.steps.first?.offsetMs ?? 0
                plan.steps = [
                    .bytes(ByteBuffer(bytes: body[..<half]), offsetMs: offset),
                    .bytes(ByteBuffer(bytes: body[half...]), offsetMs: offset),
                ]
                ScriptPlanBuilder.apply(fault, at: 1, to: &plan.steps)
                if wire != .malformed { plan.declaredLength = body.count }
            }
            return plan
        case .midstreamError:
            return midstreamError(in: plan, dialect: dialect, model: model)
        case .misbehaviour(.duplicatedFrame):
            var plan = plan
            ScenarioRendering.duplicate(dataFrame: after ?? 2, in: &plan)
            return plan
        case .misbehaviour:
            return nil
        }
    }

    /// The misbehaviour a scenario answer renders with, when the header asks for one.
    var misbehaviour: Misbehaviour? {
        guard case .misbehaviour(let kind) = kind else { return nil }
        return Misbehaviour(kind: kind, frame: after ?? 2)
    }

    /// A stream cut after `after` data frames by the dialect's in-band error frame (no `[DONE]`);
    /// a non-stream answer becomes the error body with status 200, as OpenRouter sends a failure
    /// found after the head.
    private func midstreamError(in plan: PlaybackPlan, dialect: Dialect?, model: String?) -> PlaybackPlan {
        let code = status ?? 502
        let error = MidstreamError(
            afterTokens: after ?? 0, code: code, message: HeaderFault.message(for: code),
            errorType: HTTPErrorSpec.defaultErrorType(code), providerCode: nil)
        guard let dialect else { return plan }
        guard plan.framing == .chunked else {
            let spec = HTTPErrorSpec(status: code, message: error.message, errorType: error.errorType)
            var body = PlaybackPlan.json(status: 200, body: dialect.renderer.errorBody(spec))
            body.headers += plan.headers.filter { $0.0.lowercased() != "content-type" }
            return body
        }
        let generationID = plan.headers.first { $0.0.lowercased() == "x-generation-id" }?.1 ?? "gen-mockrouter"
        let script = ResponseScript(
            generationID: generationID, created: AnswerIdentity.clockSeconds(Date()), model: model ?? "openrouter/auto",
            provider: "OpenAI", events: [], finishReason: "error", nativeFinishReason: "error",
            usage: ScriptUsage(promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cachedTokens: 0, cost: .int(0))
        )
        var plan = plan
        let cut = ScenarioRendering.position(afterDataFrames: after ?? 0, in: plan)
        let offset = plan.steps[..<cut].last?.offsetMs ?? 0
        let framesBefore = plan.steps[..<cut].filter(HeaderFault.isDataFrame).count
        plan.steps.replaceSubrange(
            cut...,
            with: [
                .bytes(
                    ByteBuffer(
                        string: dialect.renderer.midstreamErrorFrame(script, error, framesBefore: framesBefore)),
                    offsetMs: offset)
            ])
        return plan
    }

    static func isDataFrame(_ step: PlaybackStep) -> Bool {
        guard case .bytes(let buffer, _) = step else { return false }
        return SSEEvent(parsing: Array(buffer.readableBytesView)).hasData
    }

    /// The whole body of a `Content-Length` plan.
    static func body(of plan: PlaybackPlan) -> [UInt8] {
        plan.steps.flatMap { step -> [UInt8] in
            if case .bytes(let buffer, _) = step { return Array(buffer.readableBytesView) }
            return []
        }
    }

    /// OpenRouter's message for an error of `status`.
    static func message(for status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "User not found."
        case 402: return "Insufficient credits"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 408: return "Operation timed out. Please try again later."
        case 429: return "Rate limit exceeded"
        case 502: return "Provider returned error"
        case 503: return "No endpoints found that can handle the requested parameters."
        default: return "Internal Server Error"
        }
    }
}
