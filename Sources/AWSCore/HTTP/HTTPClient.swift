import CCurlShim
import Dispatch
import Foundation

/// HTTP/1.1 and HTTPS over libcurl, with an `async` API. libcurl honours HTTPS_PROXY/NO_PROXY and the
/// system CA bundle like every AWS tool; `caFile` adds a CA for a self-signed gangwayd.
///
/// Each transfer runs its blocking `curl_easy_perform` on its own thread, never on Swift's
/// cooperative pool. Easy handles are pooled so connections (and TLS sessions) are reused.
/// Task cancellation aborts the transfer within ~1 s (libcurl's progress callback).
public final class HTTPClient: @unchecked Sendable {
    // @unchecked: the only mutable state is `idle`, guarded by `lock`; a CURL handle is used by one
    // transfer at a time (taken out of the pool for its whole duration).

    public struct Configuration: Sendable {
        public var timeout: Duration
        public var connectTimeout: Duration
        /// Extra CA certificate file (PEM) to trust, e.g. gangwayd's self-signed CA. Also read from AWS_CA_BUNDLE.
        public var caFile: String?
        public var userAgent: String
        public var maxIdleHandles: Int

        public init(timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10), caFile: String? = nil,
                    userAgent: String = "gangway/0.1", maxIdleHandles: Int = 8) {
            self.timeout = timeout
            self.connectTimeout = connectTimeout
            self.caFile = caFile
            self.userAgent = userAgent
            self.maxIdleHandles = maxIdleHandles
        }
    }

    public let configuration: Configuration
    private let lock = NSLock()
    private var idle: [UnsafeMutableRawPointer] = []

    public init(configuration: Configuration = Configuration()) {
        _ = gw_curl_global_init_once()
        var c = configuration
        if c.caFile == nil, let env = ProcessInfo.processInfo.environment["AWS_CA_BUNDLE"], !env.isEmpty { c.caFile = env }
        self.configuration = c
    }

    deinit {
        for h in idle { curl_easy_cleanup(h) }
    }

    /// Performs a request. Throws `HTTPClientError` only when no HTTP response arrived; any status code
    /// (including 4xx/5xx) is returned as a response.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard AWSURL(request.url) != nil, request.url.hasPrefix("http") else { throw HTTPClientError.invalidURL(request.url) }
        let transfer = CurlTransfer()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (cont: CheckedContinuation<HTTPResponse, any Error>) in
                // A thread per transfer: Dispatch's default pools are as wide as the CPU count, so on a
                // 2-core machine two slow calls would make every other call wait.
                let thread = Thread { [self] in
                    cont.resume(with: Result { try self.perform(request, transfer: transfer) })
                }
                thread.name = "gangway.http"
                thread.start()
            }
        } onCancel: {
            transfer.cancel()
        }
    }

    private func takeHandle() -> UnsafeMutableRawPointer? {
        lock.lock()
        let h = idle.popLast()
        lock.unlock()
        return h ?? curl_easy_init()
    }

    private func giveBack(_ h: UnsafeMutableRawPointer) {
        curl_easy_reset(h)  // keeps the connection cache
        lock.lock()
        if idle.count < configuration.maxIdleHandles {
            idle.append(h)
            lock.unlock()
        } else {
            lock.unlock()
            curl_easy_cleanup(h)
        }
    }

    private func perform(_ request: HTTPRequest, transfer: CurlTransfer) throws -> HTTPResponse {
        if transfer.isCancelled { throw HTTPClientError.cancelled(url: request.url) }
        guard let h = takeHandle() else { throw HTTPClientError.transport(url: request.url, code: -1, reason: "curl_easy_init failed") }
        defer { giveBack(h) }

        var errbuf = [CChar](repeating: 0, count: Int(GW_CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        let timeout = request.timeout ?? configuration.timeout
        let timeoutMs = Self.milliseconds(timeout)

        _ = gw_curl_setopt_str(h, GW_CURLOPT_URL, request.url)
        _ = gw_curl_setopt_long(h, GW_CURLOPT_NOSIGNAL, 1)
        _ = gw_curl_setopt_long(h, GW_CURLOPT_TIMEOUT_MS, timeoutMs)
        _ = gw_curl_setopt_long(h, GW_CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        _ = gw_curl_setopt_str(h, GW_CURLOPT_USERAGENT, configuration.userAgent)
        if let ca = configuration.caFile { _ = gw_curl_setopt_str(h, GW_CURLOPT_CAINFO, ca) }

        let method = request.method.uppercased()
        switch method {
        case "GET": _ = gw_curl_setopt_long(h, GW_CURLOPT_HTTPGET, 1)
        case "HEAD": _ = gw_curl_setopt_long(h, GW_CURLOPT_NOBODY, 1)
        default:
            _ = gw_curl_setopt_long(h, GW_CURLOPT_POST, 1)
            _ = gw_curl_setopt_off(h, GW_CURLOPT_POSTFIELDSIZE_LARGE, Int64(request.body.count))
            // COPYPOSTFIELDS copies the bytes, so the Swift array need not outlive this call.
            if request.body.isEmpty {
                _ = gw_curl_setopt_str(h, GW_CURLOPT_COPYPOSTFIELDS, "")
            } else {
                _ = request.body.withUnsafeBytes { raw in
                    gw_curl_setopt_ptr(h, GW_CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress!))
                }
            }
            if method != "POST" { _ = gw_curl_setopt_str(h, GW_CURLOPT_CUSTOMREQUEST, method) }
        }

        // "Expect:" turns off 100-continue; an empty "Accept:" keeps libcurl from adding one we did not sign.
        var sawContentType = false
        for (name, value) in request.headers {
            guard !name.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ":" }),
                  !value.contains(where: { $0 == "\r" || $0 == "\n" }) else { continue }
            if name.lowercased() == "content-type" { sawContentType = true }
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        headerList = curl_slist_append(headerList, "Expect:")
        if !sawContentType, method != "GET", method != "HEAD" {
            headerList = curl_slist_append(headerList, "Content-Type:")  // no implicit form-urlencoded
        }
        _ = gw_curl_setopt_ptr(h, GW_CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))

        let box = Unmanaged.passRetained(transfer)
        defer { box.release() }
        let opaque = box.toOpaque()
        _ = gw_curl_set_write_callback(h, { data, size, n, user in
            guard let user, let data else { return 0 }
            let count = size * n
            Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue().appendBody(UnsafeRawBufferPointer(start: data, count: count))
            return count
        }, opaque)
        _ = gw_curl_set_header_callback(h, { data, size, n, user in
            guard let user, let data else { return 0 }
            let count = size * n
            Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue().headerLine(UnsafeRawBufferPointer(start: data, count: count))
            return count
        }, opaque)
        _ = gw_curl_set_progress_callback(h, { user, _, _, _, _ in
            guard let user else { return 0 }
            return Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue().isCancelled ? 1 : 0
        }, opaque)

        let rc = errbuf.withUnsafeMutableBufferPointer { buf -> CURLcode in
            _ = gw_curl_setopt_ptr(h, GW_CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(buf.baseAddress!))
            let rc = curl_easy_perform(h)
            _ = gw_curl_setopt_ptr(h, GW_CURLOPT_ERRORBUFFER, nil)
            return rc
        }
        let code = Int32(bitPattern: rc.rawValue)
        if code != GW_CURLE_OK {
            let detail = String(cString: errbuf)
            let reason = detail.isEmpty ? String(cString: curl_easy_strerror(rc)) : detail
            switch code {
            case GW_CURLE_ABORTED_BY_CALLBACK: throw HTTPClientError.cancelled(url: request.url)
            case GW_CURLE_OPERATION_TIMEDOUT: throw HTTPClientError.timedOut(url: request.url, seconds: Double(timeoutMs) / 1000)
            case GW_CURLE_COULDNT_CONNECT, GW_CURLE_COULDNT_RESOLVE_HOST: throw HTTPClientError.unreachable(url: request.url, reason: reason)
            case GW_CURLE_PEER_FAILED_VERIFICATION: throw HTTPClientError.tlsVerificationFailed(url: request.url, reason: reason)
            default:
                if reason.lowercased().contains("certificate") {
                    throw HTTPClientError.tlsVerificationFailed(url: request.url, reason: reason)
                }
                throw HTTPClientError.transport(url: request.url, code: Int(code), reason: reason)
            }
        }
        return transfer.response(status: gw_curl_response_code(h))
    }

    static func milliseconds(_ d: Duration) -> Int {
        let (s, atto) = d.components
        return max(1, Int(s) * 1000 + Int(atto / 1_000_000_000_000_000))
    }
}

/// State of one transfer shared with libcurl's callbacks (which run on the transfer's thread) and
/// with the cancelling task.
final class CurlTransfer: @unchecked Sendable {
    // @unchecked: `cancelled` is guarded by `lock`; body/headers are touched only by the transfer thread
    // (callbacks during curl_easy_perform, then `response`), in sequence.
    private let lock = NSLock()
    private var cancelled = false
    private var body: [UInt8] = []
    private var headers: [(String, String)] = []

    var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }
    func cancel() { lock.lock(); cancelled = true; lock.unlock() }

    func appendBody(_ bytes: UnsafeRawBufferPointer) { body.append(contentsOf: bytes) }

    func headerLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") { headers = []; return }  // a new response (after 100 Continue / redirect)
        guard let colon = line.firstIndex(of: ":") else { return }
        headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
    }

    func response(status: Int) -> HTTPResponse { HTTPResponse(status: status, headers: headers, body: body) }
}
