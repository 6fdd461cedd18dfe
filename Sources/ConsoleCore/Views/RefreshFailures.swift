/// The message line for one refresh's failures. The line shows one message at a time, so a refresh that failed in
/// every view used to post three and leave only the last (the audit view's) on screen.
public enum RefreshFailures {
    /// nil when nothing failed; the error once when every view failed the same way (the control plane is
    /// unreachable); otherwise each view's own, in the order given.
    public static func message(_ failures: [(view: String, error: String)]) -> String? {
        guard let first = failures.first else { return nil }
        if failures.count > 1 && failures.allSatisfy({ $0.error == first.error }) { return first.error }
        return failures.map { "\($0.view): \($0.error)" }.joined(separator: "; ")
    }
}
