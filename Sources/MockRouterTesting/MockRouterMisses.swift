/// Thrown after a test when MockRouter could not answer some of its requests as asked, so the
/// failure shows why (the near-miss report names the closest recording and the fields that
/// differ) instead of a bare 404 in the client.
public struct MockRouterMisses: Error, CustomStringConvertible {
    public let misses: [RecordedRequest]
    /// The error the test itself threw, if it did.
    public let testError: (any Error)?

    public var description: String {
        var lines = ["MockRouter could not answer \(misses.count) request\(misses.count == 1 ? "" : "s") of this test:"]
        for miss in misses {
            guard case .error(_, let message) = miss.answer else { continue }
            lines.append("- \(miss.method) \(miss.path) → \(miss.status): \(message)")
        }
        if let testError { lines.append("The test also threw: \(testError)") }
        return lines.joined(separator: "\n")
    }
}
