import CassetteFormat
import NIOCore
import NIOHTTP1

extension ErrorResponse {
    /// The whole response as bytes, with `Connection: close`, for a connection that is closed right
    /// after: written below the HTTP codec when no request is in a state to be answered (a head that
    /// never completed, a connection over the limit).
    var closingBytes: ByteBuffer {
        let body = JSONWriter.bytes(self.body)
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        var text = "HTTP/1.1 \(status) \(reason)\r\ncontent-type: application/json\r\n"
        text += "content-length: \(body.count)\r\nconnection: close\r\n\r\n"
        var buffer = ByteBuffer(string: text)
        buffer.writeBytes(body)
        return buffer
    }
}
