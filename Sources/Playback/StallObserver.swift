/// Told when a plan's endless stall begins and when its connection goes away, so the server can
/// say how long a client waited on a stalled stream.
public protocol StallObserver: AnyObject, Sendable {
    func stallBegan()
    func connectionEnded()
}
