/// Errors the agent reports; each says what happened and what to do.
public enum HostAgentError: Error, Sendable, CustomStringConvertible {
    case unknownUser(String)
    case cannotSwitchUser(String)
    case cannotCreateUser(String, String)
    case spawnFailed(String, errno: Int32)
    case registrationRejected(status: Int, body: String)
    case serverError(operation: String, status: Int, body: String)
    case badResponse(operation: String, detail: String)
    case identityUnreadable(path: String, detail: String)
    case missingToken(stateDir: String)
    case invalidConfig(String)

    public var description: String {
        switch self {
        case .unknownUser(let name):
            "run-as user '\(name)' does not exist on this host; create it or pass --run-as with an existing user"
        case .cannotSwitchUser(let name):
            "cannot run shells as '\(name)': the agent is not running as root; run it as root or drop --run-as"
        case .cannotCreateUser(let name, let why):
            "could not create the run-as user '\(name)' (\(why)); create it yourself or pass --run-as USER"
        case .spawnFailed(let path, let code):
            "could not start the shell \(path): \(String(cString: strerrorText(code))) (errno \(code)); check --shell and the run-as user's permissions"
        case .registrationRejected(let status, let body):
            "gangwayd refused the registration token (HTTP \(status): \(body)); create a new one with `gangwayd admin agent token`"
        case .serverError(let op, let status, let body):
            "\(op) failed with HTTP \(status): \(body)"
        case .badResponse(let op, let detail):
            "\(op) returned a response the agent cannot read (\(detail)); are --server and the gangwayd version right?"
        case .identityUnreadable(let path, let detail):
            "cannot read the agent identity \(path) (\(detail)); delete it and register again with a new --token"
        case .missingToken(let dir):
            "no agent identity in \(dir) and no --token given; create one with `gangwayd admin agent token` and pass --token"
        case .invalidConfig(let why):
            "invalid agent configuration: \(why)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
private func strerrorText(_ code: Int32) -> UnsafeMutablePointer<CChar> { strerror(code) }
