import CassetteFormat

/// What the providers behind OpenRouter require of a conversation as a whole, which no schema
/// of a single message says: tool results answer tool calls that were made, in order, and none
/// is left out; an Anthropic request has `max_tokens`; a thinking-enabled tool loop sends the
/// signed thinking block back.
enum ConversationRules {
    /// The violations of `body`, a request to `endpoint` (the path after `/api/v1/`).
    static func violations(endpoint: String, body: JSONValue) -> [Violation] {
        switch endpoint {
        case "chat/completions": return chat(body)
        case "responses": return responses(body)
        case "messages": return messages(body)
        case "completions":
            return body["prompt"] == nil
                ? [Violation(path: "$.prompt", rule: "required", message: "is required")] : []
        default: return []
        }
    }

    /// Chat: a `tool` message answers a call of the assistant message it follows; each call of an
    /// assistant message is answered before the next message of another role.
    static func chat(_ body: JSONValue) -> [Violation] {
        guard let messages = body["messages"]?.arrayValue else { return [] }
        guard !messages.isEmpty else { return [empty("$.messages")] }
        var found: [Violation] = []
        var made = Set<String>()
        var awaiting: [String] = []
        var awaitingFrom = 0
        func closeTurn() {
            if !awaiting.isEmpty {
                found.append(
                    Violation(
                        path: "$.messages[\(awaitingFrom)].tool_calls", rule: "tool_result_missing",
                        message:
                            "tool call \(listed(awaiting.map { "\"\($0)\"" })) has no tool message answering it after this message"
                    ))
            }
            awaiting = []
        }
        for (index, message) in messages.enumerated() {
            let role = message["role"]?.stringValue
            guard role == "tool" else {
                closeTurn()
                if role == "assistant" {
                    awaiting = (message["tool_calls"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
                    awaitingFrom = index
                    made.formUnion(awaiting)
                }
                continue
            }
            guard let id = message["tool_call_id"]?.stringValue else { continue }
            let path = "$.messages[\(index)].tool_call_id"
            if let position = awaiting.firstIndex(of: id) {
                awaiting.remove(at: position)
            } else if made.contains(id) {
                found.append(
                    Violation(
                        path: path, rule: "tool_result_order",
                        message: "answers tool call \"\(id)\", which is not a call of the assistant message before it"))
            } else {
                found.append(
                    Violation(
                        path: path, rule: "tool_call_id",
                        message: "matches no tool call of an earlier assistant message (got \"\(id)\")"))
            }
        }
        closeTurn()
        return found
    }

    /// Responses: each `function_call_output` answers an earlier `function_call` of the input.
    static func responses(_ body: JSONValue) -> [Violation] {
        guard let items = body["input"]?.arrayValue else { return [] }
        var calls = Set<String>()
        var found: [Violation] = []
        for (index, item) in items.enumerated() {
            guard let callID = item["call_id"]?.stringValue else { continue }
            switch item["type"]?.stringValue {
            case "function_call":
                calls.insert(callID)
            case "function_call_output" where !calls.contains(callID):
                found.append(
                    Violation(
                        path: "$.input[\(index)].call_id", rule: "call_id",
                        message: "matches no function_call earlier in input (got \"\(callID)\")"))
            default:
                break
            }
        }
        return found
    }

    /// Anthropic Messages: `max_tokens`; tool results answer the preceding assistant message's
    /// `tool_use` blocks, all of them; with thinking enabled, the last assistant message that used
    /// a tool starts with its thinking block.
    static func messages(_ body: JSONValue) -> [Violation] {
        var found: [Violation] = []
        if body["max_tokens"] == nil {
            found.append(Violation(path: "$.max_tokens", rule: "required", message: "is required on /messages"))
        }
        guard let messages = body["messages"]?.arrayValue else { return found }
        guard !messages.isEmpty else { return found + [empty("$.messages")] }
        for (index, message) in messages.enumerated() {
            let blocks = message["content"]?.arrayValue ?? []
            if message["role"]?.stringValue == "user" {
                let previous = index > 0 ? messages[index - 1] : nil
                let offered = Set(toolUseIDs(previous))
                for (number, block) in blocks.enumerated() where block["type"]?.stringValue == "tool_result" {
                    guard let id = block["tool_use_id"]?.stringValue, !offered.contains(id) else { continue }
                    found.append(
                        Violation(
                            path: "$.messages[\(index)].content[\(number)].tool_use_id", rule: "tool_use_id",
                            message: "matches no tool_use block of the assistant message before it (got \"\(id)\")"))
                }
            } else if message["role"]?.stringValue == "assistant", index + 1 < messages.count {
                let answered = Set(
                    (messages[index + 1]["content"]?.arrayValue ?? []).compactMap { $0["tool_use_id"]?.stringValue })
                let missing = toolUseIDs(message).filter { !answered.contains($0) }
                if !missing.isEmpty {
                    found.append(
                        Violation(
                            path: "$.messages[\(index + 1)]", rule: "tool_result_missing",
                            message:
                                "has no tool_result for tool_use \(listed(missing.map { "\"\($0)\"" })) of the assistant message before it"
                        ))
                }
            }
        }
        if body["thinking"]?["type"]?.stringValue == "enabled",
            let last = messages.lastIndex(where: { $0["role"]?.stringValue == "assistant" }),
            !toolUseIDs(messages[last]).isEmpty,
            let first = messages[last]["content"]?.arrayValue?.first,
            !["thinking", "redacted_thinking"].contains(first["type"]?.stringValue ?? "")
        {
            found.append(
                Violation(
                    path: "$.messages[\(last)].content[0]", rule: "thinking_block",
                    message:
                        "must be the thinking or redacted_thinking block the model sent: with thinking enabled, a tool loop sends it back unchanged"
                ))
        }
        return found
    }

    private static func toolUseIDs(_ message: JSONValue?) -> [String] {
        guard message?["role"]?.stringValue == "assistant" else { return [] }
        return (message?["content"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "tool_use" }.compactMap {
            $0["id"]?.stringValue
        }
    }

    private static func empty(_ path: String) -> Violation {
        Violation(path: path, rule: "min_items", message: "must not be empty")
    }
}
