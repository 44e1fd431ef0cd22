import CassetteFormat

/// Finds the recordings closest to a request without comparing it with every one: each distinct
/// recorded request is reduced, at load, to a set of feature hashes (method, path, query, and each
/// top-level body field; each element of `messages` and `tools`), filed under each feature. A
/// miss counts, through those lists, the features each recording shares with the request, ranks
/// them all by the features that differ (integers only), and leaves the exact field-by-field
/// comparison to the few best.
public struct NearMissIndex: Sendable {
    /// For each feature, the recordings that have it (positions in `filed`).
    private var postings: [Int: [Int32]] = [:]
    /// The recordings filed, with how many features each has.
    private var filed: [(entry: Int32, features: Int32, structural: (method: Int, path: Int))] = []

    public init() {}

    /// Files the recording at `entry` (the first with its request key).
    mutating func add(_ request: RecordedRequest, entry: Int) {
        let features = Self.features(of: request)
        let position = Int32(clamping: filed.count)
        for feature in Set(features.all) { postings[feature, default: []].append(position) }
        filed.append((Int32(clamping: entry), Int32(clamping: features.all.count), (features.method, features.path)))
    }

    /// The positions of at most `limit` recordings closest to `request`, best first: a different
    /// method or path counts as a thousand differing features, as `NearMiss` ranks them.
    func candidates(for request: IncomingRequest, limit: Int) -> [Int] {
        guard !filed.isEmpty else { return [] }
        let features = Self.features(of: request)
        var shared = [Int32](repeating: 0, count: filed.count)
        for feature in Set(features.all) {
            for position in postings[feature] ?? [] { shared[Int(position)] += 1 }
        }
        let incoming = features.all.count
        var best: [(score: Int, entry: Int32)] = []
        best.reserveCapacity(limit + 1)
        for (position, recording) in filed.enumerated() {
            let common = Int(shared[position])
            var score = Int(recording.features) + incoming - 2 * common
            if recording.structural.method != features.method || recording.structural.path != features.path {
                score += 1000
            }
            guard best.count < limit || score < best[best.count - 1].score else { continue }
            let place = best.firstIndex { score < $0.score } ?? best.count
            best.insert((score, recording.entry), at: place)
            if best.count > limit { best.removeLast() }
        }
        return best.map { Int($0.entry) }
    }

    private struct Features {
        var method: Int
        var path: Int
        var all: [Int]
    }

    private static func features(of request: RecordedRequest) -> Features {
        let json: JSONValue? =
            switch request.body {
            case .empty: nil
            case .json(let value): value
            default: try? JSONParser.parse(request.body.wireBytes)
            }
        return features(
            method: request.method, path: APIPath.canonical(request.path), query: request.query, json: json,
            raw: json == nil ? request.body.wireBytes : [])
    }

    private static func features(of request: IncomingRequest) -> Features {
        features(
            method: request.method, path: request.path, query: request.query, json: request.json,
            raw: request.json == nil ? request.body : [])
    }

    private static func features(method: String, path: String, query: String?, json: JSONValue?, raw: [UInt8])
        -> Features
    {
        let methodHash = hash("method", method.uppercased())
        let pathHash = hash("path", path)
        var all = [methodHash, pathHash, hash("query", RequestKey.canonicalQuery(query))]
        switch json {
        case .object(let fields)?:
            for (key, value) in fields where !CanonicalJSON.volatileFields.contains(key) {
                if key == "messages" || key == "tools", case .array(let elements) = value {
                    all.append(hash(key, "count \(elements.count)"))
                    for (index, element) in elements.enumerated() {
                        all.append(hash("\(key)[\(index)]", CanonicalJSON.text(of: element)))
                    }
                } else {
                    all.append(hash(key, CanonicalJSON.text(of: value)))
                }
            }
        case let value?:
            all.append(hash("body", CanonicalJSON.text(of: value)))
        case nil:
            var hasher = Hasher()
            hasher.combine("raw")
            hasher.combine(raw)
            all.append(hasher.finalize())
        }
        return Features(method: methodHash, path: pathHash, all: all)
    }

    private static func hash(_ field: String, _ value: String) -> Int {
        var hasher = Hasher()
        hasher.combine(field)
        hasher.combine(value)
        return hasher.finalize()
    }
}
