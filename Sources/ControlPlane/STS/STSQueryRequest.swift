import Foundation

/// An AWS Query protocol request body (`application/x-www-form-urlencoded`): `Action=…&Version=…&Name=Value…`.
struct STSQueryRequest: Sendable, Equatable {
    var parameters: [String: String]

    init(body: [UInt8]) throws(STSError) {
        let text = String(decoding: body, as: UTF8.self)
        var out: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(kv[0]), let value = Self.decode(kv.count > 1 ? kv[1] : "") else {
                throw STSError(400, "MalformedQueryString", "the request body is not valid form-urlencoded text near \(pair.prefix(40))")
            }
            out[name] = value
        }
        parameters = out
    }

    subscript(name: String) -> String? { parameters[name] }

    var action: String? { parameters["Action"] }

    /// `+` is a space; `%XX` a byte.
    static func decode(_ s: Substring) -> String? {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// The parameters for the audit log: everything but the token and anything secret-looking.
    func auditJSON(extra: [String: String] = [:]) -> Data {
        var copy = parameters
        copy["WebIdentityToken"] = nil
        copy["Action"] = nil
        copy["Version"] = nil
        for k in copy.keys where k.lowercased().contains("secret") || k.lowercased().contains("token") { copy[k] = "***" }
        copy.merge(extra) { _, new in new }
        return (try? JSONSerialization.data(withJSONObject: copy, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
