import CassetteFormat

/// The one-line description `ls` prints and `show` heads each interaction with.
enum InteractionLine {
    static func describe(number: Int, _ interaction: Interaction) -> String {
        let request = interaction.request
        var parts = ["\(number)".leftPadded(3), request.method, request.path + (request.query.map { "?\($0)" } ?? "")]
        if case .json(let body) = request.body {
            if let model = body["model"]?.stringValue { parts.append("model=\(model)") }
            if body["stream"]?.boolValue == true { parts.append("stream") }
        }
        parts.append("-> \(interaction.response.status)")
        switch interaction.response.body {
        case .empty: parts.append("empty")
        case .json: parts.append("json")
        case .text(let text): parts.append("text \(text.utf8.count) bytes")
        case .bytes(let bytes): parts.append("bytes \(bytes.count)")
        case .sse(let frames): parts.append("sse \(frames.count) frames")
        case .chunks(let chunks): parts.append("chunks \(chunks.count)")
        }
        if let duration = interaction.timing.durationMs { parts.append("\(Saturating.int(duration.rounded())) ms") }
        switch interaction.outcome {
        case .complete: break
        case .clientCancelled: parts.append("[client cancelled]")
        case .upstreamFailed(let stage, _, _): parts.append("[upstream failed: \(stage.rawValue)]")
        }
        return parts.joined(separator: "  ")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
