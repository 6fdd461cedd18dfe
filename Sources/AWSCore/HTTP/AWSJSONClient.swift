import Foundation

/// A client for an AWS JSON 1.1 service (`POST /`, `Content-Type: application/x-amz-json-1.1`,
/// `X-Amz-Target: <prefix>.<Operation>`), SigV4-signed. Timestamps are epoch seconds.
///
/// ```swift
/// let ssm = AWSJSONClient(settings: settings, signingName: "ssm", targetPrefix: "AmazonSSM")
/// let out: Output = try await ssm.call("DescribeSessions", input)
/// ```
/// Error answers throw `AWSError`; no answer at all throws `HTTPClientError`.
public struct AWSJSONClient: Sendable {
    public var settings: AWSClientSettings
    public var signingName: String
    public var targetPrefix: String
    public var http: HTTPClient
    /// Attempts for throttling and 5xx answers (first try included).
    public var maxAttempts: Int
    public var clock: @Sendable () -> Date

    public init(settings: AWSClientSettings, signingName: String, targetPrefix: String,
                http: HTTPClient = HTTPClient(), maxAttempts: Int = 3,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.signingName = signingName
        self.targetPrefix = targetPrefix
        self.http = http
        self.maxAttempts = maxAttempts
        self.clock = clock
    }

    public static func jsonEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .secondsSince1970
        e.outputFormatting = [.sortedKeys]
        return e
    }

    public static func jsonDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }

    /// Calls `operation` with `input` encoded as JSON and decodes the answer.
    public func call<Input: Encodable, Output: Decodable>(_ operation: String, _ input: Input,
                                                          as: Output.Type = Output.self) async throws -> Output {
        let body = try Self.jsonEncoder().encode(input)
        let data = try await callRaw(operation, body: Array(body))
        do {
            return try Self.jsonDecoder().decode(Output.self, from: Data(data.isEmpty ? Array("{}".utf8) : data))
        } catch {
            throw AWSError(code: "SerializationException",
                           message: "\(targetPrefix).\(operation): cannot read the answer from \(settings.endpointURL): \(error)",
                           status: 200)
        }
    }

    /// Sends raw JSON and returns the raw answer of a 2xx response.
    public func callRaw(_ operation: String, body: [UInt8]) async throws -> [UInt8] {
        let url = settings.endpointURL + "/"
        let signer = SigV4Signer(credentials: settings.credentials, region: settings.region, service: signingName)
        let base = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "\(targetPrefix).\(operation)")]
        var attempt = 0
        while true {
            attempt += 1
            let auth = try signer.signingHeaders(method: "POST", url: url, headers: base, body: body, date: clock())
            let response = try await http.execute(HTTPRequest(method: "POST", url: url, headers: base + auth, body: body))
            if (200..<300).contains(response.status) { return response.body }
            let error = AWSError.parse(status: response.status, body: response.body, headers: response.headers)
            let retryable = response.status >= 500 || error.code == "ThrottlingException" || error.code == "Throttling"
                || error.code == "TooManyRequestsException"
            guard retryable, attempt < maxAttempts else { throw error }
            try await Task.sleep(for: .milliseconds(100 << (2 * (attempt - 1))))
        }
    }
}
