import CassetteFormat
import Foundation

/// A readable line for one SSE frame: what it carries (text, reasoning, tool-call fragments,
/// finish, usage, error, comment, terminator), decoded from its JSON for people, not for replay.
public enum FrameSummary {
    public static func describe(_ frameText: String) -> String {
        let frame = SSEEvent(parsing: frameText)
        guard let payload = frame.data else {
            return frame.comments.isEmpty
                ? "(empty frame)"
                : "comment: \(frame.comments.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " | "))"
        }
        let event = frame.event
        if payload == "[DONE]" { return "[DONE]" }
        guard let json = try? JSONParser.parse(payload) else { return "data (not JSON): \(quoted(payload))" }
        let prefix = event.map { "\($0): " } ?? ""
        return prefix + describe(json)
    }

    static func describe(_ json: JSONValue) -> String {
        var parts: [String] = []
        if let error = json["error"], !error.isNull {
            parts.append(
                "ERROR \(error["code"].map(JSONWriter.string) ?? "") \(quoted(error["message"]?.stringValue ?? JSONWriter.string(error)))"
            )
        }
        if let type = json["type"]?.stringValue {
            parts.append(type)
            if let delta = json["delta"] {
                if let text = delta.stringValue {
                    parts.append(quoted(text))
                } else {
                    for key in ["text", "thinking", "partial_json", "signature"] {
                        if let text = delta[key]?.stringValue { parts.append("\(key) \(quoted(text))") }
                    }
                }
            }
        }
        if let choice = json["choices"]?.arrayValue?.first {
            let delta = choice["delta"] ?? .null
            if let text = delta["content"]?.stringValue ?? choice["text"]?.stringValue, !text.isEmpty {
                parts.append("text \(quoted(text))")
            }
            if let reasoning = delta["reasoning"]?.stringValue, !reasoning.isEmpty {
                parts.append("reasoning \(quoted(reasoning))")
            }
            for detail in delta["reasoning_details"]?.arrayValue ?? [] {
                let kind = detail["type"]?.stringValue ?? "?"
                if detail["signature"]?.stringValue != nil { parts.append("\(kind) signature") }
                if let summary = detail["summary"]?.stringValue { parts.append("\(kind) \(quoted(summary))") }
                if detail["data"]?.stringValue != nil { parts.append("\(kind) data") }
            }
            for call in delta["tool_calls"]?.arrayValue ?? [] {
                let index = call["index"].map(JSONWriter.string) ?? "?"
                var piece = "tool_call[\(index)]"
                if let name = call["function"]?["name"]?.stringValue { piece += " \(name)" }
                if let id = call["id"]?.stringValue { piece += " id=\(id)" }
                if let arguments = call["function"]?["arguments"]?.stringValue, !arguments.isEmpty {
                    piece += " args \(quoted(arguments))"
                }
                parts.append(piece)
            }
            if let finish = choice["finish_reason"]?.stringValue {
                parts.append(
                    "finish \(finish)" + (choice["native_finish_reason"]?.stringValue.map { " (native \($0))" } ?? ""))
            }
        }
        if let usage = json["usage"], !usage.isNull {
            let tokens = ["prompt_tokens", "completion_tokens", "input_tokens", "output_tokens"].compactMap { key in
                usage[key].map { "\(key)=\(JSONWriter.string($0))" }
            }
            parts.append(
                "usage "
                    + (tokens + (usage["cost"].map { ["cost=\(JSONWriter.string($0))"] } ?? [])).joined(separator: " "))
        }
        return parts.isEmpty ? "(no content)" : parts.joined(separator: ", ")
    }

    static func quoted(_ text: String) -> String {
        var escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        escaped = escaped.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        return "\"\(escaped)\""
    }
}
