import CassetteFormat
import NIOHTTP1

/// A complete request as the connection received it.
struct ReceivedRequest {
    let head: HTTPRequestHead
    let body: [UInt8]

    var method: String { head.method.rawValue }

    /// The path and query of the request target.
    var pathAndQuery: (path: String, query: String?) {
        let uri = head.uri
        guard let mark = uri.firstIndex(of: "?") else { return (uri, nil) }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }

    var headerFields: [HeaderField] { head.headers.map { HeaderField($0.name, $0.value) } }
}
