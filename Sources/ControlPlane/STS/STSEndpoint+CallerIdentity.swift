import Foundation
import Hummingbird

extension STSEndpoint {
    /// `GetCallerIdentity` (signed): `aws sts get-caller-identity` after `gangway login`. Audited like every STS call.
    func callerIdentity(_ request: Request, body: [UInt8], event: AuditEventInput, requestId: String, now: Date) async -> Response {
        var event = event
        let answer: Result<String, STSError>
        do {
            let who = try await authenticator.authenticate(request, body: body, now: now)
            event.principal = who.principal
            event.accessKeyId = who.accessKeyId
            let (arn, userId) = Self.identity(principal: who.principal, kind: who.kind, accessKeyId: who.accessKeyId)
            answer = .success("""
                <GetCallerIdentityResponse xmlns="\(STSXML.namespace)">
                  <GetCallerIdentityResult>
                    \(STSXML.element("Arn", arn))
                    \(STSXML.element("UserId", userId))
                    \(STSXML.element("Account", Self.account))
                  </GetCallerIdentityResult>
                  <ResponseMetadata>
                    \(STSXML.element("RequestId", requestId))
                  </ResponseMetadata>
                </GetCallerIdentityResponse>

                """)
        } catch {
            // The JSON API's SigV4 codes, in the Query protocol's words.
            let code = error.code == "UnrecognizedClientException" ? "InvalidClientTokenId"
                : error.code == "InvalidSignatureException" ? "SignatureDoesNotMatch" : error.code
            answer = .failure(STSError(error.status == 500 ? 500 : 403, code, error.message,
                                       type: error.status == 500 ? "Receiver" : "Sender"))
        }
        if case .failure(let e) = answer {
            event.errorCode = e.code
            event.errorMessage = e.message
        }
        do { try await services.auditSink.record(event) } catch {
            return Responses.xml(500, STSXML.error(.internalError("the call could not be recorded in the audit log; retry later"), requestId: requestId))
        }
        switch answer {
        case .success(let xml): return Responses.xml(200, xml)
        case .failure(let e): return Responses.xml(e.status, STSXML.error(e, requestId: requestId))
        }
    }

    /// gangwayd has one account.
    static let account = "000000000000"

    static func identity(principal: String, kind: PrincipalKind, accessKeyId: String) -> (arn: String, userId: String) {
        let parts = principal.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0] == "role" {
            let roleId = "AROA" + String(Identifiers.tokenHash("role:" + parts[1]).uppercased().prefix(17))
            return ("arn:aws:sts::\(account):assumed-role/\(parts[1])/\(parts[2])", "\(roleId):\(parts[2])")
        }
        return ("arn:aws:iam::\(account):\(kind == .agent ? "instance" : "user")/\(principal)", accessKeyId)
    }
}
