/// Time offsets are stored as milliseconds with at most three decimals (microsecond resolution),
/// written without trailing zeros, so the same offset always serializes to the same text.
enum Milliseconds {
    static func json(_ ms: Double) -> JSONValue {
        let micros = Saturating.int((ms * 1000).rounded())
        let sign = micros < 0 ? "-" : ""
        let whole = abs(micros) / 1000
        var fraction = abs(micros) % 1000
        guard fraction != 0 else { return .number("\(sign)\(whole)") }
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let padded = String(repeating: "0", count: digits - String(fraction).count) + String(fraction)
        return .number("\(sign)\(whole).\(padded)")
    }
}
