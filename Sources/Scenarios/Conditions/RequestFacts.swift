import CassetteFormat
import Dialects
import Playback

/// What `when:` predicates look at, read once from a request in whichever dialect it speaks:
/// Chat Completions `messages` (tool results as `role: tool`), Responses `input` items
/// (`function_call_output`), Anthropic Messages content blocks (`tool_result`), or a legacy `prompt`.
public struct RequestFacts: Sendable {
    /// Assistant turns in the history so far, plus one.
    public var turn = 1
    /// The role of the last message: `user`, `assistant`, `tool` (tool results) or `system`.
    public var lastRole: String?
    /// The text of the last message from the user that has text (tool results are not user text).
    public var lastUserText: String?
    /// The tool results after the last assistant turn: what answers the latest tool calls.
    public var toolResults: [ToolResult] = []
    /// The names of the tools the request offers.
    public var toolsOffered: [String] = []
    /// The system prompt: `system` / `developer` messages, Responses `instructions`, Anthropic `system`.
    public var systemText = ""
    public var stream = false
    public var model: String?
    /// Request headers, names lowercased.
    public var headers: [(String, String)] = []

    /// One tool result: the call it answers, that call's tool name when the history names it, and its text.
    public struct ToolResult: Sendable, Equatable {
        public var id: String
        public var name: String?
        public var text: String
    }

    public init(_ request: IncomingRequest) {
        headers = request.headers.map { ($0.0.lowercased(), $0.1) }
        guard let body = request.json else { return }
        stream = body["stream"]?.boolValue ?? false
        model = body["model"]?.stringValue
        switch Dialect(path: request.path) {
        case .chat: readChat(body)
        case .responses: readResponses(body)
        case .messages: readMessages(body)
        case .completions, nil: readPrompt(body)
        }
    }

    /// Each tool the request offers, by name, with its parameter schema (`parameters`, or
    /// Anthropic's `input_schema`; an empty object when it gives none).
    public static func toolSchemas(of request: IncomingRequest) -> [String: JSONValue] {
        var schemas: [String: JSONValue] = [:]
        for tool in request.json?["tools"]?.arrayValue ?? [] {
            let function = tool["function"] ?? tool
            guard let name = function["name"]?.stringValue else { continue }
            schemas[name] = function["parameters"] ?? function["input_schema"] ?? .object([])
        }
        return schemas
    }

    // MARK: Chat Completions

    private mutating func readChat(_ body: JSONValue) {
        let messages = body["messages"]?.arrayValue ?? []
        var toolNames: [String: String] = [:]
        toolsOffered = (body["tools"]?.arrayValue ?? []).compactMap {
            $0["function"]?["name"]?.stringValue ?? $0["name"]?.stringValue
        }
        for message in messages {
            let role = message["role"]?.stringValue ?? ""
            let text = Self.text(of: message["content"])
            switch role {
            case "assistant":
                turn += 1
                toolResults = []
                for call in message["tool_calls"]?.arrayValue ?? [] {
                    if let id = call["id"]?.stringValue, let name = call["function"]?["name"]?.stringValue {
                        toolNames[id] = name
                    }
                }
            case "tool", "function":
                let id = message["tool_call_id"]?.stringValue ?? ""
                toolResults.append(
                    ToolResult(id: id, name: toolNames[id] ?? message["name"]?.stringValue, text: text))
            case "user":
                lastUserText = text
            case "system", "developer":
                systemText += systemText.isEmpty ? text : "\n" + text
            default:
                break
            }
            lastRole = Self.normalizedRole(role)
        }
    }

    // MARK: Responses

    private mutating func readResponses(_ body: JSONValue) {
        systemText = body["instructions"]?.stringValue ?? ""
        toolsOffered = (body["tools"]?.arrayValue ?? []).compactMap {
            $0["name"]?.stringValue ?? $0["function"]?["name"]?.stringValue
        }
        if let input = body["input"]?.stringValue {
            lastUserText = input
            lastRole = "user"
            return
        }
        var toolNames: [String: String] = [:]
        var inAssistantTurn = false
        for item in body["input"]?.arrayValue ?? [] {
            let type = item["type"]?.stringValue ?? "message"
            let role = item["role"]?.stringValue ?? ""
            let assistantSide = type == "function_call" || type == "reasoning" || role == "assistant"
            if assistantSide {
                if !inAssistantTurn {
                    turn += 1
                    toolResults = []
                }
                if type == "function_call", let id = item["call_id"]?.stringValue, let name = item["name"]?.stringValue
                {
                    toolNames[id] = name
                }
                lastRole = "assistant"
            } else if type == "function_call_output" {
                let id = item["call_id"]?.stringValue ?? ""
                toolResults.append(ToolResult(id: id, name: toolNames[id], text: Self.text(of: item["output"])))
                lastRole = "tool"
            } else {
                let text = Self.text(of: item["content"])
                if role == "user" { lastUserText = text }
                if role == "system" || role == "developer" { systemText += systemText.isEmpty ? text : "\n" + text }
                lastRole = Self.normalizedRole(role)
            }
            inAssistantTurn = assistantSide
        }
    }

    // MARK: Anthropic Messages

    private mutating func readMessages(_ body: JSONValue) {
        systemText = Self.text(of: body["system"])
        toolsOffered = (body["tools"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        var toolNames: [String: String] = [:]
        for message in body["messages"]?.arrayValue ?? [] {
            let role = message["role"]?.stringValue ?? ""
            let blocks = message["content"]?.arrayValue ?? []
            if role == "assistant" {
                turn += 1
                toolResults = []
                for block in blocks where block["type"]?.stringValue == "tool_use" {
                    if let id = block["id"]?.stringValue, let name = block["name"]?.stringValue { toolNames[id] = name }
                }
                lastRole = "assistant"
                continue
            }
            let results = blocks.filter { $0["type"]?.stringValue == "tool_result" }
            for block in results {
                let id = block["tool_use_id"]?.stringValue ?? ""
                toolResults.append(ToolResult(id: id, name: toolNames[id], text: Self.text(of: block["content"])))
            }
            let text = Self.text(of: message["content"])
            if role == "user", message["content"]?.stringValue != nil || blocks.contains(where: Self.isTextBlock) {
                lastUserText = text
            }
            lastRole = results.isEmpty ? Self.normalizedRole(role) : "tool"
        }
    }

    // MARK: Legacy completions

    private mutating func readPrompt(_ body: JSONValue) {
        if let prompt = body["prompt"]?.stringValue {
            lastUserText = prompt
            lastRole = "user"
        } else if let prompts = body["prompt"]?.arrayValue {
            lastUserText = prompts.compactMap(\.stringValue).joined(separator: "\n")
            lastRole = "user"
        }
    }

    // MARK: Helpers

    /// The text of a `content` (or `output`, or `system`): a string, or the `text` of each part.
    static func text(of content: JSONValue?) -> String {
        if let text = content?.stringValue { return text }
        return (content?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }

    static func isTextBlock(_ block: JSONValue) -> Bool { block["type"]?.stringValue == "text" }

    static func normalizedRole(_ role: String) -> String {
        switch role {
        case "developer": return "system"
        case "function": return "tool"
        default: return role
        }
    }
}
