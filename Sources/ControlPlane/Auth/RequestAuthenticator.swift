import AWSCore
import Foundation
import Hummingbird

/// Verifies a request's SigV4 signature against the store's access keys (AWSCore's `SigV4Verifier`), and against
/// temporary credentials (`ASIA…` keys from `AssumeRoleWithWebIdentity`), which must also carry their session token
/// (`X-Amz-Security-Token` header, or query parameter when presigned) and not be expired or revoked.
/// Failures come back as AWS-shaped `APIError`s (400, `UnrecognizedClientException`, `InvalidSignatureException`,
/// `MissingAuthenticationTokenException`, `IncompleteSignatureException`, `ExpiredTokenException`).
struct RequestAuthenticator: Sendable {
    let store: any ControlPlaneStore
    var temporaryCredentials: (any TemporaryCredentialStore)? = nil
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
            if parsed.accessKeyId.hasPrefix("ASIA"), let temporaryCredentials {
                return try await authenticateTemporary(parsed, incoming, temporaryCredentials, now: now)
            }
            let key = try await store.accessKey(id: parsed.accessKeyId)
            let record = key.flatMap { $0.active ? SigV4KeyRecord(secretAccessKey: $0.secretAccessKey, principal: $0.principal) : nil }
            let who = try verifier.check(parsed, request: incoming, key: record, now: now)
            return Identity(principal: who.principal, kind: key?.kind ?? .user, accessKeyId: who.accessKeyId,
                            region: who.region, service: who.service)
        } catch let e as SigV4Error {
            throw APIError(e.httpStatus, e.code.rawValue, e.message)
        } catch let e as APIError {
            throw e
        } catch {
            throw APIError.internalError("cannot verify the request signature: \(error)")
        }
    }

    /// Signature first (so nothing is learned about a key without its secret), then the session token, then
    /// revocation and expiry. A role session acts as a user-kind principal `role/ROLE/SESSION`.
    private func authenticateTemporary(_ parsed: SigV4Verifier.ParsedAuthorization, _ incoming: SigV4IncomingRequest,
                                       _ temp: any TemporaryCredentialStore, now: Date) async throws -> Identity {
        let credential = try await temp.credential(accessKeyId: parsed.accessKeyId)
        let record = credential.map { SigV4KeyRecord(secretAccessKey: $0.secretAccessKey, principal: $0.principal) }
        let who = try verifier.check(parsed, request: incoming, key: record, now: now)
        guard let credential else { throw SigV4Error(.unrecognizedClient, "The security token included in the request is invalid.") }
        guard let token = parsed.securityToken, !token.isEmpty else {
            throw APIError(400, "UnrecognizedClientException",
                           "The security token included in the request is invalid: temporary credentials (\(credential.accessKeyId)) need their session token (X-Amz-Security-Token / AWS_SESSION_TOKEN).")
        }
        guard SigV4Canonical.constantTimeEquals(Identifiers.tokenHash(token), credential.sessionTokenHash) else {
            throw APIError(400, "UnrecognizedClientException",
                           "The security token included in the request is invalid: it does not belong to access key \(credential.accessKeyId).")
        }
        guard credential.active else {
            throw APIError(400, "UnrecognizedClientException",
                           "The security token included in the request is invalid: the temporary credentials of \(credential.principal) were revoked; assume the role again if you are still allowed to.")
        }
        guard now < credential.expiresAt else {
            throw APIError(400, "ExpiredTokenException",
                           "The security token included in the request is expired (at \(OIDCTokenValidator.iso(credential.expiresAt))); assume the role again.")
        }
        return Identity(principal: credential.principal, kind: .user, accessKeyId: credential.accessKeyId,
                        region: who.region, service: who.service)
    }
}
