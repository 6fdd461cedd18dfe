import AWSCore
import Foundation
import GangwayTesting
import Testing
@testable import GangwayClient

/// The RFC 8628 device login against a fake IdP on loopback (real HTTP through libcurl), with a clock that jumps.
@Suite struct LoginDeviceFlowTests {
    static func login(_ idp: FakeIdP, clock: JumpingLoginClock, scopes: [String] = [],
                      progress: ProgressLog<DeviceLoginProgress> = .init()) async throws -> OIDCTokens {
        try await DeviceLoginClient(clock: clock).login(.init(issuer: idp.issuer, clientId: "gangway-cli", extraScopes: scopes),
                                                        progress: { progress.add($0) })
    }

    @Test func pendingTwiceThenSlowDownThenIdToken() async throws {
        let token = LoginFixtures.idToken()
        let idp = try FakeIdP(script: [.error("authorization_pending"), .error("authorization_pending"), .error("slow_down"), .idToken(token)])
        defer { idp.stop() }
        let clock = JumpingLoginClock()
        let progress = ProgressLog<DeviceLoginProgress>()
        let tokens = try await Self.login(idp, clock: clock, scopes: ["groups", "openid"], progress: progress)

        #expect(tokens.idToken == token)
        #expect(tokens.subjectName == "alice@example.com")
        // interval 1 s; slow_down adds 5 s for every later poll.
        #expect(clock.waits == [1, 1, 1, 6])
        #expect(idp.tokenRequests.count == 4)
        let poll = FormEncoding.decode(idp.tokenRequests[0].bodyText)
        #expect(poll == ["grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": "dev-code-1", "client_id": "gangway-cli"])
        let device = FormEncoding.decode(idp.deviceRequests[0].bodyText)
        #expect(device == ["client_id": "gangway-cli", "scope": "openid groups"])
        #expect(idp.deviceRequests[0].header("Content-Type") == "application/x-www-form-urlencoded")

        let reports = progress.all
        guard case .prompt(let prompt) = reports.first else { Issue.record("no prompt first: \(reports)"); return }
        #expect(prompt.userCode == "ABCD-EFGH")
        #expect(prompt.browserURL == idp.issuer + "/activate?user_code=ABCD-EFGH")
        #expect(prompt.instructions == "Open \(idp.issuer)/activate and enter code ABCD-EFGH\n  (or open \(idp.issuer)/activate?user_code=ABCD-EFGH, which has the code filled in)")
        #expect(Array(reports.dropFirst()) == [.waiting(interval: 1), .waiting(interval: 6)])
    }

    @Test func promptWithoutCompleteURIAsksToEnterTheCode() async throws {
        let idp = try FakeIdP(script: [.idToken(LoginFixtures.idToken())], complete: false)
        defer { idp.stop() }
        let progress = ProgressLog<DeviceLoginProgress>()
        _ = try await Self.login(idp, clock: JumpingLoginClock(), progress: progress)
        guard case .prompt(let prompt) = progress.all.first else { Issue.record("no prompt"); return }
        #expect(prompt.instructions == "Open \(idp.issuer)/activate and enter code ABCD-EFGH")
    }

    @Test func accessDeniedStopsWithAClearMessage() async throws {
        let idp = try FakeIdP(script: [.error("authorization_pending"), .error("access_denied")])
        defer { idp.stop() }
        await #expect(throws: LoginError("sign-in was denied at the identity provider (access_denied); run `gangway login --oidc` again and approve the request")) {
            _ = try await Self.login(idp, clock: JumpingLoginClock())
        }
        #expect(idp.tokenRequests.count == 2)
    }

    @Test func expiredTokenFromTheIdPStops() async throws {
        let idp = try FakeIdP(script: [.error("expired_token")])
        defer { idp.stop() }
        do {
            _ = try await Self.login(idp, clock: JumpingLoginClock())
            Issue.record("expected an error")
        } catch let e as LoginError {
            #expect(e.message.contains("login code expired"))
        }
    }

    @Test func codeExpiresWhenTheIdPKeepsSayingPending() async throws {
        let idp = try FakeIdP(script: [.error("authorization_pending")], interval: 2, expiresIn: 5)
        defer { idp.stop() }
        let clock = JumpingLoginClock()
        await #expect(throws: LoginError.self) { _ = try await Self.login(idp, clock: clock) }
        // Polls at 2 s and 4 s; the last wait is cut at the 5 s deadline.
        #expect(clock.waits == [2, 2, 1])
        #expect(idp.tokenRequests.count == 2)
    }

    @Test func issuerWithoutDeviceFlowIsExplained() async throws {
        let idp = try FakeIdP(script: [.idToken("x")], offerDevice: false)
        defer { idp.stop() }
        do {
            _ = try await Self.login(idp, clock: JumpingLoginClock())
            Issue.record("expected an error")
        } catch let e as LoginError {
            #expect(e.message.contains("does not offer the device authorization grant"))
        }
    }

    @Test func unreachableIssuerNamesTheURL() async throws {
        let reserved = try LoopbackHTTPServer.ReservedPort()
        do {
            _ = try await DeviceLoginClient(clock: JumpingLoginClock()).login(
                .init(issuer: "http://127.0.0.1:\(reserved.port)/realms/x", clientId: "c"))
            Issue.record("expected an error")
        } catch let e as LoginError {
            #expect(e.message.hasPrefix("cannot reach the identity provider at http://127.0.0.1:\(reserved.port)/realms/x/.well-known/openid-configuration"))
        }
    }

    @Test func tokenEndpointOutagesAreRetriedThenReported() async throws {
        let token = LoginFixtures.idToken()
        let idp = try FakeIdP(script: [.http(502, "bad gateway"), .http(503, "busy"), .idToken(token)])
        defer { idp.stop() }
        #expect(try await Self.login(idp, clock: JumpingLoginClock()).idToken == token)

        let down = try FakeIdP(script: [.http(500, "boom")])
        defer { down.stop() }
        do {
            _ = try await Self.login(down, clock: JumpingLoginClock())
            Issue.record("expected an error")
        } catch let e as LoginError {
            #expect(e.message.contains("answered HTTP 500: boom (3 times in a row)"))
        }
    }

    /// The state machine alone: no I/O, time passed in.
    @Test func machineAddsFiveSecondsForEverySlowDown() {
        let t0 = Date(timeIntervalSince1970: 1_000)
        var m = DeviceLoginMachine(.init(issuer: "https://idp/", clientId: "c"))
        guard case .send(let discovery) = m.handle(.start, now: t0).first else { Issue.record("no discovery"); return }
        #expect(discovery.url == "https://idp/.well-known/openid-configuration")
        _ = m.handle(.response(HTTPResponse(status: 200, headers: [], body: Array(#"{"device_authorization_endpoint":"https://idp/d","token_endpoint":"https://idp/t"}"#.utf8))), now: t0)
        let actions = m.handle(.response(HTTPResponse(status: 200, headers: [], body: Array(#"{"device_code":"d","user_code":"U","verification_uri":"https://idp/v","expires_in":"900"}"#.utf8))), now: t0)
        #expect(actions.count == 2)
        #expect(m.pollInterval == 5)  // RFC 8628 default
        var now = t0
        for expected in [10, 15, 20] {
            now += Double(m.pollInterval!)
            guard case .send = m.handle(.timerFired, now: now).first else { Issue.record("no poll"); return }
            let next = m.handle(.response(HTTPResponse(status: 400, headers: [], body: Array(#"{"error":"slow_down"}"#.utf8))), now: now)
            guard case .wait(let until) = next.first else { Issue.record("no wait"); return }
            #expect(until == now + Double(expected))
            #expect(m.pollInterval == expected)
        }
    }
}

extension LoopbackHTTPServer.Request {
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}
