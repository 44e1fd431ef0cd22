extension Interaction {
    /// The interaction's JSON object, keys in the documented order.
    public var jsonValue: JSONValue {
        .object([
            ("request", request.jsonValue),
            ("response", response.jsonValue),
            ("timing", timing.jsonValue),
            ("outcome", outcome.jsonValue),
        ])
    }

    /// Reads an interaction line; errors name the field path that is wrong.
    public init(json: JSONValue) throws(CassetteDecodingError) {
        let fields = try FieldReader(json, path: "")
        request = try RecordedRequest(json: try fields.required("request"), path: "request")
        response = try RecordedResponse(json: try fields.required("response"), path: "response")
        timing =
            try fields.optional("timing").map { (value) throws(CassetteDecodingError) in
                try Timing(json: value, path: "timing")
            } ?? Timing()
        outcome =
            try fields.optional("outcome").map { (value) throws(CassetteDecodingError) in
                try Outcome(json: value, path: "outcome")
            } ?? .complete
    }
}

extension RecordedRequest {
    var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = [("method", .string(method)), ("path", .string(path))]
        if let query { pairs.append(("query", .string(query))) }
        pairs.append(("headers", headers.jsonValue))
        if body != .empty { pairs.append(("body", body.jsonValue)) }
        return .object(pairs)
    }

    init(json: JSONValue, path: String) throws(CassetteDecodingError) {
        let fields = try FieldReader(json, path: path)
        method = try fields.string("method")
        self.path = try fields.string("path")
        guard self.path.hasPrefix("/") else {
            throw .fieldError(path: fields.childPath("path"), message: "must start with \"/\"")
        }
        query = try fields.optionalString("query")
        headers = try [HeaderField](json: fields.optional("headers"), path: fields.childPath("headers"))
        body = try Body(json: fields.optional("body"), path: fields.childPath("body"))
        if body.isStream {
            throw .fieldError(path: fields.childPath("body"), message: "a request body must be json, text or base64")
        }
    }
}

extension RecordedResponse {
    var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = [("status", .int(status)), ("headers", headers.jsonValue)]
        if body != .empty { pairs.append(("body", body.jsonValue)) }
        return .object(pairs)
    }

    init(json: JSONValue, path: String) throws(CassetteDecodingError) {
        let fields = try FieldReader(json, path: path)
        status = try fields.int("status")
        guard (100...599).contains(status) else {
            throw .fieldError(path: fields.childPath("status"), message: "must be an HTTP status from 100 to 599")
        }
        headers = try [HeaderField](json: fields.optional("headers"), path: fields.childPath("headers"))
        body = try Body(json: fields.optional("body"), path: fields.childPath("body"))
    }
}

extension [HeaderField] {
    var jsonValue: JSONValue { .array(map { .array([.string($0.name), .string($0.value)]) }) }

    init(json: JSONValue?, path: String) throws(CassetteDecodingError) {
        guard let json else {
            self = []
            return
        }
        guard case .array(let entries) = json else {
            throw .fieldError(path: path, message: "expected an array of [name, value] pairs, found \(json.kindName)")
        }
        var fields: [HeaderField] = []
        for (i, entry) in entries.enumerated() {
            guard case .array(let pair) = entry, pair.count == 2, let name = pair[0].stringValue,
                let value = pair[1].stringValue, !name.isEmpty
            else {
                throw .fieldError(path: "\(path)[\(i)]", message: "expected a [name, value] pair of strings")
            }
            fields.append(HeaderField(name, value))
        }
        self = fields
    }
}

extension Body {
    var jsonValue: JSONValue {
        switch self {
        case .empty: return .null
        case .json(let value): return .object([("json", value)])
        case .text(let text): return .object([("text", .string(text))])
        case .bytes(let bytes): return .object([("base64", .string(Base64.encode(bytes)))])
        case .sse(let frames):
            return .object([
                (
                    "sse",
                    .array(
                        frames.map {
                            .object([("offset_ms", Milliseconds.json($0.offsetMs)), ("text", .string($0.text))])
                        })
                )
            ])
        case .chunks(let chunks):
            return .object([
                (
                    "chunks",
                    .array(
                        chunks.map {
                            .object([
                                ("offset_ms", Milliseconds.json($0.offsetMs)),
                                ("base64", .string(Base64.encode($0.bytes))),
                            ])
                        })
                )
            ])
        }
    }

    static let kinds = ["json", "text", "base64", "sse", "chunks"]

    init(json: JSONValue?, path: String) throws(CassetteDecodingError) {
        guard let json, !json.isNull else {
            self = .empty
            return
        }
        guard case .object(let pairs) = json, pairs.count == 1 else {
            throw .fieldError(
                path: path,
                message: "expected an object with exactly one of the keys \(Body.kinds.joined(separator: ", "))")
        }
        let (kind, value) = pairs[0]
        let valuePath = "\(path).\(kind)"
        switch kind {
        case "json":
            self = .json(value)
        case "text":
            guard let text = value.stringValue else {
                throw .fieldError(path: valuePath, message: "expected a string, found \(value.kindName)")
            }
            self = .text(text)
        case "base64":
            guard let text = value.stringValue, let bytes = Base64.decode(text) else {
                throw .fieldError(path: valuePath, message: "expected a base64 string")
            }
            self = .bytes(bytes)
        case "sse":
            guard case .array(let entries) = value else {
                throw .fieldError(path: valuePath, message: "expected an array of frames, found \(value.kindName)")
            }
            var frames: [TimedFrame] = []
            frames.reserveCapacity(entries.count)
            for (i, entry) in entries.enumerated() {
                let fields = try FieldReader(entry, path: "\(valuePath)[\(i)]")
                frames.append(
                    TimedFrame(offsetMs: try fields.milliseconds("offset_ms"), text: try fields.string("text")))
            }
            self = .sse(frames)
        case "chunks":
            guard case .array(let entries) = value else {
                throw .fieldError(path: valuePath, message: "expected an array of chunks, found \(value.kindName)")
            }
            var chunks: [TimedChunk] = []
            for (i, entry) in entries.enumerated() {
                let fields = try FieldReader(entry, path: "\(valuePath)[\(i)]")
                let encoded = try fields.string("base64")
                guard let bytes = Base64.decode(encoded) else {
                    throw .fieldError(path: fields.childPath("base64"), message: "is not valid base64")
                }
                chunks.append(TimedChunk(offsetMs: try fields.milliseconds("offset_ms"), bytes: bytes))
            }
            self = .chunks(chunks)
        default:
            throw .fieldError(
                path: path,
                message: "has unknown kind \"\(kind)\"; expected one of \(Body.kinds.joined(separator: ", "))")
        }
    }
}

extension Timing {
    var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let started { pairs.append(("started", .string(started))) }
        if let ttfbMs { pairs.append(("ttfb_ms", Milliseconds.json(ttfbMs))) }
        if let durationMs { pairs.append(("duration_ms", Milliseconds.json(durationMs))) }
        return .object(pairs)
    }

    init(json: JSONValue, path: String) throws(CassetteDecodingError) {
        let fields = try FieldReader(json, path: path)
        started = try fields.optionalString("started")
        ttfbMs = try fields.optionalMilliseconds("ttfb_ms")
        durationMs = try fields.optionalMilliseconds("duration_ms")
    }
}

extension Outcome {
    var jsonValue: JSONValue {
        switch self {
        case .complete:
            return .object([("kind", .string("complete"))])
        case .clientCancelled(let atMs):
            var pairs: [(String, JSONValue)] = [("kind", .string("client_cancelled"))]
            if let atMs { pairs.append(("at_ms", Milliseconds.json(atMs))) }
            return .object(pairs)
        case .upstreamFailed(let stage, let message, let atMs):
            var pairs: [(String, JSONValue)] = [
                ("kind", .string("upstream_failed")), ("stage", .string(stage.rawValue)), ("message", .string(message)),
            ]
            if let atMs { pairs.append(("at_ms", Milliseconds.json(atMs))) }
            return .object(pairs)
        }
    }

    init(json: JSONValue, path: String) throws(CassetteDecodingError) {
        let fields = try FieldReader(json, path: path)
        let kind = try fields.string("kind")
        switch kind {
        case "complete":
            self = .complete
        case "client_cancelled":
            self = .clientCancelled(atMs: try fields.optionalMilliseconds("at_ms"))
        case "upstream_failed":
            let stageText = try fields.string("stage")
            guard let stage = FailureStage(rawValue: stageText) else {
                throw .fieldError(
                    path: fields.childPath("stage"),
                    message:
                        "is \"\(stageText)\"; expected one of \(FailureStage.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            self = .upstreamFailed(
                stage: stage, message: try fields.optionalString("message") ?? "",
                atMs: try fields.optionalMilliseconds("at_ms"))
        default:
            throw .fieldError(
                path: fields.childPath("kind"),
                message: "is \"\(kind)\"; expected complete, client_cancelled or upstream_failed")
        }
    }
}
