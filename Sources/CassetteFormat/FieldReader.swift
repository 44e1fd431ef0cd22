/// Reads fields of a JSON object and reports a missing or mistyped one by its path
/// (`response.body.sse[3].offset_ms`), so a decoding error points at the exact place.
struct FieldReader {
    let pairs: [(String, JSONValue)]
    let path: String

    init(_ value: JSONValue, path: String) throws(CassetteDecodingError) {
        guard case .object(let pairs) = value else {
            throw .fieldError(
                path: path.isEmpty ? "(line)" : path, message: "expected an object, found \(value.kindName)")
        }
        self.pairs = pairs
        self.path = path
    }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func optional(_ key: String) -> JSONValue? {
        guard let value = pairs.first(where: { $0.0 == key })?.1, !value.isNull else { return nil }
        return value
    }

    func required(_ key: String) throws(CassetteDecodingError) -> JSONValue {
        guard let value = optional(key) else { throw .fieldError(path: childPath(key), message: "is required") }
        return value
    }

    func string(_ key: String) throws(CassetteDecodingError) -> String {
        let value = try required(key)
        guard case .string(let s) = value else { throw mistyped(key, "a string", value) }
        return s
    }

    func optionalString(_ key: String) throws(CassetteDecodingError) -> String? {
        guard let value = optional(key) else { return nil }
        guard case .string(let s) = value else { throw mistyped(key, "a string", value) }
        return s
    }

    func int(_ key: String) throws(CassetteDecodingError) -> Int {
        let value = try required(key)
        guard let i = value.intValue else { throw mistyped(key, "an integer", value) }
        return i
    }

    func double(_ key: String) throws(CassetteDecodingError) -> Double {
        let value = try required(key)
        guard let d = value.doubleValue, d.isFinite else { throw mistyped(key, "a number", value) }
        return d
    }

    func optionalDouble(_ key: String) throws(CassetteDecodingError) -> Double? {
        guard let value = optional(key) else { return nil }
        guard let d = value.doubleValue, d.isFinite else { throw mistyped(key, "a number", value) }
        return d
    }

    /// A duration or time offset in ms, within `Limits.maxDurationMs`.
    func milliseconds(_ key: String) throws(CassetteDecodingError) -> Double {
        try checkedDuration(key, try double(key))
    }

    func optionalMilliseconds(_ key: String) throws(CassetteDecodingError) -> Double? {
        guard let value = try optionalDouble(key) else { return nil }
        return try checkedDuration(key, value)
    }

    private func checkedDuration(_ key: String, _ value: Double) throws(CassetteDecodingError) -> Double {
        guard Limits.isDuration(value) else {
            throw .fieldError(
                path: childPath(key),
                message: "\(value) is outside 0...\(Int(Limits.maxDurationMs)) ms (Limits.maxDurationMs)")
        }
        return value
    }

    func array(_ key: String) throws(CassetteDecodingError) -> [JSONValue] {
        let value = try required(key)
        guard case .array(let a) = value else { throw mistyped(key, "an array", value) }
        return a
    }

    func mistyped(_ key: String, _ expected: String, _ found: JSONValue) -> CassetteDecodingError {
        .fieldError(path: childPath(key), message: "expected \(expected), found \(found.kindName)")
    }
}
