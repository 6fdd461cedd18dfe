// ChannelIO: drives a SessionCore stream over a WebSocket with real timers.
