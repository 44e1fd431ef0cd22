/// Checks a loaded cassette for problems the reader tolerates but replay would get wrong:
/// offsets that go backwards or are negative, SSE frames that do not end in a blank line
/// (allowed only for the last frame of a stream that was cut), and empty frames.
public enum CassetteIntegrity {
    /// One problem, with the 1-based interaction it is in.
    public struct Issue: Sendable, CustomStringConvertible {
        public let interaction: Int
        public let message: String
        public var description: String { "interaction \(interaction): \(message)" }
    }

    public static func issues(in file: CassetteFile) -> [Issue] {
        var issues: [Issue] = []
        for (offset, interaction) in file.interactions.enumerated() {
            let number = offset + 1
            let add = { (message: String) in issues.append(Issue(interaction: number, message: message)) }
            var offsets: [Double] = []
            switch interaction.response.body {
            case .sse(let frames):
                offsets = frames.map(\.offsetMs)
                for (i, frame) in frames.enumerated() {
                    if frame.text.isEmpty { add("response.body.sse[\(i)] is empty") }
                    let isLast = i == frames.count - 1
                    if !endsEvent(frame.text) && !(isLast && interaction.outcome.endsWithCut) {
                        add(
                            "response.body.sse[\(i)].text does not end with a blank line (\\n\\n), so a client would never see it"
                        )
                    }
                }
            case .chunks(let chunks):
                offsets = chunks.map(\.offsetMs)
            default:
                break
            }
            for (i, value) in offsets.enumerated() {
                if value < 0 { add("offset \(i) is negative (\(value) ms)") }
                if i > 0, value < offsets[i - 1] {
                    add("offset \(i) (\(value) ms) is earlier than the one before it (\(offsets[i - 1]) ms)")
                }
            }
            if let ttfb = interaction.timing.ttfbMs, let first = offsets.first, ttfb > first {
                add("timing.ttfb_ms (\(ttfb)) is later than the first frame (\(first) ms)")
            }
        }
        return issues
    }

    static func endsEvent(_ text: String) -> Bool {
        text.hasSuffix("\n\n") || text.hasSuffix("\r\n\r\n") || text.hasSuffix("\r\r")
    }
}
