import CassetteFormat

/// One way a request differs from a recording: the field, both values (compact JSON, shortened),
/// and a sentence saying how.
public struct RequestDifference: Sendable, Equatable {
    public let field: String
    public let recorded: String?
    public let received: String?
    public let note: String

    init(_ field: String, recorded: JSONValue?, received: JSONValue?, note: String) {
        self.field = field
        self.recorded = recorded.map(RequestDifference.shortened)
        self.received = received.map(RequestDifference.shortened)
        self.note = note
    }

    static func shortened(_ value: JSONValue) -> String {
        let text = JSONWriter.string(value)
        return text.count <= 120 ? text : String(text.prefix(117)) + "..."
    }

    /// Every difference between a recorded request and an incoming one, field by field:
    /// method, path, query, then the body's top-level fields (with `messages` and `tools`
    /// compared element by element).
    static func between(_ recorded: RecordedRequest, _ incoming: IncomingRequest) -> [RequestDifference] {
        var differences: [RequestDifference] = []
        if recorded.method.uppercased() != incoming.method.uppercased() {
            differences.append(
                .init(
                    "method", recorded: .string(recorded.method), received: .string(incoming.method),
                    note: "the method differs"))
        }
        if APIPath.canonical(recorded.path) != incoming.path {
            differences.append(
                .init(
                    "path", recorded: .string(recorded.path), received: .string(incoming.path), note: "the path differs"
                ))
        }
        if RequestKey.canonicalQuery(recorded.query) != RequestKey.canonicalQuery(incoming.query) {
            differences.append(
                .init(
                    "query", recorded: .string(recorded.query ?? ""), received: .string(incoming.query ?? ""),
                    note: "the query differs"))
        }
        differences.append(contentsOf: bodyDifferences(recorded.body, incoming))
        return differences
    }

    static func bodyDifferences(_ recordedBody: Body, _ incoming: IncomingRequest) -> [RequestDifference] {
        let recordedBytes = recordedBody.wireBytes
        let recordedJSON: JSONValue? =
            if case .json(let value) = recordedBody { value } else { try? JSONParser.parse(recordedBytes) }
        switch (recordedJSON, incoming.json) {
        case (.object(let recordedFields)?, .object(let receivedFields)?):
            return objectDifferences(recordedFields, receivedFields)
        case (let recordedValue?, let receivedValue?):
            guard CanonicalJSON.canonical(recordedValue) != CanonicalJSON.canonical(receivedValue) else { return [] }
            return [.init("body", recorded: recordedValue, received: receivedValue, note: "the JSON body differs")]
        default:
            guard recordedBytes != incoming.body else { return [] }
            let describe = { (bytes: [UInt8]) -> JSONValue in
                bytes.isEmpty ? .string("(empty)") : .string(String(decoding: bytes.prefix(120), as: UTF8.self))
            }
            return [
                .init(
                    "body", recorded: describe(recordedBytes), received: describe(incoming.body),
                    note: "the body differs")
            ]
        }
    }

    static func objectDifferences(_ recorded: [(String, JSONValue)], _ received: [(String, JSONValue)])
        -> [RequestDifference]
    {
        var differences: [RequestDifference] = []
        let receivedByKey = Dictionary(received, uniquingKeysWith: { first, _ in first })
        let recordedByKey = Dictionary(recorded, uniquingKeysWith: { first, _ in first })
        let keys = recorded.map(\.0) + received.map(\.0).filter { recordedByKey[$0] == nil }
        for key in keys where !CanonicalJSON.volatileFields.contains(key) {
            let old = recordedByKey[key]
            let new = receivedByKey[key]
            switch (old, new) {
            case (let old?, nil):
                differences.append(
                    .init(key, recorded: old, received: nil, note: "the recording has it, the request does not"))
            case (nil, let new?):
                differences.append(
                    .init(key, recorded: nil, received: new, note: "the request has it, the recording does not"))
            case (let old?, let new?) where CanonicalJSON.canonical(old) != CanonicalJSON.canonical(new):
                switch key {
                case "messages": differences.append(contentsOf: messageDifferences(old, new))
                case "tools": differences.append(toolDifference(old, new))
                default: differences.append(.init(key, recorded: old, received: new, note: "\(key) differs"))
                }
            default: break
            }
        }
        return differences
    }

    static func messageDifferences(_ recorded: JSONValue, _ received: JSONValue) -> [RequestDifference] {
        guard case .array(let old) = recorded, case .array(let new) = received else {
            return [.init("messages", recorded: recorded, received: received, note: "messages differ")]
        }
        if old.count != new.count {
            let same = zip(old, new).prefix { CanonicalJSON.canonical($0) == CanonicalJSON.canonical($1) }.count
            return [
                .init(
                    "messages", recorded: .int(old.count), received: .int(new.count),
                    note:
                        "the recording has \(old.count) message\(old.count == 1 ? "" : "s"), the request \(new.count); they differ from message \(same + 1)"
                )
            ]
        }
        var differences: [RequestDifference] = []
        for i in old.indices where CanonicalJSON.canonical(old[i]) != CanonicalJSON.canonical(new[i]) {
            let fields = (old[i].objectValue ?? []).map(\.0) + (new[i].objectValue ?? []).map(\.0)
            var seen = Set<String>()
            var found = false
            for field in fields where seen.insert(field).inserted {
                let a = old[i][field]
                let b = new[i][field]
                if a.map(CanonicalJSON.canonical) != b.map(CanonicalJSON.canonical) {
                    found = true
                    differences.append(
                        .init(
                            "messages[\(i)].\(field)", recorded: a, received: b,
                            note: "message \(i + 1)'s \(field) differs"))
                }
            }
            if !found {
                differences.append(
                    .init("messages[\(i)]", recorded: old[i], received: new[i], note: "message \(i + 1) differs"))
            }
        }
        return differences
    }

    static func toolDifference(_ recorded: JSONValue, _ received: JSONValue) -> RequestDifference {
        let names = { (value: JSONValue) -> [String] in
            (value.arrayValue ?? []).map { $0["function"]?["name"]?.stringValue ?? $0["name"]?.stringValue ?? "?" }
        }
        let old = names(recorded)
        let new = names(received)
        if old != new {
            return .init(
                "tools", recorded: .array(old.map(JSONValue.string)), received: .array(new.map(JSONValue.string)),
                note: "the tools offered differ")
        }
        return .init(
            "tools", recorded: recorded, received: received,
            note: "the tool definitions differ (same names: \(old.joined(separator: ", ")))")
    }
}
