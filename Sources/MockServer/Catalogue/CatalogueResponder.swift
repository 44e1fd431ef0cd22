import CassetteFormat
import Dialects
import Playback
import Scenarios

/// Answers the read-only endpoints from the bundled catalogue when no cassette covers them:
/// `GET /models`, `/models/{author}/{slug}/endpoints`, `/key`, `/credits` and `/generation?id=`.
struct CatalogueResponder {
    static let catalogue: JSONValue = try! JSONParser.parse(BundledCatalogue.json)
    /// Each catalogue model's price per token, for scenario answers' cost.
    static let prices = ModelPrice.table(fromModels: catalogue["models"])

    let generations: GenerationRegistry

    /// The answer for `request`, or `nil` when it is not a catalogue endpoint. `/credits` reports
    /// what `session` spent when the request named one, else what every session spent.
    func answer(_ request: IncomingRequest, session: String?) -> PlaybackPlan? {
        guard request.method.uppercased() == "GET" else { return nil }
        let path = request.path
        switch path {
        case "/api/v1/models", "/api/v1/models/user":
            return .json(status: 200, body: CatalogueResponder.catalogue["models"] ?? .null)
        case "/api/v1/key", "/api/v1/auth/key":
            return .json(status: 200, body: CatalogueResponder.catalogue["key"] ?? .null)
        case "/api/v1/credits":
            return .json(
                status: 200,
                body: .object([
                    (
                        "data",
                        .object([
                            ("total_credits", .int(100)),
                            ("total_usage", .double(generations.totalCost(session: session))),
                        ])
                    )
                ]))
        case "/api/v1/generation":
            guard let id = AdminAPI.parameter("id", in: request.query), !id.isEmpty else {
                return ErrorResponse(status: 400, message: "Missing required query parameter: id").plan
            }
            guard let record = generations.lookup(id) else {
                return ErrorResponse(
                    status: 404, message: "Generation \(id) not found", metadata: [("error_type", .string("not_found"))]
                ).plan
            }
            return .json(status: 200, body: record.jsonValue)
        default:
            guard path.hasPrefix("/api/v1/models/"), path.hasSuffix("/endpoints") else { return nil }
            let slug = String(path.dropFirst("/api/v1/models/".count).dropLast("/endpoints".count))
            return endpoints(slug)
        }
    }

    private func endpoints(_ slug: String) -> PlaybackPlan {
        let models = CatalogueResponder.catalogue["models"]?["data"]?.arrayValue ?? []
        guard let model = models.first(where: { $0["id"]?.stringValue == slug }) else {
            return ErrorResponse(
                status: 404, message: "No endpoints found for \(slug).",
                metadata: [("error_type", .string("not_found"))]
            ).plan
        }
        let provider = slug.split(separator: "/").first.map { $0.prefix(1).uppercased() + $0.dropFirst() } ?? "Provider"
        let top = model["top_provider"]
        let endpoint = JSONValue.object([
            ("name", .string("\(provider) | \(slug)")), ("model_id", .string(slug)),
            ("model_name", model["name"] ?? .string(slug)),
            ("context_length", model["context_length"] ?? .null), ("pricing", model["pricing"] ?? .object([])),
            ("provider_name", .string(provider)), ("tag", .string(provider.lowercased())), ("quantization", .null),
            ("max_completion_tokens", top?["max_completion_tokens"] ?? .null), ("max_prompt_tokens", .null),
            ("supported_parameters", model["supported_parameters"] ?? .array([])), ("status", .int(0)),
            ("uptime_last_30m", .number("99.9")), ("uptime_last_5m", .int(100)), ("uptime_last_1d", .number("99.8")),
            ("supports_implicit_caching", .bool(true)),
            (
                "latency_last_30m",
                .object([("p50", .int(410)), ("p75", .int(520)), ("p90", .int(700)), ("p99", .int(1300))])
            ),
            (
                "throughput_last_30m",
                .object([("p50", .int(85)), ("p75", .int(70)), ("p90", .int(55)), ("p99", .int(30))])
            ),
        ])
        return .json(
            status: 200,
            body: .object([
                (
                    "data",
                    .object([
                        ("id", .string(slug)), ("name", model["name"] ?? .string(slug)),
                        ("created", model["created"] ?? .null),
                        ("description", model["description"] ?? .string("")),
                        ("architecture", model["architecture"] ?? .object([])),
                        ("endpoints", .array([endpoint])),
                    ])
                )
            ]))
    }
}
