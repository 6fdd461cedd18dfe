import AWSCore
import Foundation

/// The input of STS `AssumeRoleWithWebIdentity` (API version 2011-06-15).
public struct AssumeRoleWithWebIdentityInput: Sendable, Equatable {
    public var roleArn: String
    public var roleSessionName: String
    public var webIdentityToken: String
    /// 900…43200; nil lets the server choose (AWS: 3600).
    public var durationSeconds: Int?

    public init(roleArn: String, roleSessionName: String, webIdentityToken: String, durationSeconds: Int? = nil) {
        self.roleArn = roleArn
        self.roleSessionName = roleSessionName
        self.webIdentityToken = webIdentityToken
        self.durationSeconds = durationSeconds
    }
}

/// Temporary credentials and who they belong to.
public struct AssumeRoleWithWebIdentityOutput: Sendable, Equatable {
    public var credentials: AWSCredentials
    public var expiration: Date
    /// `arn:aws:sts::123456789012:assumed-role/Role/session`, when the answer names it.
    public var assumedRoleArn: String?
    public var subjectFromWebIdentityToken: String?

    public init(credentials: AWSCredentials, expiration: Date, assumedRoleArn: String? = nil,
                subjectFromWebIdentityToken: String? = nil) {
        self.credentials = credentials
        self.expiration = expiration
        self.assumedRoleArn = assumedRoleArn
        self.subjectFromWebIdentityToken = subjectFromWebIdentityToken
    }
}

/// A client for STS `AssumeRoleWithWebIdentity` over the AWS Query protocol: an unsigned form `POST /`,
/// answered in XML. Works against AWS STS and against gangwayd.
public struct STSClient: Sendable {
    /// Base URL, e.g. `https://sts.eu-west-1.amazonaws.com` or gangwayd's `http://127.0.0.1:8080`.
    public var endpointURL: String
    public var http: HTTPClient

    public init(endpointURL: String, http: HTTPClient = HTTPClient()) {
        self.endpointURL = endpointURL
        self.http = http
    }

    /// The standard STS endpoint: regional when a region is known, else the global one.
    public static func defaultEndpoint(region: String?) -> String {
        guard let region, !region.isEmpty else { return "https://sts.amazonaws.com" }
        return region.hasPrefix("cn-") ? "https://sts.\(region).amazonaws.com.cn" : "https://sts.\(region).amazonaws.com"
    }

    /// Exchanges an OIDC ID token for temporary credentials. Throws `LoginError` with the server's message.
    public func assumeRoleWithWebIdentity(_ input: AssumeRoleWithWebIdentityInput) async throws -> AssumeRoleWithWebIdentityOutput {
        let request = Self.request(endpointURL: endpointURL, input)
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch HTTPClientError.cancelled {
            throw CancellationError()
        } catch let e as HTTPClientError {
            throw LoginError("cannot reach the STS endpoint \(request.url): \(DeviceLoginClient.reason(e)) (check --endpoint-url or the profile's endpoint_url)")
        }
        return try Self.parse(response, url: request.url)
    }

    /// The HTTP request (pure).
    public static func request(endpointURL: String, _ input: AssumeRoleWithWebIdentityInput) -> HTTPRequest {
        var pairs = [("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"),
                     ("RoleArn", input.roleArn), ("RoleSessionName", input.roleSessionName),
                     ("WebIdentityToken", input.webIdentityToken)]
        if let d = input.durationSeconds { pairs.append(("DurationSeconds", String(d))) }
        let base = endpointURL.hasSuffix("/") ? String(endpointURL.dropLast()) : endpointURL
        return HTTPRequest(method: "POST", url: base + "/",
                           headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Accept", "text/xml")],
                           body: Array(FormEncoding.encode(pairs).utf8))
    }

    /// Reads the XML answer (pure). Errors (`<ErrorResponse><Error><Code>…`) become a `LoginError` quoting code and message.
    public static func parse(_ response: HTTPResponse, url: String) throws -> AssumeRoleWithWebIdentityOutput {
        let doc = STSXMLDocument(parsing: response.body)
        guard (200..<300).contains(response.status) else {
            if let code = doc?.first("Error/Code") {
                let message = doc?.first("Error/Message") ?? ""
                throw LoginError("STS refused AssumeRoleWithWebIdentity: \(code)\(message.isEmpty ? "" : ": \(message)")\(Self.hint(code))")
            }
            let text = response.bodyText.prefix(200).trimmingCharacters(in: .whitespacesAndNewlines)
            throw LoginError("STS at \(url) answered HTTP \(response.status)\(text.isEmpty ? "" : ": \(text)") (is the endpoint URL an STS endpoint?)")
        }
        let result = "AssumeRoleWithWebIdentityResult"
        guard let doc, let id = doc.first("\(result)/Credentials/AccessKeyId"),
              let secret = doc.first("\(result)/Credentials/SecretAccessKey"),
              let token = doc.first("\(result)/Credentials/SessionToken"),
              let expText = doc.first("\(result)/Credentials/Expiration") else {
            throw LoginError("the answer of \(url) is not an AssumeRoleWithWebIdentityResponse with Credentials (is the endpoint URL an STS endpoint?)")
        }
        guard let expiration = parseTimestamp(expText) else {
            throw LoginError("STS credentials have an unreadable Expiration '\(expText)'")
        }
        return AssumeRoleWithWebIdentityOutput(
            credentials: AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token),
            expiration: expiration, assumedRoleArn: doc.first("\(result)/AssumedRoleUser/Arn"),
            subjectFromWebIdentityToken: doc.first("\(result)/SubjectFromWebIdentityToken"))
    }

    static func hint(_ code: String) -> String {
        switch code {
        case "InvalidIdentityToken", "ExpiredTokenException", "IDPRejectedClaim":
            return " (the ID token was not accepted: check that the server trusts this issuer and client id, and the role's trust conditions)"
        case "AccessDenied":
            return " (the role's trust policy does not allow this identity; check --role-arn)"
        case "ValidationError", "InvalidParameterValue":
            return " (check --role-arn, --duration and --session-name)"
        default: return ""
        }
    }

    /// ISO 8601 with or without fractional seconds (`2026-11-30T18:00:00Z`, `…00.123Z`).
    public static func parseTimestamp(_ s: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let d = plain.date(from: s) { return d }
        let frac = ISO8601DateFormatter()
        frac.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return frac.date(from: s)
    }
}
