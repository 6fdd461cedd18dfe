/// Terminal size, payload of a `PayloadType.size` stream message: `{"cols":N,"rows":N}`.
public struct SizeData: Codable, Sendable, Equatable {
    public var cols: UInt32
    public var rows: UInt32

    public init(cols: UInt32, rows: UInt32) {
        self.cols = cols
        self.rows = rows
    }

    public func jsonBytes() -> [UInt8] { Array("{\"cols\":\(cols),\"rows\":\(rows)}".utf8) }
}
