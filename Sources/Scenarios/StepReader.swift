import CassetteFormat
import Foundation
import Playback

/// Reads one step of a scenario file.
enum StepReader {
    static let keys = [
        "status", "headers", "error", "reasoning", "text", "tool_calls", "interleave", "chunking", "finish_reason",
        "native_finish_reason", "usage", "timing", "keepalive", "midstream_error", "fault", "line_endings", "done",
        "base", "when", "misbehaviour",
    ]
    static let errorStepKeys: Set<String> = ["status", "headers", "error", "timing", "when"]
    static let finishReasons = ["stop", "length", "tool_calls", "content_filter", "error"]

    /// The step `node` describes; its `when:` is read by `condition(of:)`.
    static func read(_ node: SourceNode, bases: BaseCassettes) throws(ScenarioLoadError) -> ScenarioStep {
        let fields = try node.mapping(allowed: keys)
        let status = try fields["status"]?.int(in: 200...599) ?? 200
        if let statusNode = fields["status"], status != 200, status < 400 {
            throw statusNode.failure("\(status) is not 200 or an error status (400–599)")
        }
        let headers = try fields["headers"].map { (node) throws(ScenarioLoadError) in try readHeaders(node) } ?? []
        let timing =
            try fields["timing"].map { (node) throws(ScenarioLoadError) in try readTiming(node) } ?? TimingSpec()
        if status >= 400 {
            for (key, entry) in fields.entries where !errorStepKeys.contains(key) {
                throw entry.failure(
                    "is not allowed in an error step (status \(status)); allowed: status, headers, error, timing, when")
            }
            let error = try readError(try fields.required("error"), status: status, headers: headers)
            return .error(error, ttftMs: timing.ttftMs)
        }
        if let errorNode = fields["error"] { throw errorNode.failure("is only allowed with an error status (400–599)") }
        var step = ResponseStep()
        step.headers = headers
        step.timing = timing
        step.reasoning = try fields["reasoning"].map { (node) throws(ScenarioLoadError) in try readReasoning(node) }
        step.text = try fields["text"]?.string()
        step.toolCalls =
            try fields["tool_calls"].map { (node) throws(ScenarioLoadError) in try readToolCalls(node) } ?? []
        step.interleave = try fields["interleave"]?.bool() ?? false
        step.chunking =
            try fields["chunking"].map { (node) throws(ScenarioLoadError) in try readChunking(node) } ?? Chunking()
        step.finishReason = try fields["finish_reason"]?.choice(finishReasons)
        step.nativeFinishReason = try fields["native_finish_reason"]?.string()
        step.usage = try fields["usage"].map { (node) throws(ScenarioLoadError) in try readUsage(node) } ?? UsageSpec()
        step.keepAlive =
            try fields["keepalive"].map { (node) throws(ScenarioLoadError) in try readKeepAlive(node) }
            ?? KeepAliveSpec()
        step.midstreamError = try fields["midstream_error"].map { (node) throws(ScenarioLoadError) in
            try readMidstreamError(node)
        }
        step.fault = try fields["fault"].map { (node) throws(ScenarioLoadError) in try readFault(node) }
        if let misbehaviourNode = fields["misbehaviour"] {
            let misbehaviour = try readMisbehaviour(misbehaviourNode)
            if misbehaviour.kind.needsToolCalls && step.toolCalls.isEmpty {
                throw misbehaviourNode.failure(
                    "\(misbehaviour.kind.rawValue) changes tool calls; give the step tool_calls")
            }
            step.misbehaviour = misbehaviour
        }
        step.crlf = try fields["line_endings"]?.choice(["lf", "crlf"]) == "crlf"
        step.done = try fields["done"]?.bool() ?? true
        if let baseNode = fields["base"] {
            step.base = try readBase(baseNode, bases: bases)
            for (key, entry) in fields.entries where !["base", "fault", "headers", "status", "when"].contains(key) {
                throw entry.failure(
                    "cannot be combined with base: the recording supplies content and timing; only fault and headers may be added"
                )
            }
        } else if step.text == nil && step.reasoning == nil && step.toolCalls.isEmpty {
            throw node.failure("a response step needs text, reasoning, tool_calls or base")
        }
        return .response(step)
    }

    /// The step's `when:`, if it has one.
    static func condition(of node: SourceNode) throws(ScenarioLoadError) -> RequestCondition? {
        try node.mapping(allowed: keys)["when"].map { (node) throws(ScenarioLoadError) in
            try ConditionReader.read(node, allowsAttempt: true)
        }
    }

    /// A mapping of header names to values; framing headers are refused unless `allowsFraming`
    /// (a `when: { header: … }` only reads them).
    static func readHeaders(_ node: SourceNode, allowsFraming: Bool = false) throws(ScenarioLoadError)
        -> [(String, String)]
    {
        guard case .mapping(let mapping) = node.node else {
            throw node.failure("expected a mapping of header names to values")
        }
        var headers: [(String, String)] = []
        for (key, value) in mapping {
            guard let name = key.string, !name.isEmpty else { throw node.failure("header names must be text") }
            let child = node.child(value, name)
            guard allowsFraming || !PlaybackPlan.isFramingHeader(name) else {
                throw child.failure(
                    "is a framing header, which the server always computes from what it sends "
                        + "(Content-Length, Transfer-Encoding, Connection, Keep-Alive cannot be set)")
            }
            headers.append((name, try child.string()))
        }
        return headers
    }

    static func readError(_ node: SourceNode, status: Int, headers: [(String, String)]) throws(ScenarioLoadError)
        -> HTTPErrorSpec
    {
        let fields = try node.mapping(allowed: ["message", "error_type", "metadata"])
        var metadata: [(String, JSONValue)] = []
        if let metadataNode = fields["metadata"] {
            guard case .object(let pairs) = try metadataNode.json() else {
                throw metadataNode.failure("expected a mapping")
            }
            metadata = pairs
        }
        return HTTPErrorSpec(
            status: status, message: try fields.required("message").string(),
            errorType: try fields["error_type"]?.string(),
            metadata: metadata, headers: headers)
    }

    static func readReasoning(_ node: SourceNode) throws(ScenarioLoadError) -> ReasoningSpec {
        if case .scalar = node.node { return ReasoningSpec(text: try node.string()) }
        let fields = try node.mapping(allowed: ["text", "summary", "encrypted", "signature", "format"])
        let spec = ReasoningSpec(
            text: try fields["text"]?.string(), summary: try fields["summary"]?.string(),
            encrypted: try fields["encrypted"]?.string(),
            signature: try fields["signature"]?.string(), format: try fields["format"]?.string())
        if spec.text == nil && spec.summary == nil && spec.encrypted == nil {
            throw node.failure("give at least one of text, summary, encrypted")
        }
        return spec
    }

    static func readToolCalls(_ node: SourceNode) throws(ScenarioLoadError) -> [ToolCallSpec] {
        var calls: [ToolCallSpec] = []
        for entry in try node.list() {
            let fields = try entry.mapping(allowed: ["name", "arguments", "id"])
            var arguments = "{}"
            if let argumentsNode = fields["arguments"] {
                if case .scalar = argumentsNode.node {
                    arguments = try argumentsNode.string()
                    guard (try? JSONParser.parse(arguments)) != nil else {
                        throw argumentsNode.failure("is text but not valid JSON")
                    }
                } else {
                    arguments = JSONWriter.string(try argumentsNode.json())
                }
            }
            calls.append(
                ToolCallSpec(
                    name: try fields.required("name").string(), arguments: arguments, id: try fields["id"]?.string()))
        }
        guard !calls.isEmpty else { throw node.failure("must list at least one call (or leave tool_calls out)") }
        guard calls.count <= Limits.maxToolCalls else {
            throw node.failure("lists \(calls.count) calls; at most \(Limits.maxToolCalls) are allowed")
        }
        return calls
    }

    static func readChunking(_ node: SourceNode) throws(ScenarioLoadError) -> Chunking {
        let fields = try node.mapping(allowed: ["text", "reasoning", "arguments"])
        var chunking = Chunking()
        func rule(_ node: SourceNode) throws(ScenarioLoadError) -> Chunking.Rule {
            if let size = node.node.int {
                guard size > 0 else { throw node.failure("must be words or a positive number of characters") }
                return .characters(size)
            }
            _ = try node.choice(["words"])
            return .words
        }
        if let node = fields["text"] { chunking.text = try rule(node) }
        if let node = fields["reasoning"] { chunking.reasoning = try rule(node) }
        if let node = fields["arguments"] { chunking.arguments = try node.int(in: 1...100_000) }
        return chunking
    }

    static func readUsage(_ node: SourceNode) throws(ScenarioLoadError) -> UsageSpec {
        let fields = try node.mapping(allowed: [
            "prompt_tokens", "completion_tokens", "reasoning_tokens", "cached_tokens", "cost",
        ])
        var usage = UsageSpec()
        usage.promptTokens = try fields["prompt_tokens"]?.int(in: 0...Limits.maxTokens)
        usage.completionTokens = try fields["completion_tokens"]?.int(in: 0...Limits.maxTokens)
        usage.reasoningTokens = try fields["reasoning_tokens"]?.int(in: 0...Limits.maxTokens)
        usage.cachedTokens = try fields["cached_tokens"]?.int(in: 0...Limits.maxTokens)
        if let costNode = fields["cost"] {
            _ = try costNode.number()
            usage.cost = try costNode.json()
        }
        return usage
    }

    static func readTiming(_ node: SourceNode) throws(ScenarioLoadError) -> TimingSpec {
        let fields = try node.mapping(allowed: ["ttft_ms", "tokens_per_second", "jitter_ms", "pauses"])
        var timing = TimingSpec()
        timing.ttftMs = try fields["ttft_ms"]?.duration() ?? 0
        if let tps = fields["tokens_per_second"] {
            let value = try tps.number()
            guard Limits.tokensPerSecond.contains(value) else {
                throw tps.failure(
                    "\(value) is outside \(Limits.tokensPerSecond.lowerBound)...\(Int(Limits.tokensPerSecond.upperBound))"
                )
            }
            timing.tokensPerSecond = value
        }
        timing.jitterMs = try fields["jitter_ms"]?.duration() ?? 0
        if let pausesNode = fields["pauses"] {
            let entries = try pausesNode.list()
            guard entries.count <= Limits.maxPauses else {
                throw pausesNode.failure("lists \(entries.count) pauses; at most \(Limits.maxPauses) are allowed")
            }
            for entry in entries {
                let pause = try entry.mapping(allowed: ["after", "ms"])
                timing.pauses.append(
                    (try pause.required("after").int(in: 0...Int.max), try pause.required("ms").duration()))
            }
        }
        return timing
    }

    static func readKeepAlive(_ node: SourceNode) throws(ScenarioLoadError) -> KeepAliveSpec {
        let fields = try node.mapping(allowed: ["at_start", "interval_ms"])
        var keepAlive = KeepAliveSpec()
        keepAlive.atStart = try fields["at_start"]?.int(in: 0...1000) ?? 1
        if let interval = fields["interval_ms"] {
            keepAlive.intervalMs = try interval.duration()
            guard keepAlive.intervalMs == 0 || keepAlive.intervalMs >= Limits.minKeepAliveIntervalMs else {
                throw interval.failure("must be 0 (none) or at least \(Int(Limits.minKeepAliveIntervalMs)) ms")
            }
        }
        return keepAlive
    }

    static func readMidstreamError(_ node: SourceNode) throws(ScenarioLoadError) -> MidstreamError {
        let fields = try node.mapping(allowed: ["after", "code", "message", "error_type", "provider_code"])
        let code = try fields["code"]?.int(in: 400...599) ?? 502
        return MidstreamError(
            afterTokens: try fields.required("after").int(in: 0...Int.max), code: code,
            message: try fields["message"]?.string() ?? "Provider disconnected unexpectedly",
            errorType: try fields["error_type"]?.string() ?? HTTPErrorSpec.defaultErrorType(code),
            providerCode: try fields["provider_code"]?.string())
    }

    /// `misbehaviour: KIND`, or `{ kind, rate, seed, violation, frame }`.
    static func readMisbehaviour(_ node: SourceNode) throws(ScenarioLoadError) -> Misbehaviour {
        if case .scalar = node.node { return Misbehaviour(kind: try node.choice(Misbehaviour.Kind.self)) }
        let fields = try node.mapping(allowed: ["kind", "rate", "seed", "violation", "frame"])
        let kind = try fields.required("kind").choice(Misbehaviour.Kind.self)
        var misbehaviour = Misbehaviour(kind: kind)
        if let rateNode = fields["rate"] {
            misbehaviour.rate = try rateNode.number()
            guard misbehaviour.rate <= 1 else { throw rateNode.failure("must be within 0...1 (a share of answers)") }
        }
        misbehaviour.seed = try fields["seed"].map { (node) throws(ScenarioLoadError) in
            UInt64(bitPattern: Int64(try node.int()))
        }
        if let violationNode = fields["violation"] {
            guard kind == .toolArgsSchemaViolation else {
                throw violationNode.failure("only applies to kind: tool_args_schema_violation")
            }
            misbehaviour.violation = try violationNode.choice(Misbehaviour.Violation.self)
        }
        if let frameNode = fields["frame"] {
            guard kind == .duplicatedFrame else { throw frameNode.failure("only applies to kind: duplicated_frame") }
            misbehaviour.frame = try frameNode.int(in: 1...Limits.maxCount)
        }
        return misbehaviour
    }

    static func readFault(_ node: SourceNode) throws(ScenarioLoadError) -> WireFault {
        let fields = try node.mapping(allowed: ["kind", "after", "stall_ms"])
        let kindNode = try fields.required("kind")
        let kind = try kindNode.choice(WireFault.Kind.self)
        let stallNode = fields["stall_ms"]
        let stallMs = try stallNode?.duration()
        if let stallNode, kind != .stall { throw stallNode.failure("only applies to kind: stall") }
        return WireFault(kind: kind, afterTokens: try fields["after"]?.int(in: 0...Int.max) ?? 0, stallMs: stallMs)
    }

    static func readBase(_ node: SourceNode, bases: BaseCassettes) throws(ScenarioLoadError) -> BaseInteraction {
        let fields = try node.mapping(allowed: ["cassette", "interaction"])
        let cassetteNode = try fields.required("cassette")
        let name = try cassetteNode.string()
        let number = try fields["interaction"]?.int(in: 1...Int.max) ?? 1
        let (path, interactions): (String, [Interaction])
        do { (path, interactions) = try bases.interaction(name, number: number, scenarioPath: node.path) } catch {
            throw cassetteNode.failure(error.message)
        }
        guard number <= interactions.count else {
            throw (fields["interaction"] ?? cassetteNode).failure(
                "\(name) has \(interactions.count) interactions; there is no interaction \(number)")
        }
        return BaseInteraction(cassette: path, number: number, recorded: interactions[number - 1])
    }
}
