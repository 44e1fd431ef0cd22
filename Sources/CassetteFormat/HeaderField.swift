/// One HTTP header as recorded: name and value, in wire order; repeated names stay repeated.
public struct HeaderField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HeaderField {
    /// The first value of header `name`, compared case-insensitively.
    public func first(named name: String) -> String? {
        first(where: { $0.name.lowercased() == name.lowercased() })?.value
    }
}
