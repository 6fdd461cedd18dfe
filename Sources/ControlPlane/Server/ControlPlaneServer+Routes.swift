import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import HummingbirdWebSocket
import NIOCore
import NIOPosix

extension ControlPlaneServer {
    func buildApplication(onPort: @escaping @Sendable (Int) -> Void) throws -> some ApplicationProtocol {
        let services = self.services
        let sts = try STSEndpoint.open(services: services)   // AWS Query protocol: AssumeRoleWithWebIdentity
        let authenticator = RequestAuthenticator(store: services.store, temporaryCredentials: sts.federation.credentials)
        let api = APIHandler(services: services, authenticator: authenticator)
        let agentHTTP = AgentEndpoints(services: services, authenticator: authenticator)
        let control = ControlChannelSocket(services: services)
        let data = DataChannelSocket(services: services)

        let router = Router(context: GangwayRequestContext.self)
        router.add(middleware: RequestDeadlineMiddleware(seconds: services.config.handshakeTimeoutSeconds,
                                                         counters: services.handshakeTimeouts))
        router.post("/") { request, context in
            STSEndpoint.accepts(request) ? await sts.handle(request, context: context) : await api.handle(request, context: context)
        }
        router.post("/gangway/v1/agents/register") { request, context in await agentHTTP.register(request, context: context) }
        router.post("/v1/control-channel/:id") { request, context in await agentHTTP.createControlChannel(request, context: context) }
        router.post("/v1/data-channel/:id") { request, context in await agentHTTP.createDataChannel(request, context: context) }
        router.get("/healthz") { _, _ in Responses.text(200, "ok\n") }
        router.get("/readyz") { _, _ in
            do {
                try await services.store.ping()
                return Responses.text(200, "ready\n")
            } catch {
                return Responses.text(503, "storage unreachable: \(error)\n")
            }
        }
        let shipper = self.shipper  // S3 shipping counters (Shipping/ArchiveShipper)
        router.get("/metrics") { _, _ in
            let c = await services.sessions.counters()
            let access = await services.access.metrics.prometheusText
            return Responses.text(200, (shipper?.counters.metricsText ?? "") + """
                gangway_relay_frames_from_client_total \(c.framesFromClient)
                gangway_relay_frames_from_agent_total \(c.framesFromAgent)
                gangway_relay_bytes_from_client_total \(c.bytesFromClient)
                gangway_relay_bytes_from_agent_total \(c.bytesFromAgent)
                gangway_relay_malformed_frames_total \(c.malformedFrames)
                gangway_relay_overflow_drops_total \(c.overflowDrops)
                gangway_relay_failed_writes_total \(c.failedWrites)
                gangway_relay_bytes_acked_by_client_total \(c.bytesAckedByClient)
                gangway_relay_budget_pauses_total \(c.budgetPauses)
                gangway_relay_slow_client_cutoffs_total \(c.slowClientCutoffs)
                gangway_relay_messages_read_off_wire_total \(c.messagesReadOffWire)
                \(services.handshakeTimeouts.metricsText)\(access)
                """)
        }

        let wsRouter = Router(context: GangwayRequestContext.self)
        wsRouter.ws("/v1/control-channel/:id") { inbound, outbound, context in
            await control.run(instanceId: context.requestContext.parameters.get("id") ?? "", inbound: inbound, outbound: outbound,
                              channel: context.requestContext.channel)
        }
        wsRouter.ws("/v1/data-channel/:id") { inbound, outbound, context in
            await data.run(sessionId: context.requestContext.parameters.get("id") ?? "", inbound: inbound, outbound: outbound,
                           channel: context.requestContext.channel)
        }

        let wsConfig = WebSocketServerConfiguration(maxFrameSize: config.maxFrameBytes, autoPing: .enabled(timePeriod: .seconds(config.webSocketPingSeconds)))
        let wsResponder = wsRouter.buildResponder()
        let channelConfig = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(idleTimeout: .interval(config.httpIdleTimeoutSeconds)), ws: wsConfig)
        let (handshakeSeconds, handshakeTimeouts) = (config.handshakeTimeoutSeconds, services.handshakeTimeouts)
        // HTTP/1.1 with the WebSocket upgrade, behind the request-head deadline (Server/HandshakeDeadline).
        let plain = HTTPServerBuilder { responder in
            HandshakeDeadlineChannel(inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: wsResponder,
                                                                         configuration: channelConfig),
                                     seconds: handshakeSeconds, counters: handshakeTimeouts)
        }
        let server: HTTPServerBuilder
        if let cert = config.tlsCertificatePath, let key = config.tlsKeyPath {
            server = try .tls(plain, tlsConfiguration: try ServerTLSFiles.configuration(certificate: cert, key: key))
        } else {
            server = plain
        }
        return Application(router: router, server: server,
                           configuration: .init(address: .hostname(config.host, port: config.port), serverName: "gangwayd"),
                           onServerRunning: { channel in onPort(channel.localAddress?.port ?? 0) },
                           // One loop of the shared group (not a group of its own): Swift Concurrency's jobs run on
                           // that group's loops (EventLoopConcurrency), so tasks woken by these sockets stay on it.
                           eventLoopGroupProvider: config.singleEventLoop ? .shared(MultiThreadedEventLoopGroup.singleton.next()) : .singleton,
                           logger: services.logger)
    }
}
