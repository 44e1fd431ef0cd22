import CassetteFormat
import Playback

/// The error for a request no recording answers: a 404 whose message names the closest
/// recordings and what differs, and whose metadata lists them field by field.
struct NoMatchReport {
    let request: IncomingRequest
    let catalog: CassetteCatalog

    var error: ErrorResponse {
        let misses = NearMiss.closest(to: request, in: catalog)
        var message = "MockRouter: no recorded interaction matches \(request.method) \(request.path)"
        if let best = misses.first {
            message += ". Closest: \(best.summary)"
        } else {
            message += " (no cassettes are loaded)"
        }
        let nearMisses: [JSONValue] = misses.map { miss in
            .object([
                ("cassette", .string(miss.cassette)),
                ("interaction", .int(miss.number)),
                ("method", .string(miss.method)),
                ("path", .string(miss.path)),
                (
                    "differences",
                    .array(
                        miss.differences.map { difference in
                            .object([
                                ("field", .string(difference.field)),
                                ("recorded", difference.recorded.map(JSONValue.string) ?? .null),
                                ("received", difference.received.map(JSONValue.string) ?? .null),
                                ("note", .string(difference.note)),
                            ])
                        })
                ),
            ])
        }
        return ErrorResponse(
            status: 404, message: message,
            metadata: [
                ("error_type", .string("mockrouter_no_match")),
                ("near_misses", .array(nearMisses)),
            ])
    }
}
