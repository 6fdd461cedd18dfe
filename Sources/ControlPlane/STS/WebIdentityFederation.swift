import Foundation

/// `AssumeRoleWithWebIdentity`: checks the request, the ID token (`OIDCIdentityVerifier`), the role and its trust
/// (`RoleTrust`), revocations, then issues and stores temporary credentials for the principal `role/ROLE/SESSION`.
/// Every refusal is an `STSError` whose message says what failed; the caller audits it.
public struct WebIdentityFederation: Sendable {
    public let verifier: OIDCIdentityVerifier
    public let policies: any PolicyStore
    public let credentials: any TemporaryCredentialStore

    public init(verifier: OIDCIdentityVerifier, policies: any PolicyStore, credentials: any TemporaryCredentialStore) {
        self.verifier = verifier
        self.policies = policies
        self.credentials = credentials
    }

    /// What the call produced (the session token and secret are only ever in this value and the response).
    public struct Issued: Sendable {
        public var record: TemporaryCredentialRecord
        public var sessionToken: String
        public var token: VerifiedIDToken
        public var account: String
        public var assumedRoleArn: String { "arn:aws:sts::\(account):assumed-role/\(record.roleName)/\(record.sessionName)" }
        public var assumedRoleId: String
    }

    /// What is known about the caller so far, for the audit event of a refused call.
    public struct Progress: Sendable {
        public var token: VerifiedIDToken?
        public var principal: String?
    }

    public func assume(_ q: [String: String], now: Date, progress: inout Progress) async throws(STSError) -> Issued {
        guard let roleArn = q["RoleArn"] else { throw STSError.missing("roleArn") }
        guard let sessionName = q["RoleSessionName"] else { throw STSError.missing("roleSessionName") }
        guard let tokenText = q["WebIdentityToken"] else { throw STSError.missing("webIdentityToken") }
        let (account, roleName) = try Self.parseRoleArn(roleArn)
        guard (2...64).contains(sessionName.count),
              sessionName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_+=,.@-".contains($0)) }) else {
            throw STSError.validation("1 validation error detected: Value '\(sessionName)' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2–64")
        }
        guard (4...JSONWebToken.maxLength).contains(tokenText.utf8.count) else {
            throw STSError.validation("1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length between 4 and \(JSONWebToken.maxLength)")
        }
        var requested: Int?
        if let d = q["DurationSeconds"] {
            guard let v = Int(d), (900...43_200).contains(v) else {
                throw STSError.validation("1 validation error detected: Value '\(d)' at 'durationSeconds' failed to satisfy constraint: Member must be a number between 900 and 43200")
            }
            requested = v
        }

        let token: VerifiedIDToken
        do { token = try await verifier.verify(tokenText, now: now) } catch { throw STSError.token(error) }
        progress.token = token
        let principal = "role/\(roleName)/\(sessionName)"
        progress.principal = principal

        let role: RoleRecord?
        do { role = try await policies.role(named: roleName) } catch {
            throw STSError.internalError("cannot read role \(roleName): \(error)")
        }
        guard let role else {
            throw STSError.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity: no role named \(roleName) (create it with `gangwayd admin role create \(roleName) --trust …`)")
        }
        let trust: RoleTrust
        do { trust = try RoleTrust(parsing: role.trust) } catch {
            throw STSError.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity: role \(roleName) has an unreadable trust document (\(error))")
        }
        if let why = trust.refusal(for: token) {
            throw STSError.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity on role \(roleName): \(why)")
        }
        if let why = try await revocation(of: [principal, "role/\(roleName)", token.subject, token.userName].compactMap { $0 }, token: token) {
            throw STSError.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity: \(why)")
        }
        let duration = requested ?? min(3600, role.maxSessionSeconds)
        guard duration <= role.maxSessionSeconds else {
            throw STSError.validation("The requested DurationSeconds (\(duration)) exceeds the MaxSessionDuration (\(role.maxSessionSeconds)) set for role \(roleName).")
        }

        let sessionToken = "gwsts-" + Identifiers.channelToken() + Identifiers.channelToken()
        let record = TemporaryCredentialRecord(
            accessKeyId: "ASIA" + Identifiers.alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
            secretAccessKey: Identifiers.secretAccessKey(), sessionTokenHash: Identifiers.tokenHash(sessionToken),
            principal: principal, roleName: roleName, sessionName: sessionName, issuer: token.issuer,
            subject: token.subject, userName: token.userName, createdAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(duration)))
        do { try await credentials.insert(record) } catch {
            throw STSError.internalError("cannot store the temporary credentials: \(error)")
        }
        // Credentials expired over a day ago are of no more use (their calls are in the audit log).
        _ = try? await credentials.purge(expiredBefore: now.addingTimeInterval(-86_400))
        let roleId = "AROA" + String(Identifiers.tokenHash("role:" + roleName).uppercased().prefix(17))
        return Issued(record: record, sessionToken: sessionToken, token: token, account: account,
                      assumedRoleId: "\(roleId):\(sessionName)")
    }

    /// A revocation of any of `names` (the role session, its role, the token's subject or user name): revocations
    /// hold until `gangwayd admin reinstate`, for SSO as for keys.
    private func revocation(of names: [String], token: VerifiedIDToken) async throws(STSError) -> String? {
        let revoked: [String: RevocationRecord]
        do { revoked = try await policies.revocations() } catch {
            throw STSError.internalError("cannot read revocations: \(error)")
        }
        for name in names {
            guard let r = revoked[name] else { continue }
            return "\(name) was revoked at \(OIDCTokenValidator.iso(r.revokedAt)) (\(r.reason)); access stays denied until an administrator runs `gangwayd admin reinstate \(name)`"
        }
        return nil
    }

    /// `arn:aws:iam::ACCOUNT:role/[PATH/]NAME` → (ACCOUNT, NAME); a bare role name is accepted too.
    static func parseRoleArn(_ arn: String) throws(STSError) -> (account: String, role: String) {
        if !arn.hasPrefix("arn:") {
            guard PrincipalNameCheck.isValid(arn) else {
                throw STSError.validation("RoleArn `\(arn)` is neither arn:aws:iam::ACCOUNT:role/NAME nor a role name")
            }
            return ("000000000000", arn)
        }
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "iam", parts[5].hasPrefix("role/"),
              let name = parts[5].split(separator: "/").last.map(String.init), name != "role",
              PrincipalNameCheck.isValid(name) else {
            throw STSError.validation("RoleArn `\(arn.prefix(200))` is not a role ARN; write arn:aws:iam::ACCOUNT:role/NAME")
        }
        return (parts[4].isEmpty ? "000000000000" : String(parts[4]), name)
    }
}

/// Role names as `gangwayd admin role create` accepts them.
enum PrincipalNameCheck {
    static func isValid(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_+=,.@-".contains($0)) }
    }
}
