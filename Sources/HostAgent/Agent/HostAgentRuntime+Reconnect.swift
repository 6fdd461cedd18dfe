import Foundation

extension HostAgentRuntime {
    /// Waits `delay` (the jittered backoff, capped at 30 s) before the next full reconnect attempt, probing
    /// gangwayd's `/healthz` every `config.reconnectProbeInterval` meanwhile. When gangwayd did not answer at first
    /// and answers now, it returns early (after a small random spread so a fleet does not arrive at once): the
    /// agent is back Online within a couple of seconds of gangwayd returning, even after a long outage. A server that
    /// answers /healthz but refuses the reconnect does not shorten the backoff.
    func waitBeforeReconnect(_ delay: Duration) async throws {
        let interval = config.reconnectProbeInterval
        guard interval > .zero, delay > interval * 2 else {
            try await Task.sleep(for: delay)
            return
        }
        let deadline = ContinuousClock.now + delay
        var wasDown = await !api.healthy(timeout: interval)
        while ContinuousClock.now + interval < deadline {
            try await Task.sleep(for: interval)
            if stopping { return }
            let up = await api.healthy(timeout: interval)
            if up && wasDown {
                try await Task.sleep(for: interval * Double.random(in: 0...0.5))
                logger.info("gangwayd at \(config.server) answers again; reconnecting now")
                return
            }
            wasDown = !up
        }
        let rest = deadline - ContinuousClock.now
        if rest > .zero { try await Task.sleep(for: rest) }
    }

    /// A delay as seconds with one decimal, for log lines ("retrying in 7.3 s").
    static func seconds(_ d: Duration) -> String {
        let c = d.components
        return String(format: "%.1f", Double(c.seconds) + Double(c.attoseconds) / 1e18)
    }
}
