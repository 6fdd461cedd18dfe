/// The Audit view's state: newest-first events merged by id, a filter, and follow mode
/// (selection stays on the newest event as new ones arrive).
public struct AuditModel: Sendable {
    public private(set) var rows: [AuditRow] = []
    public var follow = true
    /// The filter; a new one may fetch up to `filterPages` older pages by itself (`wantsOlderForFilter`).
    public var filter = "" {
        didSet { if filter != oldValue { filterPagesLeft = filter.isEmpty ? 0 : Self.filterPages } }
    }
    /// Older pages a filter fetches by itself while its matches do not fill the view: an audit trail (`a`) or a
    /// search reaches back ~1,000 events without a key press; End goes further.
    public static let filterPages = 10
    public private(set) var filterPagesLeft = 0
    public var cursor = ListCursor()
    public let capacity: Int

    /// Where older events continue (`AuditRequest.older`): set by the first page, moved down by each older page;
    /// nil when everything down to the oldest event is here (or the model is full: `full`).
    public private(set) var olderToken: String?
    /// An older page was asked for and has not come (one at a time): `fetchingOlder()` sets it.
    public private(set) var loadingOlder = false
    /// The model holds `capacity` events and loads no older ones (`gangway audit lookup` reaches them).
    public private(set) var full = false

    public init(capacity: Int = 5_000) { self.capacity = capacity }

    /// A refresh's page of the newest events. Merged when it reaches what is here (an event in common, or nothing
    /// older exists); otherwise more happened since the last refresh than a page holds, and the page replaces the
    /// list, so no gap is shown as if it were contiguous (older pages continue below it).
    public mutating func receiveNewest(_ page: AuditPage) {
        let known = Set(rows.map(\.id))
        if rows.isEmpty || page.older == nil || page.rows.contains(where: { known.contains($0.id) }) {
            if rows.isEmpty { olderToken = page.older; full = false }
        } else {
            rows = []
            olderToken = page.older
            full = false
            loadingOlder = false  // a page still coming continues the old list: `receiveOlder` drops it
        }
        merge(page.rows)
    }

    /// The page an older request (`olderToken` as it was: `token`) brought. Dropped when the list was replaced
    /// meanwhile.
    public mutating func receiveOlder(_ page: AuditPage, token: String) {
        guard token == olderToken else { return }
        loadingOlder = false
        olderToken = page.older
        merge(page.rows, older: true)
    }

    /// An older request failed: End may ask again; the filter fetches no more by itself (no burst of failing calls
    /// against an API that refuses them).
    public mutating func olderFailed() {
        loadingOlder = false
        filterPagesLeft = 0
    }

    /// Older events exist, may be kept, and none are coming.
    private var canFetchOlder: Bool { olderToken != nil && !loadingOlder && !full }

    /// True when the selection is on the last shown event and older ones can be fetched: the caller fetches
    /// `olderToken` and calls `fetchingOlder()`.
    public var wantsOlder: Bool { canFetchOlder && cursor.selected >= visible.count - 1 }

    /// True when a filter's matches do not fill `height` rows, older events can be fetched and the filter has pages
    /// left: the caller fetches `olderToken` and calls `fetchingOlderForFilter()`.
    public func wantsOlderForFilter(height: Int) -> Bool {
        !filter.isEmpty && filterPagesLeft > 0 && canFetchOlder && visible.count < height
    }

    /// The caller asked for the page below `olderToken`.
    public mutating func fetchingOlder() { loadingOlder = true }

    /// `fetchingOlder()` on a filter's behalf: one of its pages is spent.
    public mutating func fetchingOlderForFilter() {
        filterPagesLeft = max(0, filterPagesLeft - 1)
        fetchingOlder()
    }

    /// Merges fetched events (newest first, may overlap what we have); keeps the newest `capacity`.
    ///
    /// Order: newest time first; within one time (CloudTrail's are whole seconds, and a busy second holds many
    /// events) by the tamper-evident log's sequence when both events have one (gangwayd's), else as the service
    /// listed them: `events` are placed before what is here when they are newer (`older == false`), after it when
    /// they are an older page.
    public mutating func merge(_ events: [AuditRow], older: Bool = false) {
        let fetched = Set(events.map(\.id))
        let kept = rows.filter { !fetched.contains($0.id) }
        let listed = older ? kept + events : events + kept
        let keep = selectedRow?.id
        let sorted = listed.enumerated().sorted { a, b in
            if a.element.time != b.element.time { return a.element.time > b.element.time }
            if let x = a.element.detail?.sequence, let y = b.element.detail?.sequence, x != y { return x > y }
            return a.offset < b.offset
        }.map(\.element)
        if sorted.count > capacity {
            // The oldest give way; the older token would skip them, so no older page is fetched from now on.
            full = true
            olderToken = nil
        }
        rows = Array(sorted.prefix(capacity))
        if follow {
            cursor.selected = 0
            cursor.offset = 0
        } else if let keep, let i = visible.firstIndex(where: { $0.id == keep }) {
            cursor.selected = i
        }
        cursor.clamp(count: visible.count)
    }

    public var visible: [AuditRow] {
        rows.filter {
            filter.isEmpty || FuzzyMatch.matches(filter: filter, fields: [$0.principal, $0.event, $0.target, $0.sourceIP,
                                                                          $0.result, $0.sessionId ?? ""])
        }
    }

    public var selectedRow: AuditRow? {
        let v = visible
        return v.indices.contains(cursor.selected) ? v[cursor.selected] : nil
    }
}
