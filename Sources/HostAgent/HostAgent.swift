// HostAgent module. See docs/ARCHITECTURE.md for its layer.
