/// Cuts text into deltas: `words` starts a new piece before each space ("Hello there," →
/// "Hello", " there,"); `characters(N)` makes pieces of N characters.
enum TextChunker {
    static func pieces(_ text: String, _ rule: Chunking.Rule) -> [String] {
        switch rule {
        case .characters(let size):
            var pieces: [String] = []
            var current = ""
            for character in text {
                current.append(character)
                if current.count == size {
                    pieces.append(current)
                    current = ""
                }
            }
            if !current.isEmpty { pieces.append(current) }
            return pieces
        case .words:
            var pieces: [String] = []
            var current = ""
            for character in text {
                if character == " " && !current.isEmpty && current.contains(where: { $0 != " " }) {
                    pieces.append(current)
                    current = ""
                }
                current.append(character)
            }
            if !current.isEmpty { pieces.append(current) }
            return pieces
        }
    }
}
