/// A bounded cache of curses colour pairs: (fg, bg) → pair number, least-recently-used pair reused when full.
/// The caller initialises the pair when `lookup` says it is new (init_extended_pair).
public struct ColorPairCache: Sendable {
    public struct Key: Hashable, Sendable { public var fg: Int32; public var bg: Int32 }

    public let capacity: Int
    private var pairs: [Key: Int32] = [:]
    private var owner: [Int32: Key] = [:]
    private var lastUse: [Int32: UInt64] = [:]
    private var clock: UInt64 = 0
    public private(set) var evictions = 0

    /// `capacity`: usable pairs (COLOR_PAIRS - 1, capped by the caller); pair 0 is never handed out.
    public init(capacity: Int) { self.capacity = max(1, capacity) }

    public var count: Int { pairs.count }

    /// The pair for (fg, bg) and whether the caller must (re)initialise it.
    public mutating func lookup(fg: Int32, bg: Int32) -> (pair: Int32, isNew: Bool) {
        clock += 1
        let key = Key(fg: fg, bg: bg)
        if let p = pairs[key] { lastUse[p] = clock; return (p, false) }
        let p: Int32
        if pairs.count < capacity {
            p = Int32(pairs.count + 1)
        } else {
            p = lastUse.min { $0.value < $1.value }!.key
            if let old = owner[p] { pairs[old] = nil }
            evictions += 1
        }
        pairs[key] = p
        owner[p] = key
        lastUse[p] = clock
        return (p, true)
    }

    public mutating func removeAll() {
        pairs = [:]
        owner = [:]
        lastUse = [:]
    }
}
