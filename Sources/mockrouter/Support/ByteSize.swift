import ArgumentParser
import Foundation

/// A size in bytes from the command line: `1048576`, `512KB`, `10MB`, `1GB` (powers of 1024).
struct ByteSize: ExpressibleByArgument {
    let bytes: Int
    let text: String

    var defaultValueDescription: String { text }

    init?(argument: String) {
        self.text = argument
        let text = argument.uppercased().replacingOccurrences(of: "IB", with: "B")
        let units: [(String, Int)] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let number = Int(text.dropLast(suffix.count)), number > 0 else { return nil }
            let (product, overflow) = number.multipliedReportingOverflow(by: factor)
            guard !overflow else { return nil }
            bytes = product
            return
        }
        guard let number = Int(text), number > 0 else { return nil }
        bytes = number
    }
}
