import CassetteFormat

/// The form two request bodies are compared in: object keys sorted, numbers by value
/// (`1`, `1.0` and `1e0` are equal), volatile top-level fields removed.
public enum CanonicalJSON {
    /// Top-level request fields that differ between runs of the same test and are ignored when matching.
    public static let volatileFields: Set<String> = ["user", "session_id", "metadata", "trace"]

    /// The canonical text of a request body.
    public static func text(of body: JSONValue) -> String {
        var top = body
        if case .object(let pairs) = body {
            top = .object(pairs.filter { !volatileFields.contains($0.0) })
        }
        return JSONWriter.string(canonical(top))
    }

    /// `value` with keys sorted at every level and numbers normalized.
    public static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let lexeme): return .number(normalizedNumber(lexeme))
        case .array(let elements): return .array(elements.map(canonical))
        case .object(let pairs):
            return .object(pairs.sorted { $0.0 < $1.0 }.map { ($0.0, canonical($0.1)) })
        default: return value
        }
    }

    static func normalizedNumber(_ lexeme: String) -> String {
        guard let value = Double(lexeme) else { return lexeme }
        if value.rounded() == value, abs(value) < 9.0e15 { return String(Int(value)) }
        return "\(value)"
    }
}
