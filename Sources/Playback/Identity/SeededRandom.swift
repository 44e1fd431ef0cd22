/// SplitMix64: a small, fast, well-mixed generator whose output depends only on its seed, for
/// reproducible ids and jitter.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one item of a family (a step of a scenario, an answer of a session): the
    /// seed and every part are mixed, so neighbouring parts give unrelated streams rather than one
    /// stream shifted by a value.
    public init(seed: UInt64, _ parts: UInt64...) {
        var mixed = SeededRandom.mix(seed)
        for part in parts { mixed = SeededRandom.mix(mixed ^ SeededRandom.mix(part &+ 0x2545_F491_4F6C_DD1D)) }
        state = mixed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    /// SplitMix64's finalizer: every input bit affects every output bit.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `-1...1`.
    public mutating func signedUnit() -> Double { Double(next() >> 11) / Double(1 << 53) * 2 - 1 }

    /// A stable seed from a name (FNV-1a), used when a scenario gives none.
    public static func seed(for name: String) -> UInt64 {
        name.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
