import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small OpenAI-style chat client, written as a user of MockRouterTesting would write the client
/// under test: AsyncHTTPClient for HTTP, a plain SSE reader for the stream, `Retry-After`
/// honoured on 429 and 503. (`mattt/EventSource` 1.1.1 does not compile on Linux: it calls
/// `URLSession.bytes`, which swift-corelibs-foundation lacks.)
struct ChatClient {
    static let decoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    let baseURL: URL
    var maxRetries = 2
    var apiKey = "test-key"

    /// An error status from the API.
    struct APIError: Error, CustomStringConvertible {
        let status: Int
        let message: String
        var description: String { "HTTP \(status): \(message)" }
    }

    /// What a streamed answer delivered: its text, reasoning, tool calls, and the in-band error that ended it, if any.
    struct StreamedAnswer {
        var text = ""
        var reasoning = ""
        var toolCalls: [Int: (name: String, arguments: String)] = [:]
        var finishReason: String?
        var error: String?
    }

    /// A non-stream chat completion's message text.
    func complete(_ prompt: String, model: String = "openai/gpt-4o-mini") async throws -> String {
        let response = try await send(prompt, model: model, stream: false)
        let body = try await response.body.collect(upTo: 1 << 20)
        let completion = try JSONDecoder().decode(Completion.self, from: Data(body.readableBytesView))
        return completion.choices.first?.message.content ?? ""
    }

    /// A streamed chat completion, read event by event until `[DONE]` or the end of the body.
    func stream(_ prompt: String, model: String = "openai/gpt-4o-mini") async throws -> StreamedAnswer {
        let response = try await send(prompt, model: model, stream: true)
        var answer = StreamedAnswer()
        for try await data in ServerSentEvents(body: response.body) {
            if data == "[DONE]" { break }
            let chunk = try Self.decoder.decode(Chunk.self, from: Data(data.utf8))
            if let error = chunk.error { answer.error = error.message }
            for choice in chunk.choices {
                answer.text += choice.delta.content ?? ""
                answer.reasoning += choice.delta.reasoning ?? ""
                for call in choice.delta.toolCalls ?? [] {
                    var entry = answer.toolCalls[call.index] ?? ("", "")
                    entry.name += call.function?.name ?? ""
                    entry.arguments += call.function?.arguments ?? ""
                    answer.toolCalls[call.index] = entry
                }
                answer.finishReason = choice.finishReason ?? answer.finishReason
            }
        }
        return answer
    }

    /// Sends the request, retrying 429 and 503 after `Retry-After` seconds, at most `maxRetries` times.
    private func send(_ prompt: String, model: String, stream: Bool) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: baseURL.appendingPathComponent("chat/completions").absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        let body = ChatRequest(model: model, messages: [.init(role: "user", content: prompt)], stream: stream)
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        var attempt = 0
        while true {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            guard response.status.code >= 400 else { return response }
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            let retryable = response.status == .tooManyRequests || response.status == .serviceUnavailable
            if retryable, attempt < maxRetries {
                attempt += 1
                let seconds = response.headers.first(name: "retry-after").flatMap(Double.init) ?? 1
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                continue
            }
            let message = (try? JSONDecoder().decode(ErrorBody.self, from: Data(text.utf8)))?.error.message ?? text
            throw APIError(status: Int(response.status.code), message: message)
        }
    }
}

private struct ChatRequest: Encodable {
    struct Message: Encodable {
        let role: String
        let content: String
    }

    let model: String
    let messages: [Message]
    let stream: Bool
}

private struct Completion: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable { let content: String? }
        let message: Message
    }

    let choices: [Choice]
}

private struct Chunk: Decodable {
    struct Choice: Decodable {
        struct Delta: Decodable {
            struct ToolCall: Decodable {
                struct Function: Decodable {
                    let name: String?
                    let arguments: String?
                }

                let index: Int
                let function: Function?
            }

            let content: String?
            let reasoning: String?
            let toolCalls: [ToolCall]?
        }

        let delta: Delta
        let finishReason: String?
    }

    struct InBandError: Decodable { let message: String }

    let choices: [Choice]
    let error: InBandError?
}

private struct ErrorBody: Decodable {
    struct Detail: Decodable { let message: String }
    let error: Detail
}

/// The `data` of each server-sent event in a response body, as it arrives: lines end in LF, CRLF
/// or CR; an event ends at a blank line; comments and other fields are skipped.
struct ServerSentEvents: AsyncSequence {
    typealias Element = String
    let body: HTTPClientResponse.Body

    struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: HTTPClientResponse.Body.AsyncIterator
        var pending: [UInt8] = []
        var data: [String] = []
        var finished = false

        mutating func next() async throws -> String? {
            while true {
                while let line = takeLine() {
                    if line.isEmpty {
                        guard !data.isEmpty else { continue }
                        defer { data = [] }
                        return data.joined(separator: "\n")
                    }
                    if line.hasPrefix("data:") {
                        data.append(String(line.dropFirst(5).drop(while: { $0 == " " })))
                    }
                }
                if finished { return nil }
                if let chunk = try await chunks.next() {
                    pending += chunk.readableBytesView
                } else {
                    finished = true
                    pending.append(0x0A)
                }
            }
        }

        /// The next complete line, without its line ending.
        private mutating func takeLine() -> String? {
            guard let end = pending.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return nil }
            if pending[end] == 0x0D && end + 1 == pending.count && !finished { return nil }
            let line = String(decoding: pending[..<end], as: UTF8.self)
            let skip = pending[end] == 0x0D && end + 1 < pending.count && pending[end + 1] == 0x0A ? 2 : 1
            pending.removeFirst(end + skip)
            return line
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: body.makeAsyncIterator()) }
}
