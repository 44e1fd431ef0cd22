import CassetteFormat
import Testing

/// Pacing over a real socket. Tolerance: a frame may arrive at most 2 ms before its scaled offset
/// (clock granularity) and at most 40 ms after it (a loaded 2-core CI machine runs other tests
/// beside this one); the sum of lateness over a stream is checked too, so a drifting writer fails.
@Suite("Pacing", .serialized)
struct PacingTests {
    static let early = Duration.milliseconds(2)
    static let late = Duration.milliseconds(40)

    func streamInteraction() throws -> Interaction {
        try #require(
            try TestServer.bundledInteractions().first { $0.file.hasSuffix("stream-text.cassette.jsonl.gz") }?
                .interaction)
    }

    @Test("--speed 1 sends each frame at its recorded offset", arguments: [1.0, 4.0])
    func recordedTiming(speed: Double) async throws {
        let interaction = try streamInteraction()
        guard case .sse(let frames) = interaction.response.body else {
            Issue.record("not a stream")
            return
        }
        try await TestServer.with(speed: speed, replayIDs: .recorded) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(interaction.request)
            let response = try client.readResponse()
            #expect(response.body == interaction.response.body.wireBytes)
            #expect(response.chunks.count == frames.count)
            var totalLateness = Duration.zero
            for (frame, chunk) in zip(frames, response.chunks) {
                let expected = Duration.microseconds(Int64(frame.offsetMs / speed * 1000))
                #expect(
                    chunk.arrival >= expected - Self.early,
                    "frame at \(frame.offsetMs) ms arrived at \(chunk.arrival) (speed \(speed))")
                #expect(
                    chunk.arrival <= expected + Self.late,
                    "frame at \(frame.offsetMs) ms arrived at \(chunk.arrival) (speed \(speed))")
                totalLateness += chunk.arrival - expected
            }
            #expect(totalLateness / frames.count <= .milliseconds(15), "mean lateness \(totalLateness / frames.count)")
        }
    }

    @Test("--speed 0 sends the whole stream at once, long before the recorded duration")
    func fastAsPossible() async throws {
        let interaction = try streamInteraction()
        guard case .sse(let frames) = interaction.response.body, let last = frames.last else { return }
        try await TestServer.with(speed: 0, replayIDs: .recorded) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(interaction.request)
            let response = try client.readResponse()
            #expect(response.body == interaction.response.body.wireBytes)
            #expect(response.chunks.last!.arrival < .milliseconds(Int64(last.offsetMs / 4)))
        }
    }
}
