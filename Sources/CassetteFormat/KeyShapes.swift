/// The default key shapes, matched on bytes (no regular-expression engine, so nothing of ICU on the
/// server path): `sk-or-v1-` then 8 or more of `[A-Za-z0-9]`, `sk-ant-` then 8 or more of
/// `[A-Za-z0-9_-]`, and `sk-` then 16 or more of `[A-Za-z0-9_-]`, each starting a word (not after
/// one of `[A-Za-z0-9_-]`). Where shapes overlap at one start, the longest match is taken.
/// `Redactor.defaultPatterns` spells the same shapes as regular expressions, for the docs.
enum KeyShapes {
    /// The byte ranges of key-shaped strings in `bytes`, in order, not overlapping.
    static func matches(in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = 0
        let count = bytes.count
        while index + 3 <= count {
            guard bytes[index] == UInt8(ascii: "s"), bytes[index + 1] == UInt8(ascii: "k"),
                bytes[index + 2] == UInt8(ascii: "-"), index == 0 || !isKeyByte(bytes[index - 1])
            else {
                index += 1
                continue
            }
            let afterPrefix = index + 3
            let run = length(from: afterPrefix, in: bytes, where: isKeyByte)
            var end: Int? = run >= 16 ? afterPrefix + run : nil
            if starts(with: "ant-", at: afterPrefix, in: bytes), run - 4 >= 8 {
                end = afterPrefix + run
            }
            if starts(with: "or-v1-", at: afterPrefix, in: bytes) {
                let alphanumerics = length(from: afterPrefix + 6, in: bytes, where: isAlphanumeric)
                if alphanumerics >= 8 { end = max(end ?? 0, afterPrefix + 6 + alphanumerics) }
            }
            if let end {
                found.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return found
    }

    static func matches(in bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { matches(in: $0) }
    }

    private static func length(
        from start: Int, in bytes: UnsafeBufferPointer<UInt8>, where belongs: (UInt8) -> Bool
    ) -> Int {
        var end = start
        while end < bytes.count, belongs(bytes[end]) { end += 1 }
        return end - start
    }

    private static func starts(with prefix: StaticString, at start: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard start + length <= bytes.count else { return false }
        let pointer = prefix.utf8Start
        for offset in 0..<length where bytes[start + offset] != pointer[offset] { return false }
        return true
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: false
        }
    }

    static func isKeyByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
