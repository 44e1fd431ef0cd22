import NIOCore

/// Where a rendering's placeholder identity sits in its bytes, found once when the rendering is
/// prepared, so that each answer writes its own identity over the same bytes in place (every
/// value has a fixed length) instead of rendering JSON again.
public struct IdentitySites: Sendable {
    /// The identity the plan was rendered with.
    public let template: AnswerIdentity
    /// Where the values sit, by the joined step that holds them.
    private let sitesByStep: [Int: [Site]]
    private let generationHeaders: [Int]

    private enum Kind: Sendable {
        case generationID
        /// The last ten characters of the generation tail, lowercased (Responses item ids).
        case lowercasedSuffix
        case created
        case toolCallTail(Int)
    }

    private struct Site: Sendable {
        /// The index of the joined byte step (`PlaybackPlan.coalescedSteps`) holding it.
        let step: Int
        let offset: Int
        let kind: Kind
    }

    /// A placeholder identity that cannot be mistaken for text: its generation tail ends in ten
    /// capital letters, so the lowercased suffix Responses item ids carry never matches inside it.
    public static func placeholder(toolCalls: Int, using random: inout some RandomNumberGenerator) -> AnswerIdentity {
        let capitals = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let head = AnswerIdentity.alphanumerics(AnswerIdentity.generationTailLength - suffixLength, using: &random)
        let tail = String((0..<suffixLength).map { _ in capitals[Int(random.next() % UInt64(capitals.count))] })
        return AnswerIdentity(
            created: 1_700_000_000 + Int(random.next() % 100_000_000), generationTail: head + tail,
            toolCallTails: (0..<toolCalls).map { _ in
                AnswerIdentity.alphanumerics(AnswerIdentity.toolCallTailLength, using: &random)
            })
    }

    static let suffixLength = 10

    /// Finds `template`'s values in `plan` (in its joined byte steps, so a stamp writes each value
    /// once for both forms of the body): the generation id, its lowercased suffix (unless
    /// `responsesItemIDs` is false: a recording's item ids are not derived from it), `"created"`
    /// and `"created_at"` numbers, and each tool-call tail, in every byte step and in the headers.
    public init(locating template: AnswerIdentity, in plan: PlaybackPlan, responsesItemIDs: Bool = true) {
        self.template = template
        var patterns: [([UInt8], Kind, Int)] = [
            (Array(template.generationID.utf8), .generationID, 0),
            (Array("\"created\":\(template.created)".utf8), .created, "\"created\":".utf8.count),
            (Array("\"created_at\":\(template.created)".utf8), .created, "\"created_at\":".utf8.count),
        ]
        if responsesItemIDs {
            let suffix = String(template.generationTail.suffix(Self.suffixLength)).lowercased()
            patterns.insert((Array(suffix.utf8), .lowercasedSuffix, 0), at: 1)
        }
        for (index, tail) in template.toolCallTails.enumerated() {
            patterns.append((Array(tail.utf8), .toolCallTail(index), 0))
        }
        var sites: [Site] = []
        for (stepIndex, step) in plan.coalescedSteps.enumerated() {
            guard case .bytes(let buffer, _) = step else { continue }
            buffer.withUnsafeReadableBytes { bytes in
                for (pattern, kind, skip) in patterns {
                    for offset in Self.occurrences(of: pattern, in: bytes) {
                        sites.append(Site(step: stepIndex, offset: offset + skip, kind: kind))
                    }
                }
            }
        }
        sitesByStep = Dictionary(grouping: sites, by: \.step)
        generationHeaders = plan.headers.indices.filter { plan.headers[$0].1 == template.generationID }
    }

    /// Whether the plan carries any of the template's values.
    public var isEmpty: Bool { sitesByStep.isEmpty && generationHeaders.isEmpty }

    /// `plan` (the plan these sites were found in) with `identity` written over the template's
    /// values: in its prepared wire bytes, with one copy of them.
    public func stamp(_ identity: AnswerIdentity, on plan: PlaybackPlan) -> PlaybackPlan {
        guard !isEmpty else { return plan }
        var plan = plan
        let generationID = Array(identity.generationID.utf8)
        let suffix = Array(String(identity.generationTail.suffix(Self.suffixLength)).lowercased().utf8)
        let created = Array(String(identity.created).utf8)
        let toolTails = identity.toolCallTails.map { Array($0.utf8) }
        plan.editWire { bytes, runStart, valueStart in
            func write(_ value: [UInt8], at offset: Int) {
                guard offset >= 0, offset + value.count <= bytes.count else { return }
                UnsafeMutableRawBufferPointer(rebasing: bytes[offset..<(offset + value.count)]).copyBytes(from: value)
            }
            for (step, group) in sitesByStep {
                guard let base = runStart(step) else { continue }
                for site in group {
                    switch site.kind {
                    case .generationID: write(generationID, at: base + site.offset)
                    case .lowercasedSuffix: write(suffix, at: base + site.offset)
                    case .created: write(created, at: base + site.offset)
                    case .toolCallTail(let call) where call < toolTails.count:
                        write(toolTails[call], at: base + site.offset)
                    case .toolCallTail: continue
                    }
                }
            }
            for index in generationHeaders {
                if let start = valueStart(index) { write(generationID, at: start) }
            }
        }
        for index in generationHeaders {
            plan.setValueWrittenInPlace(header: index, to: identity.generationID)
        }
        return plan
    }

    /// Every start offset of `pattern` in `bytes`, non-overlapping.
    static func occurrences(of pattern: [UInt8], in bytes: UnsafeRawBufferPointer) -> [Int] {
        guard let first = pattern.first, !pattern.isEmpty, bytes.count >= pattern.count else { return [] }
        var found: [Int] = []
        var index = 0
        let last = bytes.count - pattern.count
        while index <= last {
            if bytes[index] == first, pattern.indices.allSatisfy({ bytes[index + $0] == pattern[$0] }) {
                found.append(index)
                index += pattern.count
            } else {
                index += 1
            }
        }
        return found
    }
}
