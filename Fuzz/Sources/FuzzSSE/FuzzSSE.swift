// libFuzzer target: CassetteFormat's SSE codec. The first byte chooses how many chunks the rest of
// the input arrives in, the next bytes where it is cut; the chunks go through
// `SSEFrameSplitter.append`, then `finish`. The frames must put the stream back together exactly,
// and every frame but the last must end at an empty line (lines end in CRLF, LF or CR, mixed) and
// hold no earlier one. Each frame is also read as an `SSEEvent`.
import CassetteFormat

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
    for frame in frames { _ = SSEEvent(parsing: frame.bytes) }
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

private func endsAtBlankLine(_ bytes: [UInt8]) -> Bool { firstFrameEnd(bytes) == bytes.count }

/// Where the first frame of `bytes` ends, by the reference rule, written apart from the splitter:
/// just past the first empty line, where lines end in CRLF, LF or CR.
private func firstFrameEnd(_ bytes: [UInt8]) -> Int? {
    var lineStart = 0
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        guard byte == 0x0A || byte == 0x0D else {
            index += 1
            continue
        }
        let end = byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A ? index + 2 : index + 1
        if lineStart == index { return end }
        lineStart = end
        index = end
    }
    return nil
}
