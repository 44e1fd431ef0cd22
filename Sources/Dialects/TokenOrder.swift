import Playback

/// Token order for dialects whose content blocks cannot interleave (Anthropic Messages, Responses
/// API items): fragments of parallel tool calls regrouped call by call, keeping the original
/// sequence of send times so pacing is unchanged.
enum TokenOrder {
    static func groupingToolCalls(_ events: [TimedEvent]) -> [TimedEvent] {
        let isTool = { (event: ContentEvent) -> Bool in
            switch event {
            case .toolCallStart, .toolCallArguments: return true
            default: return false
            }
        }
        var byCall: [Int: [ContentEvent]] = [:]
        var callOrder: [Int] = []
        for timed in events {
            switch timed.event {
            case .toolCallStart(let index, _, _):
                callOrder.append(index)
                byCall[index, default: []].append(timed.event)
            case .toolCallArguments(let index, _): byCall[index, default: []].append(timed.event)
            default: break
            }
        }
        var regrouped = callOrder.flatMap { byCall[$0] ?? [] }.makeIterator()
        return events.map { timed in
            isTool(timed.event) ? TimedEvent(offsetMs: timed.offsetMs, event: regrouped.next()!) : timed
        }
    }
}
