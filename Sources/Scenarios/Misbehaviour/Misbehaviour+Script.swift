import CassetteFormat
import Playback

extension Misbehaviour {
    /// `script` as a misbehaving model would have sent it. `requestTools` maps each tool the
    /// request offers to its parameter schema; `countsCompletion` says whether the completion
    /// token count follows the events (the step did not fix it). `duplicated_frame` acts on the
    /// rendered plan instead (`ScenarioRendering`).
    func apply(
        to script: inout ResponseScript, conventions: ProviderConventions, requestTools: [String: JSONValue],
        countsCompletion: Bool
    ) {
        switch kind {
        case .toolArgsInvalidJSON:
            for call in script.toolCalls {
                script.replaceArguments(of: call.index, with: String(call.arguments.dropLast()))
            }
        case .toolArgsSchemaViolation:
            for call in script.toolCalls {
                let broken = SchemaViolation.break(
                    arguments: call.arguments, schema: requestTools[call.name], preferring: violation)
                script.replaceArguments(of: call.index, with: broken)
            }
        case .toolUnknownName:
            script.events = script.events.map { timed in
                guard case .toolCallStart(let index, let id, let name) = timed.event else { return timed }
                var unknown = "\(name)_v2"
                var version = 2
                while requestTools[unknown] != nil {
                    version += 1
                    unknown = "\(name)_v\(version)"
                }
                return TimedEvent(offsetMs: timed.offsetMs, event: .toolCallStart(index: index, id: id, name: unknown))
            }
        case .toolCallIDDuplicate:
            script.duplicateToolCallIDs()
        case .lengthMidTool:
            guard let call = script.toolCalls.last else { break }
            let fragments = script.events.indices.filter { script.events[$0].event.isArguments(of: call.index) }
            guard
                let cut = fragments.isEmpty
                    ? script.events.lastIndex(where: { $0.event.isStart(of: call.index) })
                    : fragments[(fragments.count - 1) / 2]
            else { break }
            if fragments.count == 1, case .toolCallArguments(let index, let fragment) = script.events[cut].event {
                script.events[cut].event = .toolCallArguments(
                    index: index, fragment: String(fragment.prefix(fragment.count / 2)))
            }
            script.events.removeSubrange((cut + 1)...)
            script.finish("length", conventions)
        case .emptyResponse:
            script.events = []
            script.finish("stop", conventions)
        case .refusal:
            script.refuse(with: Misbehaviour.refusalText, conventions)
        case .contentFilter:
            let texts = script.events.indices.filter { if case .text = script.events[$0].event { true } else { false } }
            let kept = texts.prefix(texts.count / 2)
            script.events = script.events.enumerated().filter { index, timed in
                if case .text = timed.event { return kept.contains(index) }
                return !timed.event.isToolCall
            }.map(\.element)
            script.finish("content_filter", conventions)
        case .reasoningOnly:
            script.events.removeAll { timed in
                if case .text = timed.event { return true }
                return timed.event.isToolCall
            }
            if script.events.isEmpty {
                script.events = [
                    TimedEvent(
                        offsetMs: script.firstTokenMs,
                        event: .reasoningText("I need to think this through carefully before I answer."))
                ]
            }
            script.usage.reasoningTokens = script.events.count
            script.finish("length", conventions)
        case .duplicatedFrame:
            break
        }
        if countsCompletion { script.usage.completionTokens = script.events.count }
    }
}

extension ContentEvent {
    func isArguments(of call: Int) -> Bool {
        if case .toolCallArguments(let index, _) = self { return index == call }
        return false
    }

    func isStart(of call: Int) -> Bool {
        if case .toolCallStart(let index, _, _) = self { return index == call }
        return false
    }

    var isToolCall: Bool {
        switch self {
        case .toolCallStart, .toolCallArguments: return true
        default: return false
        }
    }
}

extension ResponseScript {
    /// Ends the answer with `reason`, in the provider's own spelling as the native reason.
    fileprivate mutating func finish(_ reason: String, _ conventions: ProviderConventions) {
        finishReason = reason
        nativeFinishReason = conventions.nativeFinishReason(for: reason)
    }

    /// Replaces the text and tool calls with `refusal`, cut into word-sized pieces sent at the
    /// replaced events' times; reasoning stays.
    fileprivate mutating func refuse(with refusal: String, _ conventions: ProviderConventions) {
        let replaced = events.filter { timed in
            if case .text = timed.event { return true }
            return timed.event.isToolCall
        }.map(\.offsetMs)
        let words = refusal.split(separator: " ", omittingEmptySubsequences: false)
        let pieces = words.enumerated().map { $0.offset == 0 ? String($0.element) : " " + $0.element }
        let start = replaced.first ?? lastTokenMs
        events.removeAll { timed in
            if case .text = timed.event { return true }
            return timed.event.isToolCall
        }
        events += pieces.enumerated().map { number, piece in
            TimedEvent(
                offsetMs: number < replaced.count ? replaced[number] : (replaced.last ?? start), event: .refusal(piece))
        }
        finishReason = "stop"
        nativeFinishReason = conventions.nativeRefusalReason
    }

    /// Replaces call `index`'s argument fragments with `arguments`, cut into pieces as long as the
    /// first old fragment, in the old fragments' places (more pieces go after the last of them).
    fileprivate mutating func replaceArguments(of index: Int, with arguments: String) {
        let positions = events.indices.filter { events[$0].event.isArguments(of: index) }
        guard let last = positions.last, case .toolCallArguments(_, let sample) = events[positions[0]].event else {
            return
        }
        let size = max(1, sample.count)
        var pieces: [String] = []
        var rest = Substring(arguments)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        let extra = pieces.dropFirst(positions.count).map {
            TimedEvent(offsetMs: events[last].offsetMs, event: .toolCallArguments(index: index, fragment: $0))
        }
        for (number, position) in positions.enumerated() {
            events[position].event = .toolCallArguments(
                index: index, fragment: number < pieces.count ? pieces[number] : "")
        }
        events.insert(contentsOf: extra, at: last + 1)
        let unused = Set(positions.dropFirst(pieces.count))
        events = events.enumerated().filter { !unused.contains($0.offset) }.map(\.element)
    }

    /// Every tool call gets the first call's id; a lone call is sent twice.
    fileprivate mutating func duplicateToolCallIDs() {
        let calls = toolCalls
        guard let first = calls.first else { return }
        if calls.count == 1 {
            let copy = events.filter { $0.event.isToolCall }.map { timed -> TimedEvent in
                switch timed.event {
                case .toolCallStart(_, let id, let name):
                    return TimedEvent(offsetMs: timed.offsetMs, event: .toolCallStart(index: 1, id: id, name: name))
                case .toolCallArguments(_, let fragment):
                    return TimedEvent(offsetMs: timed.offsetMs, event: .toolCallArguments(index: 1, fragment: fragment))
                default:
                    return timed
                }
            }
            let after = (events.lastIndex { $0.event.isToolCall } ?? events.count - 1) + 1
            events.insert(contentsOf: copy, at: after)
            return
        }
        events = events.map { timed in
            guard case .toolCallStart(let index, _, let name) = timed.event else { return timed }
            return TimedEvent(offsetMs: timed.offsetMs, event: .toolCallStart(index: index, id: first.id, name: name))
        }
    }
}
