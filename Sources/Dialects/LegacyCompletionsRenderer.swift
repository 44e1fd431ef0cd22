import CassetteFormat
import Playback

/// Legacy `/completions`: chunks whose choices carry `text` (OpenRouter labels them
/// `chat.completion.chunk` even here), a finish chunk, a usage chunk. Reasoning is omitted;
/// tool calls and refusals cannot be expressed.
struct LegacyCompletionsRenderer: DialectRenderer {
    func stream(_ script: ResponseScript) throws(RenderError) -> RenderedStream {
        try requireExpressible(script)
        var body: [RenderedFrame] = []
        var tokens = 0
        for timed in script.events {
            tokens += 1
            guard case .text(let text) = timed.event else { continue }
            body.append(
                RenderedFrame(
                    SSE.data(chunk(script, text: text, finish: nil)), offsetMs: timed.offsetMs, tokensSent: tokens))
        }
        let end = script.lastTokenMs
        let usage = JSONValue.object(
            envelope(script, object: "chat.completion.chunk") + [
                ("choices", .array([])), ("usage", usageValue(script.usage)),
            ])
        return RenderedStream(
            body: body,
            closing: [
                RenderedFrame(
                    SSE.data(chunk(script, text: "", finish: (script.finishReason, script.nativeFinishReason))),
                    offsetMs: end, tokensSent: tokens),
                RenderedFrame(SSE.data(usage), offsetMs: end, tokensSent: tokens),
            ])
    }

    func midstreamErrorFrame(_ script: ResponseScript, _ error: MidstreamError, framesBefore: Int) -> String {
        SSE.data(
            .object(
                envelope(script, object: "chat.completion.chunk") + [
                    ("error", errorObject(error)),
                    (
                        "choices",
                        .array([
                            .object([("index", .int(0)), ("text", .string("")), ("finish_reason", .string("error"))])
                        ])
                    ),
                ]))
    }

    func aggregate(_ script: ResponseScript) throws(RenderError) -> JSONValue {
        try requireExpressible(script)
        let choice = JSONValue.object([
            ("text", .string(script.text)), ("index", .int(0)), ("logprobs", .null),
            ("finish_reason", .string(script.finishReason)),
            ("native_finish_reason", .string(script.nativeFinishReason)),
        ])
        return .object(
            envelope(script, object: "text_completion") + [
                ("choices", .array([choice])), ("usage", usageValue(script.usage)),
            ])
    }

    private func requireExpressible(_ script: ResponseScript) throws(RenderError) {
        let what =
            !script.toolCalls.isEmpty ? "tool calls" : !script.refusal.isEmpty ? "a refusal" : nil
        if let what {
            throw RenderError(
                "it has \(what), which the legacy /completions API cannot express; use /chat/completions, /responses or /messages"
            )
        }
    }

    private func envelope(_ script: ResponseScript, object: String) -> [(String, JSONValue)] {
        [
            ("id", .string(script.generationID)), ("provider", .string(script.provider)),
            ("model", .string(script.model)),
            ("object", .string(object)), ("created", .int(script.created)),
        ]
    }

    private func chunk(_ script: ResponseScript, text: String, finish: (String, String)?) -> JSONValue {
        .object(
            envelope(script, object: "chat.completion.chunk") + [
                (
                    "choices",
                    .array([
                        .object([
                            ("index", .int(0)), ("text", .string(text)),
                            ("finish_reason", finish.map { .string($0.0) } ?? .null),
                            ("native_finish_reason", finish.map { .string($0.1) } ?? .null),
                            ("logprobs", .null),
                        ])
                    ])
                )
            ])
    }
}
