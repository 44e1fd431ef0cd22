import CassetteFormat
import NIOCore

extension PlaybackPlan {
    /// The plan that replays `interaction` byte for byte: its recorded status and headers, each SSE
    /// frame or chunk as one step at its recorded offset, and, when the recording ended in a cut
    /// (client cancelled, or the upstream failed mid-stream), a disconnect after the last frame.
    public init(replaying interaction: Interaction) {
        let response = interaction.response
        let headOffset = interaction.timing.ttfbMs ?? 0
        var steps: [PlaybackStep]
        switch response.body {
        case .empty:
            steps = []
        case .json, .text, .bytes:
            steps = [.bytes(ByteBuffer(bytes: response.body.wireBytes), offsetMs: headOffset)]
        case .sse(let frames):
            steps = frames.map { .bytes(ByteBuffer(string: $0.text), offsetMs: $0.offsetMs) }
        case .chunks(let chunks):
            steps = chunks.map { .bytes(ByteBuffer(bytes: $0.bytes), offsetMs: $0.offsetMs) }
        }
        if response.body.isStream && interaction.outcome.endsWithCut {
            steps.append(.fault(.disconnect))
        }
        self.init(
            status: response.status,
            headers: response.headers.map { ($0.name, $0.value) },
            framing: response.body.isStream ? .chunked : .contentLength,
            headOffsetMs: headOffset,
            steps: steps)
    }
}
