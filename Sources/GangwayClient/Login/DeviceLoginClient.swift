import AWSCore
import Foundation

/// What the device login reports while it runs, for the command's messages.
public enum DeviceLoginProgress: Sendable, Equatable {
    /// Show this to the user (once).
    case prompt(DevicePrompt)
    /// Polling the token endpoint every `interval` s (reported when the interval is first known and when it changes).
    case waiting(interval: Int)
}

/// Runs `DeviceLoginMachine` over `HTTPClient`: the thin I/O adapter around it.
public struct DeviceLoginClient: Sendable {
    public var http: HTTPClient
    public var clock: any LoginClock

    public init(http: HTTPClient = HTTPClient(), clock: any LoginClock = SystemLoginClock()) {
        self.http = http
        self.clock = clock
    }

    /// Signs in and returns the tokens. Throws `LoginError` (with what to do), or `CancellationError` when the
    /// task is cancelled (Ctrl-C).
    public func login(_ configuration: DeviceLoginMachine.Configuration,
                      progress: @Sendable (DeviceLoginProgress) -> Void = { _ in }) async throws -> OIDCTokens {
        var machine = DeviceLoginMachine(configuration)
        var pending = machine.handle(.start, now: clock.now)
        var reportedInterval: Int? = nil
        while !pending.isEmpty {
            let action = pending.removeFirst()
            switch action {
            case .send(let request):
                let event: DeviceLoginMachine.Event
                do {
                    event = .response(try await http.execute(request))
                } catch HTTPClientError.cancelled {
                    throw CancellationError()
                } catch let e as HTTPClientError {
                    event = .transportFailed(Self.reason(e))
                }
                pending += machine.handle(event, now: clock.now)
            case .show(let prompt):
                progress(.prompt(prompt))
            case .wait(let until):
                if let interval = machine.pollInterval, interval != reportedInterval {
                    reportedInterval = interval
                    progress(.waiting(interval: interval))
                }
                try await clock.sleep(until: until)
                pending += machine.handle(.timerFired, now: clock.now)
            case .finish(let tokens):
                return tokens
            case .fail(let error):
                throw error
            }
        }
        throw LoginError("internal error: the device login stopped without an answer")
    }

    static func reason(_ e: HTTPClientError) -> String {
        switch e {
        case .unreachable(_, let r), .tlsVerificationFailed(_, let r), .transport(_, _, let r): return r
        case .timedOut(_, let s): return "no answer within \(Int(s)) s"
        case .invalidURL(let u): return "'\(u)' is not an http(s) URL"
        case .cancelled: return "cancelled"
        }
    }
}
