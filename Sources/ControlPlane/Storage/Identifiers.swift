import Crypto
import Foundation

/// Random identifiers and secrets, from the system CSPRNG.
public enum Identifiers {
    static func randomBytes(_ n: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// `n` lower-case hex digits.
    public static func hex(_ n: Int) -> String {
        let digits = Array("0123456789abcdef")
        var g = SystemRandomNumberGenerator()
        return String((0..<n).map { _ in digits[Int.random(in: 0..<16, using: &g)] })
    }

    static func alphabet(_ chars: String, _ n: Int) -> String {
        let a = Array(chars)
        var g = SystemRandomNumberGenerator()
        return String((0..<n).map { _ in a[Int.random(in: 0..<a.count, using: &g)] })
    }

    /// `AKGW` + 16 upper-case letters/digits (20 characters, like AWS access key ids).
    public static func accessKeyId() -> String { "AKGW" + alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16) }
    /// 40 characters of base64-ish alphabet, like AWS secret keys.
    public static func secretAccessKey() -> String {
        alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40)
    }
    /// `mi-` + 17 hex, as SSM managed instances.
    public static func instanceId() -> String { "mi-" + hex(17) }
    /// `<owner>-<17 hex>`, as SSM session ids; a role session (`role/ROLE/NAME`) uses NAME, as AWS does, so the id
    /// stays one URL path segment and one file name.
    public static func sessionId(owner: String) -> String {
        "\(owner.split(separator: "/").last.map(String.init) ?? owner)-\(hex(17))"
    }
    /// `gwreg-` + 32 random characters.
    public static func registrationToken() -> String { "gwreg-" + alphabet("abcdefghijklmnopqrstuvwxyz0123456789", 40) }
    /// An opaque channel token (StartSession TokenValue, CreateControlChannel/CreateDataChannel TokenValue).
    public static func channelToken() -> String {
        Data(randomBytes(48)).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
    }

    /// SHA-256 hex of a token; stores keep this, never the token.
    public static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
