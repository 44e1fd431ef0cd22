import NIOHTTP1

/// `--require-key`: a request passes with `Authorization: Bearer KEY`, or `x-api-key: KEY` on `/messages`.
enum KeyCheck {
    static func accepts(_ headers: HTTPHeaders, key: String, anthropic: Bool) -> Bool {
        if headers.first(name: "authorization") == "Bearer \(key)" { return true }
        return anthropic && headers.first(name: "x-api-key") == key
    }
}
