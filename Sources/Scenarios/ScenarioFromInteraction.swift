import CassetteFormat
import Playback

/// An editable scenario from a recorded interaction: an error step for an error response; for a
/// chat completion (streamed or not) its text, reasoning, tool calls, finish reason, usage and
/// timing, with a cut or in-band error where the recording had one; for anything else a step that
/// replays the recording (`base`). The YAML is checked by loading it before it is returned.
public enum ScenarioFromInteraction {
    /// `cassettePath` is written into `base` steps as given: pass it relative to `location`, the
    /// path the YAML will be written to (used to check it loads from there).
    public static func yaml(
        _ interaction: Interaction, name: String, cassettePath: String, number: Int, location: String
    ) throws(ScenarioLoadError) -> String {
        var lines = [
            "# Made by `mockrouter cassette to-scenario` from \(cassettePath) interaction \(number); edit freely.",
            "name: \(quoted(name))",
            "description: \(quoted("\(interaction.request.method) \(interaction.request.path) as recorded in \(cassettePath) #\(number)"))",
        ]
        if case .json(let body) = interaction.request.body, let model = body["model"]?.stringValue,
            !model.hasPrefix("mockrouter/")
        {
            lines.append("model: \(quoted(model))")
        }
        lines.append("steps:")
        lines += step(interaction, cassettePath: cassettePath, number: number).map { "  " + $0 }
        let text = lines.joined(separator: "\n") + "\n"
        _ = try ScenarioLoader.load(text: text, path: location)
        return text
    }

    static func step(_ interaction: Interaction, cassettePath: String, number: Int) -> [String] {
        let response = interaction.response
        if response.status >= 400, case .json(let body) = response.body, let error = body["error"] {
            var step = ["- status: \(response.status)"]
            if let retry = response.headers.first(named: "retry-after") {
                step.append("  headers: { Retry-After: \(quoted(retry)) }")
            }
            step.append("  error:")
            step.append("    message: \(quoted(error["message"]?.stringValue ?? JSONWriter.string(error)))")
            if let metadata = error["metadata"], case .object(let pairs) = metadata, !pairs.isEmpty {
                step.append("    metadata: \(JSONWriter.string(.object(pairs.filter { $0.0 != "error_type" })))")
            }
            return step
        }
        guard let content = ChatContent(response.body) else {
            return ["- base: { cassette: \(quoted(cassettePath)), interaction: \(number) }"]
        }
        var step: [String] = []
        func add(_ line: String) { step.append((step.isEmpty ? "- " : "  ") + line) }
        if !content.reasoning.isEmpty { add("reasoning: \(quoted(content.reasoning))") }
        if !content.text.isEmpty { add("text: \(quoted(content.text))") }
        if !content.toolCalls.isEmpty {
            add("tool_calls:")
            for call in content.toolCalls {
                step.append(
                    "    - { name: \(quoted(call.name)), arguments: \(quoted(call.arguments)), id: \(quoted(call.id)) }"
                )
            }
        }
        if step.isEmpty { add("text: \"\"") }
        if let finish = content.finishReason, finish != "error" { add("finish_reason: \(finish)") }
        if let usage = content.usage {
            let fields = [
                ("prompt_tokens", usage["prompt_tokens"]), ("completion_tokens", usage["completion_tokens"]),
                ("cost", usage["cost"]),
            ]
            .compactMap { key, value in value.map { "\(key): \(JSONWriter.string($0))" } }
            if !fields.isEmpty { add("usage: { \(fields.joined(separator: ", ")) }") }
        }
        if let first = content.tokenOffsets.first {
            var timing = ["ttft_ms: \(Saturating.int(first.rounded()))"]
            if content.tokenOffsets.count > 1, let last = content.tokenOffsets.last, last > first {
                let rate = Double(content.tokenOffsets.count - 1) / ((last - first) / 1000)
                timing.append("tokens_per_second: \((rate * 10).rounded() / 10)")
            }
            add("timing: { \(timing.joined(separator: ", ")) }")
        }
        let tokens = content.scenarioTokenCount
        if let error = content.error {
            add(
                "midstream_error: { after: \(tokens), code: \(error["code"]?.intValue ?? 502), message: \(quoted(error["message"]?.stringValue ?? "")) }"
            )
        } else if interaction.outcome.endsWithCut {
            add("fault: { kind: disconnect, after: \(tokens) }")
        }
        return step
    }

    /// A YAML double-quoted scalar (JSON string syntax is valid YAML).
    static func quoted(_ text: String) -> String { JSONWriter.string(.string(text)) }
}

/// The content of a recorded chat completion, streamed or not.
struct ChatContent {
    var text = ""
    var reasoning = ""
    var toolCalls: [(id: String, name: String, arguments: String)] = []
    var finishReason: String?
    var usage: JSONValue?
    var error: JSONValue?
    var tokenOffsets: [Double] = []

    /// How many token events the scenario made from this content compiles to (default chunking),
    /// so a fault or error placed after all of them comes where the recording had it.
    var scenarioTokenCount: Int {
        TextChunker.pieces(reasoning, .words).count + TextChunker.pieces(text, .words).count
            + toolCalls.reduce(0) { $0 + 1 + TextChunker.pieces($1.arguments, .characters(Chunking().arguments)).count }
    }

    init?(_ body: Body) {
        switch body {
        case .json(let value):
            guard value["object"]?.stringValue == "chat.completion", let choice = value["choices"]?.arrayValue?.first
            else { return nil }
            let message = choice["message"]
            text = message?["content"]?.stringValue ?? ""
            reasoning = message?["reasoning"]?.stringValue ?? ""
            for call in message?["tool_calls"]?.arrayValue ?? [] {
                toolCalls.append(
                    (
                        call["id"]?.stringValue ?? "", call["function"]?["name"]?.stringValue ?? "",
                        call["function"]?["arguments"]?.stringValue ?? "{}"
                    ))
            }
            finishReason = choice["finish_reason"]?.stringValue
            usage = value["usage"]
        case .sse(let frames):
            var sawChunk = false
            for frame in frames {
                guard let data = SSEEvent(parsing: frame.text).data, data.hasPrefix("{") else { continue }
                guard let chunk = try? JSONParser.parse(data) else { continue }
                guard chunk["object"]?.stringValue == "chat.completion.chunk" else { return nil }
                sawChunk = true
                if let error = chunk["error"], !error.isNull { self.error = error }
                if let usage = chunk["usage"], !usage.isNull { self.usage = usage }
                guard let choice = chunk["choices"]?.arrayValue?.first, let delta = choice["delta"] else {
                    continue
                }
                var carried = false
                if let piece = delta["content"]?.stringValue, !piece.isEmpty {
                    text += piece
                    carried = true
                }
                if let piece = delta["reasoning"]?.stringValue, !piece.isEmpty {
                    reasoning += piece
                    carried = true
                }
                for call in delta["tool_calls"]?.arrayValue ?? [] {
                    let index = call["index"]?.intValue ?? 0
                    guard (0..<Limits.maxToolCalls).contains(index) else { return nil }
                    while toolCalls.count <= index { toolCalls.append(("", "", "")) }
                    if let id = call["id"]?.stringValue { toolCalls[index].id = id }
                    if let name = call["function"]?["name"]?.stringValue { toolCalls[index].name = name }
                    toolCalls[index].arguments += call["function"]?["arguments"]?.stringValue ?? ""
                    carried = true
                }
                if carried { tokenOffsets.append(frame.offsetMs) }
                if let finish = choice["finish_reason"]?.stringValue { finishReason = finish }
            }
            guard sawChunk else { return nil }
        default:
            return nil
        }
    }
}
