import Foundation

/// A path to `target` as seen from `folder` (`../cassettes/x.cassette.jsonl.gz`), so files that
/// refer to each other keep working when the checkout moves.
enum RelativePath {
    static func from(_ folder: URL, to target: String) -> String {
        let base = folder.standardizedFileURL.resolvingSymlinksInPath().pathComponents
        let goal = URL(fileURLWithPath: target).standardizedFileURL.resolvingSymlinksInPath().pathComponents
        let shared = zip(base, goal).prefix { $0 == $1 }.count
        let parts = Array(repeating: "..", count: base.count - shared) + goal[shared...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
