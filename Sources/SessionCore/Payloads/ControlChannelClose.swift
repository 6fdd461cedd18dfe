/// Close reasons gangwayd gives an agent's control channel that the agent acts on.
public enum ControlChannelClose {
    /// Another control channel with the same instance id opened: gangwayd serves one per agent identity. A live agent
    /// that is told this shares its identity with another process (a copied state directory, e.g. in a machine image).
    public static let replaced = "replaced by a newer control channel"
}

/// Close reasons gangwayd gives a data channel's socket that the client acts on.
public enum DataChannelClose {
    /// Another connection resumed the session (ResumeSession and a new socket): this one must not resume it back, or
    /// the two would take it from each other for ever.
    public static let replaced = "replaced by a newer connection"
}
