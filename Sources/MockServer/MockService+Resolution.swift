import NIOHTTP1
import Playback

extension MockService {
    /// How a request is answered, without a socket: the plan a connection would play, after the
    /// same resolution (`nil` when it would be forwarded upstream). For embedding and fuzzing;
    /// admin work that a connection runs off the event loop runs here on the caller's thread.
    public func plan(method: String, target: String, headers: [(String, String)], body: [UInt8]) -> PlaybackPlan? {
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: method), uri: target, headers: HTTPHeaders(headers))
        switch reply(to: ReceivedRequest(head: head, body: body)) {
        case .plan(let plan): return plan
        case .offLoop(let work): return work()
        case .forward: return nil
        }
    }
}
