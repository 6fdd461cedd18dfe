import Foundation
import HTTPTypes
import Hummingbird

/// `POST /` in the AWS Query protocol (`application/x-www-form-urlencoded`, `Action=…`): gangwayd's STS.
/// `AssumeRoleWithWebIdentity` is unsigned (the ID token is the credential); `GetCallerIdentity` is signed (SigV4,
/// service `sts`) with a user's key or temporary credentials and says who they are. Every call, allowed or refused,
/// is audited (`sts.amazonaws.com`) before the caller gets its answer; the token, secret and session token never are.
struct STSEndpoint: Sendable {
    let services: ControlPlaneServices
    let federation: WebIdentityFederation
    /// For the signed `GetCallerIdentity`.
    let authenticator: RequestAuthenticator

    static let version = "2011-06-15"
    static let maxBody = 64 * 1024

    /// Query-protocol requests: a form body and no `X-Amz-Target` (that is the JSON 1.1 API).
    static func accepts(_ request: Request) -> Bool {
        guard request.headers[HTTPField.Name("X-Amz-Target")!] == nil else { return false }
        return request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
    }

    func handle(_ request: Request, context: GangwayRequestContext) async -> Response {
        let requestId = UUID().uuidString.lowercased()
        let now = services.clock.now()
        var event = AuditEventInput(eventTime: now, eventSource: "sts.amazonaws.com", eventName: "AssumeRoleWithWebIdentity",
                                    sourceIPAddress: context.sourceIP,
                                    userAgent: request.headers[.userAgent].map { String($0.prefix(256)) })
        var progress = WebIdentityFederation.Progress()
        var query: STSQueryRequest?
        let result: Result<WebIdentityFederation.Issued, STSError>
        do throws(STSError) {
            let body: [UInt8]
            do { body = Array(buffer: try await request.body.collect(upTo: Self.maxBody)) } catch {
                throw STSError(413, "RequestEntityTooLarge", "the request body is larger than \(Self.maxBody) bytes")
            }
            let q = try STSQueryRequest(body: body)
            query = q
            guard let action = q.action else { throw STSError(400, "MissingAction", "the request has no Action parameter") }
            event.eventName = String(action.prefix(64))
            if action == "GetCallerIdentity" {
                return await callerIdentity(request, body: body, event: event, requestId: requestId, now: now)
            }
            guard action == "AssumeRoleWithWebIdentity" else {
                throw STSError(400, "InvalidAction", "Could not find operation \(action.prefix(64)) for version \(q["Version"] ?? Self.version); gangwayd's STS serves AssumeRoleWithWebIdentity and GetCallerIdentity")
            }
            if let v = q["Version"], v != Self.version {
                throw STSError(400, "InvalidAction", "Could not find operation \(action) for version \(v.prefix(20)); use Version=\(Self.version)")
            }
            result = .success(try await federation.assume(q.parameters, now: now, progress: &progress))
        } catch {
            result = .failure(error)
        }

        var extra: [String: String] = [:]
        if let t = progress.token {
            extra["webIdentityIssuer"] = t.issuer
            extra["webIdentitySubject"] = t.subject
            extra["webIdentityAudience"] = t.audience
            if let u = t.userName { extra["webIdentityUserName"] = u }
        } else if let text = query?["WebIdentityToken"], let unverified = try? JSONWebToken(parsing: text) {
            // What the refused token claimed (not verified), so an operator can see who tried.
            if let iss = unverified.issuer { extra["unverifiedIssuer"] = String(iss.prefix(256)) }
            if let sub = unverified.subject { extra["unverifiedSubject"] = String(sub.prefix(256)) }
        }
        event.requestParameters = query?.auditJSON(extra: extra)
        event.principal = progress.principal
        switch result {
        case .success(let issued):
            event.accessKeyId = issued.record.accessKeyId
            let elements: [String: String] = [
                "accessKeyId": issued.record.accessKeyId, "expiration": OIDCTokenValidator.iso(issued.record.expiresAt),
                "assumedRoleArn": issued.assumedRoleArn, "subjectFromWebIdentityToken": issued.token.subject,
                "provider": issued.token.issuer, "audience": issued.token.audience]
            event.responseElements = try? JSONSerialization.data(withJSONObject: elements, options: [.sortedKeys])
        case .failure(let e):
            event.errorCode = e.code
            event.errorMessage = e.message
        }
        do {
            try await services.auditSink.record(event)
        } catch {
            services.logger.error("audit sink failed; refusing to acknowledge the STS call", metadata: ["error": "\(error)"])
            return xmlError(.internalError("the call could not be recorded in the audit log; retry later"), requestId: requestId)
        }
        switch result {
        case .success(let issued): return Responses.xml(200, Self.successXML(issued, requestId: requestId))
        case .failure(let e):
            services.logger.info("sts refused", metadata: ["code": "\(e.code)", "reason": "\(e.message)"])
            return xmlError(e, requestId: requestId)
        }
    }

    private func xmlError(_ e: STSError, requestId: String) -> Response {
        var r = Responses.xml(e.status, STSXML.error(e, requestId: requestId))
        r.headers[HTTPField.Name("x-amzn-RequestId")!] = requestId
        return r
    }

    static func successXML(_ i: WebIdentityFederation.Issued, requestId: String) -> String {
        let e = STSXML.element
        return """
        <AssumeRoleWithWebIdentityResponse xmlns="\(STSXML.namespace)">
          <AssumeRoleWithWebIdentityResult>
            \(e("SubjectFromWebIdentityToken", i.token.subject))
            \(e("Audience", i.token.audience))
            <AssumedRoleUser>
              \(e("Arn", i.assumedRoleArn))
              \(e("AssumedRoleId", i.assumedRoleId))
            </AssumedRoleUser>
            <Credentials>
              \(e("SessionToken", i.sessionToken))
              \(e("SecretAccessKey", i.record.secretAccessKey))
              \(e("Expiration", OIDCTokenValidator.iso(i.record.expiresAt)))
              \(e("AccessKeyId", i.record.accessKeyId))
            </Credentials>
            \(e("Provider", i.token.issuer))
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata>
            \(e("RequestId", requestId))
          </ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>

        """
    }
}
