import CassetteFormat
import Foundation
import Playback
import Scenarios

/// `/__admin/...`: health, the request journal, reset, the loaded cassettes and scenarios. JSON in and out.
struct AdminAPI {
    let service: MockService

    /// The answer to an admin request; posting a scenario (YAML parsing) runs off the event loop.
    func respond(method: String, path: String, query: String?, body: [UInt8]) -> MockService.Reply {
        guard method == "POST", path == "/__admin/scenarios" else {
            return .plan(answer(method: method, path: path, query: query))
        }
        let session = AdminAPI.parameter("session", in: query)
        return .offLoop { [self] in addScenario(body, session: session) }
    }

    private func answer(method: String, path: String, query: String?) -> PlaybackPlan {
        let session = AdminAPI.parameter("session", in: query)
        switch (method, path) {
        case ("GET", "/__admin/health"):
            return .json(status: 200, body: health)
        case ("GET", "/__admin/requests"):
            let entries = service.journal.entries(session: session)
            let redactor = service.configuration.redactor
            return .json(
                status: 200, body: .object([("requests", .array(entries.map { $0.jsonValue(redactor: redactor) }))]))
        case ("GET", "/__admin/verdict"):
            switch VerdictThresholds.parse({ AdminAPI.parameter($0, in: query) }) {
            case .success(let thresholds):
                return .json(status: 200, body: service.verdict(session: session, thresholds: thresholds))
            case .failure(let problem):
                return ErrorResponse(status: 400, message: "MockRouter: /__admin/verdict: \(problem.message)").plan
            }
        case ("POST", "/__admin/reset"):
            service.reset(session: session)
            return .json(status: 200, body: .object([("reset", .string(session ?? "all sessions"))]))
        case ("GET", "/__admin/cassettes"):
            return .json(
                status: 200,
                body: .object([("cassettes", .array(service.replayer.catalog.files.map(AdminAPI.summary)))]))
        case ("GET", "/__admin/scenarios"):
            let listed = session.map { service.scenarios.all(session: $0) } ?? service.scenarios.all
            return .json(status: 200, body: .object([("scenarios", .array(listed.map(AdminAPI.summary)))]))
        case (_, "/__admin/health"), (_, "/__admin/requests"), (_, "/__admin/cassettes"), (_, "/__admin/reset"),
            (_, "/__admin/scenarios"), (_, "/__admin/verdict"):
            let allowed = path == "/__admin/reset" ? "POST" : path == "/__admin/scenarios" ? "GET, POST" : "GET"
            return ErrorResponse(
                status: 405, message: "\(method) is not allowed on \(path); use \(allowed)",
                headers: [("allow", allowed)]
            ).plan
        default:
            return ErrorResponse(
                status: 404,
                message:
                    "Unknown admin endpoint \(path). Known: GET /__admin/health, GET /__admin/requests, GET /__admin/verdict, POST /__admin/reset, GET /__admin/cassettes, GET and POST /__admin/scenarios"
            ).plan
        }
    }

    private var health: JSONValue {
        let catalog = service.replayer.catalog
        return .object([
            ("status", .string("ok")),
            ("version", .string(MockService.version)),
            ("uptime_ms", .int(Int(Date().timeIntervalSince(service.startedAt) * 1000))),
            ("cassettes", .int(catalog.files.count)),
            ("interactions", .int(catalog.entries.count)),
            ("scenarios", .int(service.scenarios.all.count)),
            ("sessions", .int(service.sessions.count)),
            ("speed", .double(service.configuration.speed)),
        ])
    }

    static func summary(_ file: CassetteFile) -> JSONValue {
        .object([
            ("path", .string(file.path)),
            ("header", file.header.jsonValue),
            ("warnings", .array(file.warnings.map { .string($0.description) })),
            (
                "interactions",
                .array(
                    file.interactions.enumerated().map { offset, interaction in
                        .object([
                            ("number", .int(offset + 1)),
                            ("method", .string(interaction.request.method)),
                            ("path", .string(interaction.request.path)),
                            ("model", interaction.request.body.modelName.map(JSONValue.string) ?? .null),
                            ("status", .int(interaction.response.status)),
                            ("stream", .bool(interaction.response.body.isStream)),
                        ])
                    })
            ),
        ])
    }

    /// `POST /__admin/scenarios[?session=ID]`: a scenario in YAML or JSON, added (or replacing one of
    /// the same name) for every session, or for session `ID` only. A bad one gets 400 with the
    /// loader's message, and nothing changes.
    private func addScenario(_ body: [UInt8], session: String?) -> PlaybackPlan {
        guard let text = String(validating: body, as: UTF8.self), !text.isEmpty else {
            return ErrorResponse(status: 400, message: "POST /__admin/scenarios takes a scenario as YAML or JSON text")
                .plan
        }
        do {
            let scenario = try ScenarioLoader.load(
                text: text, path: "POST /__admin/scenarios", bases: .loaded(service.replayer.catalog))
            let replaced = service.addScenario(scenario, session: session)
            return .json(
                status: replaced ? 200 : 201,
                body: .object([
                    ("name", .string(scenario.name)), ("replaced", .bool(replaced)),
                    ("steps", .int(scenario.steps.count)),
                ]))
        } catch {
            return ErrorResponse(
                status: 400, message: error.description, metadata: [("error_type", .string("invalid_scenario"))]
            ).plan
        }
    }

    static func summary(_ scenario: Scenario) -> JSONValue {
        .object([
            ("name", .string(scenario.name)), ("description", scenario.description.map(JSONValue.string) ?? .null),
            ("path", .string(scenario.path)), ("steps", .int(scenario.steps.count)),
            ("after_last", .string(scenario.afterLast.rawValue)),
            (
                "match",
                scenario.match.map { rule in
                    .object([
                        ("path", rule.path.map(JSONValue.string) ?? .null),
                        ("model", rule.model.map(JSONValue.string) ?? .null),
                        ("contains", rule.contains.map(JSONValue.string) ?? .null),
                    ])
                } ?? .null
            ),
        ])
    }

    /// The value of `name` in a query string, percent-decoded.
    static func parameter(_ name: String, in query: String?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first == Substring(name) {
                return parts.count > 1 ? String(parts[1]).removingPercentEncoding : ""
            }
        }
        return nil
    }
}

extension Body {
    /// The `model` field of a JSON body.
    var modelName: String? {
        if case .json(let value) = self { return value["model"]?.stringValue }
        return nil
    }
}
