import CassetteFormat
import Playback

/// The detailed view `show` prints under each interaction's line.
enum InteractionTimeline {
    static func render(_ interaction: Interaction) -> String {
        var lines: [String] = []
        if case .json(let body) = interaction.request.body {
            lines.append("  request body: \(abbreviated(JSONWriter.string(body), 300))")
        }
        lines.append(
            "  response \(interaction.response.status)"
                + (interaction.timing.ttfbMs.map { " at \(milliseconds($0))" } ?? ""))
        for header in interaction.response.headers { lines.append("    \(header.name): \(header.value)") }
        switch interaction.response.body {
        case .sse(let frames):
            for frame in frames {
                lines.append("  \(milliseconds(frame.offsetMs).leftPadded(11))  \(FrameSummary.describe(frame.text))")
            }
        case .chunks(let chunks):
            for chunk in chunks {
                lines.append("  \(milliseconds(chunk.offsetMs).leftPadded(11))  \(chunk.bytes.count) bytes")
            }
        case .empty:
            lines.append("  (no body)")
        default:
            lines.append(
                "  body: \(abbreviated(String(decoding: interaction.response.body.wireBytes, as: UTF8.self), 600))")
        }
        switch interaction.outcome {
        case .complete: break
        case .clientCancelled(let at): lines.append("  client cancelled" + (at.map { " at \(milliseconds($0))" } ?? ""))
        case .upstreamFailed(let stage, let message, let at):
            lines.append(
                "  upstream failed (\(stage.rawValue))" + (at.map { " at \(milliseconds($0))" } ?? "") + ": \(message)")
        }
        return lines.joined(separator: "\n")
    }

    static func milliseconds(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return "+\(rounded) ms"
    }

    static func abbreviated(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}
