import ArgumentParser
import Foundation

/// `--admin-token` and `--insecure-admin`: who may use `/__admin/*`, and the rule that a server
/// reachable from other machines must protect it.
struct AdminOptions: ParsableArguments {
    @Option(help: "Require Authorization: Bearer TOKEN on /__admin/* (default: $MOCKROUTER_ADMIN_TOKEN).")
    var adminToken: String?

    @Flag(
        help: "Allow an address other than loopback without an admin token (anyone who reaches it can use /__admin/*).")
    var insecureAdmin = false

    /// The token from the flag, else from `MOCKROUTER_ADMIN_TOKEN`; `nil` when neither is set.
    var token: String? {
        let value = adminToken ?? ProcessInfo.processInfo.environment["MOCKROUTER_ADMIN_TOKEN"]
        return value.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Refuses to listen on `host` when it is not loopback and `/__admin/*` would be open.
    func check(host: String) throws {
        guard !AdminOptions.isLoopback(host), token == nil, !insecureAdmin else { return }
        throw ValidationError(
            """
            --host \(host) is reachable from other machines, and /__admin/* (journal, reset, scenarios) would be \
            open to them: give --admin-token TOKEN (or MOCKROUTER_ADMIN_TOKEN), or --insecure-admin to allow it anyway
            """)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
