import Crypto
import Foundation

/// The pieces of a SigV4 signature shared by `SigV4Signer` (client) and `SigV4Verifier` (server):
/// canonical request, string to sign, signing key. Pure functions of their inputs.
///
/// Canonical form (AWS "Create a canonical request"):
/// ```
/// METHOD \n CanonicalURI \n CanonicalQuery \n name:value\n… \n signed;header;names \n hex(sha256(payload))
/// ```
public enum SigV4Canonical {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    // MARK: encoding

    /// RFC 3986 percent-encoding of every byte except the unreserved set (`A-Z a-z 0-9 - _ . ~`),
    /// upper-case hex, as SigV4 requires. `keepSlash` keeps `/` (for paths).
    public static func uriEncode(_ s: String, keepSlash: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: "/") where keepSlash:
                out.append(b)
            default:
                out.append(UInt8(ascii: "%")); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` sequences; malformed escapes are kept literally. Never fails.
    public static func percentDecode(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        let b = Array(s.utf8)
        var out = [UInt8]()
        out.reserveCapacity(b.count)
        var i = 0
        func hexVal(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 65...70: return c - 55
            case 97...102: return c - 87
            default: return nil
            }
        }
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hexVal(b[i + 1]), let l = hexVal(b[i + 2]) {
                out.append(h << 4 | l); i += 3
            } else {
                out.append(b[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: canonical parts

    /// Canonical URI from the path as sent on the wire. For every service but S3 the path is
    /// normalised (`.`/`..`/empty segments removed); then each segment is encoded once.
    public static func canonicalURI(rawPath: String, service: String) -> String {
        let decoded = percentDecode(rawPath.isEmpty ? "/" : rawPath)
        if service == "s3" { return uriEncode(decoded, keepSlash: true) }
        return uriEncode(normalizePath(decoded), keepSlash: true)
    }

    /// Removes empty, `.` and `..` segments; keeps a trailing slash. Always starts with `/`.
    public static func normalizePath(_ path: String) -> String {
        var segments: [Substring] = []
        for seg in path.split(separator: "/", omittingEmptySubsequences: true) {
            if seg == "." { continue }
            if seg == ".." { _ = segments.popLast(); continue }
            segments.append(seg)
        }
        var out = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/"), out != "/" { out += "/" }
        return out
    }

    /// Splits a raw query (`a=1&b=%20x`) into decoded pairs, in order. Empty items are skipped.
    public static func queryPairs(rawQuery: String) -> [(String, String)] {
        guard !rawQuery.isEmpty else { return [] }
        return rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { item in
            if let eq = item.firstIndex(of: "=") {
                return (percentDecode(String(item[..<eq])), percentDecode(String(item[item.index(after: eq)...])))
            }
            return (percentDecode(String(item)), "")
        }
    }

    /// Canonical query string: each name and value encoded, sorted by name then value.
    /// `excluding` drops a parameter (the signature itself in a presigned URL).
    public static func canonicalQuery(_ pairs: [(String, String)], excluding: String? = nil) -> String {
        var encoded: [(name: String, value: String)] = []
        for (name, value) in pairs where name != excluding {
            encoded.append((uriEncode(name), uriEncode(value)))
        }
        // Encoded strings are ASCII, so String ordering is byte ordering here.
        encoded.sort { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        return encoded.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// Trims a header value and collapses runs of spaces/tabs into one space.
    public static func canonicalHeaderValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for ch in value.unicodeScalars {
            if ch == " " || ch == "\t" || ch == "\r" || ch == "\n" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Canonical header block and the `;`-joined list of names, for the names in `signed`
    /// (lower-case). Repeated headers are joined with `,` in arrival order.
    /// Returns nil when a signed header is absent from `headers`.
    public static func canonicalHeaders(_ headers: [(String, String)], signed: [String]) -> (block: String, names: String)? {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            values[name.lowercased(), default: []].append(canonicalHeaderValue(value))
        }
        var block = ""
        for name in signed {
            guard let v = values[name] else { return nil }
            block += name + ":" + v.joined(separator: ",") + "\n"
        }
        return (block, signed.joined(separator: ";"))
    }

    public static func canonicalRequest(method: String, uri: String, query: String,
                                        headerBlock: String, signedNames: String, payloadHash: String) -> String {
        [method, uri, query, headerBlock, signedNames, payloadHash].joined(separator: "\n")
    }

    /// `20150830/us-east-1/service/aws4_request`
    public static func scope(day: String, region: String, service: String) -> String {
        "\(day)/\(region)/\(service)/aws4_request"
    }

    public static func stringToSign(dateTime: String, scope: String, canonicalRequest: String) -> String {
        [algorithm, dateTime, scope, sha256Hex(Array(canonicalRequest.utf8))].joined(separator: "\n")
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, day), region), service), "aws4_request")
    public static func signingKey(secret: String, day: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    public static func signature(signingKey: SymmetricKey, stringToSign: String) -> String {
        hex(Array(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey)))
    }

    // MARK: hashing

    public static func sha256Hex<D: DataProtocol>(_ bytes: D) -> String {
        hex(Array(SHA256.hash(data: bytes)))
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares two strings in time independent of where they differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
