/// Selection and scroll offset of a list view, kept inside bounds as rows come and go.
public struct ListCursor: Sendable, Hashable {
    public var selected: Int = 0
    public var offset: Int = 0

    public init() {}

    public mutating func move(by delta: Int, count: Int) {
        selected = count == 0 ? 0 : max(0, min(count - 1, selected + delta))
    }

    public mutating func clamp(count: Int) { move(by: 0, count: count) }

    /// Adjusts `offset` so `selected` is visible in a window of `height` rows.
    public mutating func scrollIntoView(height: Int) {
        guard height > 0 else { return }
        if selected < offset { offset = selected }
        if selected >= offset + height { offset = selected - height + 1 }
        offset = max(0, offset)
    }
}
