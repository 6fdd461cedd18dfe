import Foundation

/// The state access enforcement keeps between maintenance passes: sessions in their grace period (told their access
/// ends, not yet ended) and the revocation metrics. One per server (`ControlPlaneServices.access`).
actor SessionAccessMonitor {
    struct Grace: Sendable, Equatable {
        var deadline: Date
        var reason: String
    }

    private var graces: [String: Grace] = [:]
    private(set) var metrics = RevocationMetrics()
    private var drainingAdminActions = false

    /// The session's grace, starting one ending at `deadline` if it has none. `started` is true for the caller that
    /// started it (and so tells the user), false when a grace was already running.
    func grace(for sessionId: String, deadline: Date, reason: String) -> (grace: Grace, started: Bool) {
        if let g = graces[sessionId] { return (g, false) }
        let g = Grace(deadline: deadline, reason: reason)
        graces[sessionId] = g
        return (g, true)
    }

    /// Ends a grace (policy allows the session again, or it ended). True if there was one.
    @discardableResult
    func clearGrace(_ sessionId: String) -> Bool {
        graces.removeValue(forKey: sessionId) != nil
    }

    /// Forgets graces of sessions that are no longer live.
    func keepGraces(only live: Set<String>) {
        graces = graces.filter { live.contains($0.key) }
    }

    func observeKill(seconds: Double) { metrics.observeKill(seconds: seconds) }
    func terminated(reason: String) { metrics.terminated(reason: reason) }

    /// One pass at a time drains the admin-action queue (so an action is not audited twice).
    func beginDrain() -> Bool {
        if drainingAdminActions { return false }
        drainingAdminActions = true
        return true
    }

    func endDrain() { drainingAdminActions = false }
}
