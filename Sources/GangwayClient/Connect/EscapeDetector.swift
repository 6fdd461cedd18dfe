/// ssh-style escapes in the keystrokes of `gangway connect`: after a newline (or at the start),
/// `~.` ends the session from this side even when the remote end is wedged; `~~` sends one `~`;
/// `~?` asks for help. Anything else after `~` is sent as typed. Pure: bytes in, bytes and an action out.
public struct EscapeDetector: Sendable {
    public enum Action: Sendable, Equatable {
        case none
        case disconnect
        case help
    }

    private var atLineStart = true
    private var pendingTilde = false

    public init() {}

    /// Returns the bytes to forward and what the user asked for. After `.disconnect`, the rest of
    /// `bytes` is dropped.
    public mutating func feed(_ bytes: [UInt8]) -> (forward: [UInt8], action: Action) {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var action = Action.none
        for b in bytes {
            if pendingTilde {
                pendingTilde = false
                switch b {
                case UInt8(ascii: "."): return (out, .disconnect)
                case UInt8(ascii: "~"): out.append(b); atLineStart = false; continue
                case UInt8(ascii: "?"): action = .help; atLineStart = true; continue
                default: out.append(UInt8(ascii: "~"))
                }
            } else if atLineStart, b == UInt8(ascii: "~") {
                pendingTilde = true
                continue
            }
            out.append(b)
            atLineStart = b == 13 || b == 10
        }
        return (out, action)
    }

    public static let helpText = "\r\nSupported escape sequences (after a newline):\r\n  ~.  end the session\r\n  ~~  send ~\r\n  ~?  this help\r\n"
}
