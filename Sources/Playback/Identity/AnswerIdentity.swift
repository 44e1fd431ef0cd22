import Foundation

/// What makes one answer unique: when it was created, the random part of its generation id, and
/// the random part of each tool-call id the scenario did not fix. A rendering is prepared once with
/// placeholder values (`IdentitySites` knows where they sit); each answer writes its own over them.
public struct AnswerIdentity: Sendable, Equatable {
    /// Seconds since 1970, for `created` / `created_at` and the generation id.
    public var created: Int
    /// The `generationTailLength` characters after `gen-CREATED-`.
    public var generationTail: String
    /// The `toolCallTailLength` characters after each generated tool-call id's prefix, in call order.
    public var toolCallTails: [String]

    public static let generationTailLength = 20
    public static let toolCallTailLength = 24
    /// Digits of `created`: fixed, so an identity can be written over a placeholder of the same length
    /// (ten digits last until the year 2286).
    public static let createdDigits = 10

    public init(created: Int, generationTail: String, toolCallTails: [String]) {
        self.created = created
        self.generationTail = generationTail
        self.toolCallTails = toolCallTails
    }

    /// The generation id: `gen-CREATED-TAIL`, as OpenRouter spells it.
    public var generationID: String { "gen-\(created)-\(generationTail)" }

    /// A fresh identity: the clock's time, and tails from `random`.
    public static func fresh(
        toolCalls: Int, now: Date = Date(), using random: inout some RandomNumberGenerator
    ) -> AnswerIdentity {
        AnswerIdentity(
            created: clockSeconds(now),
            generationTail: alphanumerics(generationTailLength, using: &random),
            toolCallTails: (0..<toolCalls).map { _ in alphanumerics(toolCallTailLength, using: &random) })
    }

    /// `now` in whole seconds, kept to `createdDigits` digits.
    public static func clockSeconds(_ now: Date) -> Int {
        let seconds = now.timeIntervalSince1970
        guard seconds.isFinite else { return 1_000_000_000 }
        return Int(min(max(seconds, 1_000_000_000), 9_999_999_999))
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `count` characters from `[A-Za-z0-9]`.
    public static func alphanumerics(_ count: Int, using random: inout some RandomNumberGenerator) -> String {
        String(unsafeUninitializedCapacity: max(0, count)) { bytes in
            for index in bytes.indices { bytes[index] = alphabet[Int(random.next() % UInt64(alphabet.count))] }
            return bytes.count
        }
    }
}
