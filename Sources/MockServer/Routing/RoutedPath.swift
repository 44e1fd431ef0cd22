import Foundation

/// A request path with MockRouter's own prefixes taken off: `/session/ID/...` names the session,
/// `/scenario/NAME/...` demands a scenario; what remains is the API path.
struct RoutedPath: Equatable {
    var session: String?
    var scenario: String?
    var apiPath: String

    init(_ path: String) {
        var rest = Substring(path)
        session = RoutedPath.take("/session/", from: &rest)
        scenario = RoutedPath.take("/scenario/", from: &rest)
        apiPath = rest.isEmpty ? "/" : String(rest)
    }

    /// Removes `prefix` and the segment after it from `rest`, returning that segment.
    private static func take(_ prefix: String, from rest: inout Substring) -> String? {
        guard rest.hasPrefix(prefix) else { return nil }
        let afterPrefix = rest.dropFirst(prefix.count)
        let segment = afterPrefix.prefix(while: { $0 != "/" })
        guard !segment.isEmpty else { return nil }
        rest = afterPrefix.dropFirst(segment.count)
        return String(segment).removingPercentEncoding ?? String(segment)
    }
}
