import CassetteFormat

/// A recorded interaction close to a request that matched nothing, with what differs.
public struct NearMiss: Sendable {
    public let cassette: String
    public let number: Int
    public let method: String
    public let path: String
    public let differences: [RequestDifference]

    /// The recordings closest to `request`, best first: same method and path before others,
    /// then fewest differing fields. The catalog's index picks a few candidates by their
    /// features; only those are compared field by field.
    public static func closest(to request: IncomingRequest, in catalog: CassetteCatalog, limit: Int = 3) -> [NearMiss] {
        let candidates = catalog.nearMisses.candidates(for: request, limit: limit * candidatesPerMiss)
        let ranked = candidates.map { position -> (NearMiss, Int) in
            let entry = catalog.entries[position]
            let differences = RequestDifference.between(entry.interaction.request, request)
            let structural = differences.contains { $0.field == "method" || $0.field == "path" } ? 1000 : 0
            let miss = NearMiss(
                cassette: entry.cassette, number: entry.number, method: entry.interaction.request.method,
                path: entry.interaction.request.path, differences: differences)
            return (miss, structural + differences.count)
        }
        return ranked.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }
            .prefix(limit).map(\.element.0)
    }

    /// How many candidates per reported miss are compared field by field: the index's count of
    /// differing features only approximates the field-by-field count.
    static let candidatesPerMiss = 8

    /// A one-line summary: `stream-text.cassette.jsonl.gz #1 (messages[0].content: recorded "…", received "…")`.
    public var summary: String {
        let name = cassette.split(separator: "/").last.map(String.init) ?? cassette
        let parts = differences.prefix(3).map { difference -> String in
            switch (difference.recorded, difference.received) {
            case (let old?, let new?): return "\(difference.field): recorded \(old), received \(new)"
            default: return "\(difference.field): \(difference.note)"
            }
        }
        let more = differences.count > 3 ? "; and \(differences.count - 3) more" : ""
        return "\(name) #\(number) (\(parts.joined(separator: "; "))\(more))"
    }
}
