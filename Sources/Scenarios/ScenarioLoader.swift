import CassetteFormat
import Foundation
import Playback
import Yams

/// Reads scenario files (YAML, or JSON, which is YAML). Unknown keys and bad values are errors
/// that name the file, the line, the key and the allowed values.
public enum ScenarioLoader {
    static let topLevelKeys = [
        "name", "description", "model", "provider", "seed", "ids", "quota", "match", "after_last", "steps",
    ]

    /// Loads the scenario file at `path`.
    public static func load(path: String) throws(ScenarioLoadError) -> Scenario {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ScenarioLoadError(path: path, line: nil, key: nil, message: "cannot read the file as UTF-8 text")
        }
        return try load(text: text, path: path)
    }

    /// Loads a scenario from its text; `path` names it in errors and anchors relative `base` paths.
    /// `bases` says where `base.cassette` comes from: files beside `path` (the default), or the
    /// server's loaded cassettes by name (scenarios posted at run time).
    public static func load(text: String, path: String, bases: BaseCassettes = .files) throws(ScenarioLoadError)
        -> Scenario
    {
        let document: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ScenarioLoadError(path: path, line: nil, key: nil, message: "the document is empty")
            }
            document = node
        } catch let error as ScenarioLoadError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, path: path)
        } catch {
            throw ScenarioLoadError(path: path, line: nil, key: nil, message: "invalid YAML: \(error)")
        }
        let root = SourceNode(node: document, path: path, keyPath: "")
        let fields = try root.mapping(allowed: topLevelKeys)
        let nameNode = try fields.required("name")
        let name = try nameNode.string()
        guard Scenario.isValidName(name) else {
            throw nameNode.failure(
                "\"\(name)\" is not a valid scenario name: use lowercase letters, digits, '.', '_' and '-'")
        }
        let stepsNode = try fields.required("steps")
        let stepNodes = try stepsNode.list()
        guard !stepNodes.isEmpty else { throw stepsNode.failure("must list at least one step") }
        guard stepNodes.count <= Limits.maxSteps else {
            throw stepsNode.failure("lists \(stepNodes.count) steps; at most \(Limits.maxSteps) are allowed")
        }
        var steps: [ScenarioStep] = []
        var conditions: [Int: RequestCondition] = [:]
        for (index, node) in stepNodes.enumerated() {
            steps.append(try StepReader.read(node, bases: bases))
            conditions[index] = try StepReader.condition(of: node)
        }
        let seed: UInt64
        if let seedNode = fields["seed"] {
            seed = UInt64(bitPattern: Int64(try seedNode.int()))
        } else {
            seed = SeededRandom.seed(for: name)
        }
        var scenario = Scenario(
            name: name,
            description: try fields["description"]?.string(),
            model: try fields["model"]?.string(),
            provider: try fields["provider"]?.string() ?? "OpenAI",
            seed: seed,
            match: try fields["match"].map { (node) throws(ScenarioLoadError) in try readMatch(node) },
            afterLast: try fields["after_last"]?.choice(Scenario.AfterLast.self) ?? .repeatLast,
            steps: steps,
            path: path)
        scenario.conditions = conditions
        scenario.ids = try fields["ids"]?.choice(Scenario.IDMode.self) ?? .fresh
        scenario.quota = try fields["quota"].map { (node) throws(ScenarioLoadError) in try readQuota(node) }
        return scenario
    }

    static func readMatch(_ node: SourceNode) throws(ScenarioLoadError) -> MatchRule {
        let fields = try node.mapping(allowed: ["path", "model", "contains", "when"])
        let rule = MatchRule(
            path: try fields["path"]?.string(), model: try fields["model"]?.string(),
            contains: try fields["contains"]?.string(),
            when: try fields["when"].map { (node) throws(ScenarioLoadError) in
                try ConditionReader.read(node, allowsAttempt: false)
            })
        if rule.path == nil && rule.model == nil && rule.contains == nil && rule.when == nil {
            throw node.failure("give at least one of path, model, contains, when")
        }
        return rule
    }

    /// `quota: { requests_per_minute, tokens_per_minute, per: key | session, window_seconds }`.
    static func readQuota(_ node: SourceNode) throws(ScenarioLoadError) -> Quota {
        let fields = try node.mapping(allowed: ["requests_per_minute", "tokens_per_minute", "per", "window_seconds"])
        let range = 1...Limits.maxQuotaPerMinute
        var quota = Quota(
            requestsPerMinute: try fields["requests_per_minute"]?.int(in: range),
            tokensPerMinute: try fields["tokens_per_minute"]?.int(in: range),
            per: try fields["per"]?.choice(Quota.Scope.self) ?? .key)
        if let windowNode = fields["window_seconds"] {
            quota.windowSeconds = try windowNode.number()
            guard Quota.windowRange.contains(quota.windowSeconds) else {
                throw windowNode.failure("must be from 0.1 to 3600 seconds")
            }
        }
        if quota.requestsPerMinute == nil && quota.tokensPerMinute == nil {
            throw node.failure("give requests_per_minute, tokens_per_minute or both")
        }
        return quota
    }

    static func syntaxError(_ error: YamlError, path: String) -> ScenarioLoadError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ScenarioLoadError(path: path, line: mark.line, key: nil, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ScenarioLoadError(
                path: path, line: context.mark.line, key: duplicates.joined(separator: ", "),
                message: "the key appears twice")
        default:
            return ScenarioLoadError(path: path, line: nil, key: nil, message: "invalid YAML: \(error)")
        }
    }
}
