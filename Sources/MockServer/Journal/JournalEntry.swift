import CassetteFormat

/// One request the server answered, for `GET /__admin/requests`.
struct JournalEntry: Sendable {
    /// How the request was answered.
    enum Answer: Sendable {
        /// From a cassette: file, interaction number, the occurrence of this request in its
        /// session, and whether the recorded sequence was exhausted so the last one repeated.
        case cassette(path: String, number: Int, occurrence: Int, isRepeat: Bool)
        /// By an error the mock produced itself, with its reason code.
        case error(reason: String, message: String)
    }

    let time: String
    let session: String
    let method: String
    let path: String
    let query: String?
    let body: [UInt8]
    let status: Int
    let answer: Answer

    var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("time", .string(time)), ("session", .string(session)),
            ("method", .string(method)), ("path", .string(path)),
            ("query", query.map(JSONValue.string) ?? .null),
            ("body", bodyValue), ("status", .int(status)),
        ]
        switch answer {
        case let .cassette(path, number, occurrence, isRepeat):
            pairs.append(("interaction", .object([
                ("cassette", .string(path)), ("number", .int(number)),
                ("occurrence", .int(occurrence)), ("repeat", .bool(isRepeat)),
            ])))
            pairs.append(("reason", .null))
        case let .error(reason, message):
            pairs.append(("interaction", .null))
            pairs.append(("reason", .string(reason)))
            pairs.append(("message", .string(message)))
        }
        return .object(pairs)
    }

    /// The body as parsed JSON when it is JSON, else as text, else `null` when empty.
    private var bodyValue: JSONValue {
        if body.isEmpty { return .null }
        if let json = try? JSONParser.parse(body) { return json }
        return .string(String(decoding: body.prefix(4096), as: UTF8.self))
    }
}
