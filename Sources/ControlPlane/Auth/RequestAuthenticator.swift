import AWSCore
import Foundation
import Hummingbird

/// Verifies a request's SigV4 signature against the store's access keys (AWSCore's `SigV4Verifier`).
/// Failures come back as AWS-shaped `APIError`s (400, `UnrecognizedClientException`, `InvalidSignatureException`,
/// `MissingAuthenticationTokenException`, `IncompleteSignatureException`).
struct RequestAuthenticator: Sendable {
    let store: any ControlPlaneStore
    let verifier = SigV4Verifier(maxClockSkew: 300)

    struct Identity: Sendable {
        var principal: String
        var kind: PrincipalKind
        var accessKeyId: String
        var region: String
        var service: String
    }

    /// The request as the signer saw it: Hummingbird moves `Host` into the authority pseudo-header; put it back.
    static func incoming(_ request: Request, body: [UInt8]) -> SigV4IncomingRequest {
        var headers: [(String, String)] = []
        if let authority = request.head.authority { headers.append(("host", authority)) }
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        return SigV4IncomingRequest(method: request.method.rawValue, path: request.uri.path,
                                    query: request.uri.query ?? "", headers: headers, body: body)
    }

    func authenticate(_ request: Request, body: [UInt8], now: Date) async throws(APIError) -> Identity {
        let incoming = Self.incoming(request, body: body)
        do {
            let parsed = try verifier.parse(incoming)
            let key = try await store.accessKey(id: parsed.accessKeyId)
            let record = key.flatMap { $0.active ? SigV4KeyRecord(secretAccessKey: $0.secretAccessKey, principal: $0.principal) : nil }
            let who = try verifier.check(parsed, request: incoming, key: record, now: now)
            return Identity(principal: who.principal, kind: key?.kind ?? .user, accessKeyId: who.accessKeyId,
                            region: who.region, service: who.service)
        } catch let e as SigV4Error {
            throw APIError(e.httpStatus, e.code.rawValue, e.message)
        } catch {
            throw APIError.internalError("cannot verify the request signature: \(error)")
        }
    }
}
