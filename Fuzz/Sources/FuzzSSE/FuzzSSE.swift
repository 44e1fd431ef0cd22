// libFuzzer target: Dialects.SSEFrameSplitter. The first byte chooses how many chunks the rest of
// the input arrives in, the next bytes where it is cut; the chunks go through `append`, then
// `finish`. The frames must put the stream back together exactly, and every frame but the last
// must end at a blank line (`\n\n`, `\r\r` or `\r\n\r\n`) and hold no earlier one.
// Not a product of the root package: reachable because MockServer depends on it (see Package.swift).
import Dialects

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = input.first else { return 0 }
    let chunkCount = Int(first % 16) + 1
    let cutBytes = min(chunkCount - 1, input.count - 1)
    let cutSeeds = input[1..<(1 + cutBytes)]
    let stream = Array(input[(1 + cutBytes)...])

    var cuts = cutSeeds.map { stream.isEmpty ? 0 : Int($0) % (stream.count + 1) }.sorted()
    cuts.append(stream.count)
    var splitter = SSEFrameSplitter()
    var start = 0
    for (index, cut) in cuts.enumerated() {
        splitter.append(stream[start..<cut], offsetMs: Double(index))
        start = cut
    }
    let frames = splitter.finish(offsetMs: Double(cuts.count))

    let joined = frames.flatMap(\.bytes)
    guard joined == stream else {
        fatalError("FuzzSSE: \(frames.count) frames join to \(joined) but the stream was \(stream) (cuts \(cuts))")
    }
    var lastOffset = -1.0
    for (index, frame) in frames.enumerated() {
        precondition(!frame.bytes.isEmpty, "FuzzSSE: frame \(index) is empty (stream \(stream), cuts \(cuts))")
        precondition(
            frame.offsetMs >= lastOffset, "FuzzSSE: frame offsets go backwards (stream \(stream), cuts \(cuts))")
        lastOffset = frame.offsetMs
        if index < frames.count - 1 || endsAtBlankLine(frame.bytes) {
            guard endsAtBlankLine(frame.bytes) else {
                fatalError(
                    "FuzzSSE: frame \(index) \(frame.bytes) does not end at a blank line (stream \(stream), cuts \(cuts))"
                )
            }
            guard firstFrameEnd(frame.bytes) == frame.bytes.count else {
                fatalError(
                    "FuzzSSE: frame \(index) \(frame.bytes) holds an earlier blank line (stream \(stream), cuts \(cuts))"
                )
            }
        } else {
            precondition(firstFrameEnd(frame.bytes) == nil, "FuzzSSE: the last frame \(frame.bytes) holds a blank line")
        }
    }
    // Fed in one piece, the same stream gives the same frames.
    var whole = SSEFrameSplitter()
    whole.append(stream, offsetMs: 0)
    let wholeFrames = whole.finish(offsetMs: 0).map(\.bytes)
    guard wholeFrames == frames.map(\.bytes) else {
        fatalError(
            "FuzzSSE: the frames depend on where the stream was cut: \(wholeFrames) vs \(frames.map(\.bytes)) (cuts \(cuts))"
        )
    }
    return 0
}

private func endsAtBlankLine(_ bytes: [UInt8]) -> Bool {
    let tail2 = bytes.suffix(2)
    return tail2.elementsEqual([0x0A, 0x0A]) || tail2.elementsEqual([0x0D, 0x0D])
        || bytes.suffix(4).elementsEqual([0x0D, 0x0A, 0x0D, 0x0A])
}

/// Where the first frame of `bytes` ends, by the reference rule: the earliest position just past
/// `\n\n`, `\r\r` or `\r\n\r\n`.
private func firstFrameEnd(_ bytes: [UInt8]) -> Int? {
    var index = 0
    while index + 1 < bytes.count {
        let a = bytes[index]
        let b = bytes[index + 1]
        if a == 0x0A && b == 0x0A { return index + 2 }
        if a == 0x0D && b == 0x0D { return index + 2 }
        if a == 0x0D && b == 0x0A && index + 3 < bytes.count && bytes[index + 2] == 0x0D && bytes[index + 3] == 0x0A {
            return index + 4
        }
        index += 1
    }
    return nil
}
