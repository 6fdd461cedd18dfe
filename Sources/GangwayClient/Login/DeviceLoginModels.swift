import Foundation

/// The two endpoints of the device authorization grant, from the issuer's OpenID discovery document.
public struct OIDCEndpoints: Sendable, Equatable {
    public var issuer: String
    public var deviceAuthorizationEndpoint: String
    public var tokenEndpoint: String

    public init(issuer: String, deviceAuthorizationEndpoint: String, tokenEndpoint: String) {
        self.issuer = issuer
        self.deviceAuthorizationEndpoint = deviceAuthorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
    }
}

/// What the user must do to approve the login (RFC 8628 §3.3): open a URL, enter or confirm a code.
public struct DevicePrompt: Sendable, Equatable {
    public var userCode: String
    public var verificationURI: String
    /// The URL with the code already in it, when the IdP offers one.
    public var verificationURIComplete: String?
    /// Seconds the code stays valid.
    public var expiresIn: Int

    public init(userCode: String, verificationURI: String, verificationURIComplete: String? = nil, expiresIn: Int) {
        self.userCode = userCode
        self.verificationURI = verificationURI
        self.verificationURIComplete = verificationURIComplete
        self.expiresIn = expiresIn
    }

    /// The URL to open in a browser: the complete one when there is one.
    public var browserURL: String { verificationURIComplete ?? verificationURI }

    /// "Open https://idp/device and enter code ABCD-EFGH", and a second line with the complete URL when there is one.
    public var instructions: String {
        let first = "Open \(verificationURI) and enter code \(userCode)"
        guard let complete = verificationURIComplete, complete != verificationURI else { return first }
        return first + "\n  (or open \(complete), which has the code filled in)"
    }
}

/// The token response of a successful device login.
public struct OIDCTokens: Sendable, Equatable {
    public var idToken: String
    public var accessToken: String?
    public var expiresIn: Int?

    public init(idToken: String, accessToken: String? = nil, expiresIn: Int? = nil) {
        self.idToken = idToken
        self.accessToken = accessToken
        self.expiresIn = expiresIn
    }

    /// The ID token's claims, decoded WITHOUT checking the signature (the STS endpoint checks it): for display
    /// and a default session name only.
    public var unverifiedClaims: [String: Any] {
        let parts = idToken.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let data = Base64URL.decode(String(parts[1])),
              let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return [:] }
        return o
    }

    /// Who signed in, for messages: `email`, `preferred_username`, `name` or `sub`.
    public var subjectName: String? {
        let c = unverifiedClaims
        for key in ["email", "preferred_username", "name", "sub"] {
            if let v = c[key] as? String, !v.isEmpty { return v }
        }
        return nil
    }
}

/// base64url without padding (JWT segments).
public enum Base64URL {
    public static func decode(_ s: String) -> Data? {
        var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while t.count % 4 != 0 { t += "=" }
        return Data(base64Encoded: t)
    }

    public static func encode(_ d: Data) -> String {
        d.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// Reading the loosely typed JSON that IdPs send (numbers sometimes as strings).
enum LooseJSON {
    static func object(_ body: [UInt8]) -> [String: Any]? {
        guard !body.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    static func string(_ o: [String: Any], _ key: String) -> String? {
        guard let s = o[key] as? String, !s.isEmpty else { return nil }
        return s
    }

    static func int(_ o: [String: Any], _ key: String) -> Int? {
        if let n = o[key] as? Int { return n }
        if let d = o[key] as? Double, d.isFinite, abs(d) < 1e12 { return Int(d) }
        if let s = o[key] as? String { return Int(s) }
        return nil
    }
}
