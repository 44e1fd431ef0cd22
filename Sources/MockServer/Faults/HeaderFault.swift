import CassetteFormat
import Foundation
import Playback
import Scenarios

/// A fault a request asks for itself, with no scenario written:
/// `X-MockRouter-Fault: KIND[; after=N][; status=CODE][; retry_after=S][; ms=M]`
/// (`docs/scenarios.md`, section 10.2). It applies to whatever answers the request with a 2xx, a
/// cassette replay included; the mock's own errors and scripted HTTP errors are sent as they are.
struct HeaderFault: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A wire fault: disconnect, reset, stall, malformed, broken_framing.
        case wire(WireFault.Kind)
        /// An HTTP error instead of the answer: `status` (default 500), `retry_after`, after `ms`.
        case httpError
        /// An in-band error after `after` data frames of a stream, with `status` as its code (default 502).
        case midstreamError
        /// A model misbehaviour (scenario answers; `duplicated_frame` on any stream).
        case misbehaviour(Misbehaviour.Kind)
    }

    static let headerName = "x-mockrouter-fault"

    var kind: Kind
    /// Data frames of a stream sent before the fault (wire faults, `midstream_error`); the frame
    /// sent twice for `duplicated_frame`.
    var after: Int?
    var status: Int?
    /// Seconds, for a `Retry-After` header on an `error`.
    var retryAfter: Int?
    /// Milliseconds: how long a `stall` lasts (none: until the client gives up), or how long an
    /// `error` waits before it is sent.
    var ms: Double?

    /// The kinds by name, as the header spells them.
    static let kindNames: [(String, Kind)] =
        WireFault.Kind.allCases.map { ($0.rawValue, Kind.wire($0)) }
        + [("error", .httpError), ("midstream_error", .midstreamError)]
        + Misbehaviour.Kind.allCases.map { ($0.rawValue, Kind.misbehaviour($0)) }

    /// Parses a header value; the error message says what is wrong and what is allowed.
    static func parse(_ value: String) -> Result<HeaderFault, HeaderFaultError> {
        let parts = value.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let name = parts.first, let kind = kindNames.first(where: { $0.0 == name.lowercased() })?.1 else {
            return .failure(
                HeaderFaultError(
                    "unknown kind \"\(parts.first ?? "")\"; kinds: \(kindNames.map(\.0).joined(separator: ", "))"))
        }
        var fault = HeaderFault(kind: kind)
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[1].isEmpty else {
                return .failure(HeaderFaultError("\"\(part)\" is not NAME=VALUE"))
            }
            switch (pair[0].lowercased(), kind) {
            case ("after", .wire), ("after", .midstreamError), ("after", .misbehaviour(.duplicatedFrame)):
                guard let after = Int(pair[1]), (0...Limits.maxCount).contains(after) else {
                    return .failure(
                        HeaderFaultError("after=\(pair[1]) is not a whole number in 0...\(Limits.maxCount)"))
                }
                fault.after = after
            case ("status", .httpError), ("status", .midstreamError):
                guard let status = Int(pair[1]), (400...599).contains(status) else {
                    return .failure(HeaderFaultError("status=\(pair[1]) is not an error status (400–599)"))
                }
                fault.status = status
            case ("retry_after", .httpError):
                guard let seconds = Int(pair[1]), (0...86_400).contains(seconds) else {
                    return .failure(HeaderFaultError("retry_after=\(pair[1]) is not whole seconds in 0...86400"))
                }
                fault.retryAfter = seconds
            case ("ms", .wire(.stall)), ("ms", .httpError):
                guard let ms = Double(pair[1]), Limits.isDuration(ms) else {
                    return .failure(HeaderFaultError("ms=\(pair[1]) is not a duration in 0...86400000 ms"))
                }
                fault.ms = ms
            default:
                return .failure(
                    HeaderFaultError("\(pair[0]) does not apply to \(name.lowercased()); \(parameterHelp)"))
            }
        }
        return .success(fault)
    }

    static let parameterHelp =
        "after= applies to wire faults, midstream_error and duplicated_frame; status= to error and midstream_error; "
        + "retry_after= to error; ms= to stall and error"
}

/// What is wrong with an `X-MockRouter-Fault` header.
struct HeaderFaultError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}
