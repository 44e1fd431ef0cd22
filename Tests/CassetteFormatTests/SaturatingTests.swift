import CassetteFormat
import Testing

/// Conversions from untrusted numbers clamp instead of trapping.
struct SaturatingTests {
    @Test(arguments: [
        (Double.nan, 0), (1e300, Int.max), (-1e300, Int.min), (Double.infinity, Int.max), (-Double.infinity, Int.min),
        (9.3e18, Int.max), (42.9, 42), (-42.9, -42),
    ])
    func doublesBecomeIntsWithoutTrapping(value: Double, expected: Int) {
        #expect(Saturating.int(value) == expected)
    }

    @Test(arguments: [
        (1e15, 1.0, Limits.maxScheduleNanoseconds), (1.0, 1e-300, Limits.maxScheduleNanoseconds),
        (Double.nan, 1.0, 0), (-5.0, 1.0, 0), (Double.infinity, 1.0, Limits.maxScheduleNanoseconds),
        (1.5, 1.0, 1_500_000), (1000.0, 4.0, 250_000_000),
    ])
    func durationsBecomeNanosecondsWithinTheScheduleLimit(ms: Double, speed: Double, expected: Int64) {
        #expect(Saturating.nanoseconds(milliseconds: ms, speed: speed) == expected)
    }

    @Test func durationsAreBoundedByTheLimit() {
        #expect(Limits.isDuration(0) && Limits.isDuration(Limits.maxDurationMs))
        #expect(!Limits.isDuration(Limits.maxDurationMs + 1) && !Limits.isDuration(-1) && !Limits.isDuration(.nan))
    }
}
