/// Close reasons gangwayd gives an agent's control channel that the agent acts on.
public enum ControlChannelClose {
    /// Another control channel with the same instance id opened: gangwayd serves one per agent identity. A live agent
    /// that is told this shares its identity with another process (a copied state directory, e.g. in a machine image).
    public static let replaced = "replaced by a newer control channel"
}
