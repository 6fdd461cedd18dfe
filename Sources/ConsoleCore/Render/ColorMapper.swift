/// Maps theme and terminal colours down to what the terminal can show: 8, 16, 256 colours or direct RGB.
/// Returns curses colour numbers, -1 for the terminal default.
public struct ColorMapper: Sendable, Hashable {
    public var colors: Int

    public init(colors: Int) { self.colors = colors }

    public var isDirect: Bool { colors >= 1 << 24 }

    public func map(_ c: ColorSpec) -> Int32 {
        switch c {
        case .default: return -1
        case .indexed(let i):
            if Int(i) < colors || isDirect && i < 16 { return Int32(i) }
            let (r, g, b) = Self.rgb(ofIndex: Int(i))
            return nearestBasic(r, g, b)
        case .rgb(let r, let g, let b):
            if isDirect { return Int32(r) << 16 | Int32(g) << 8 | Int32(b) }
            if colors >= 256 { return Int32(Self.nearest256(r, g, b)) }
            return nearestBasic(Int(r), Int(g), Int(b))
        }
    }

    private func nearestBasic(_ r: Int, _ g: Int, _ b: Int) -> Int32 {
        let n = colors >= 16 ? 16 : 8
        var best = 0, bestD = Int.max
        for i in 0..<n {
            let (pr, pg, pb) = Self.rgb(ofIndex: i)
            let d = (pr - r) * (pr - r) * 3 + (pg - g) * (pg - g) * 4 + (pb - b) * (pb - b) * 2
            if d < bestD { bestD = d; best = i }
        }
        return Int32(best)
    }

    static let ansi: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cube = [0, 95, 135, 175, 215, 255]

    /// RGB of an xterm-256 palette index.
    public static func rgb(ofIndex i: Int) -> (Int, Int, Int) {
        if i < 16 { return ansi[i] }
        if i < 232 { let v = i - 16; return (cube[v / 36], cube[v / 6 % 6], cube[v % 6]) }
        let g = 8 + (i - 232) * 10
        return (g, g, g)
    }

    /// Nearest xterm-256 index (colour cube or grey ramp) to an RGB colour.
    public static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
        let (lr, lg, lb) = (level(r), level(g), level(b))
        let cubeIdx = 16 + 36 * lr + 6 * lg + lb
        let (cr, cg, cb) = (cube[lr], cube[lg], cube[lb])
        let avg = (Int(r) + Int(g) + Int(b)) / 3
        let greyIdx = avg > 238 ? 23 : max(0, (avg - 3) / 10)
        let gv = 8 + greyIdx * 10
        func d(_ x: Int, _ y: Int, _ z: Int) -> Int {
            (x - Int(r)) * (x - Int(r)) + (y - Int(g)) * (y - Int(g)) + (z - Int(b)) * (z - Int(b))
        }
        return d(gv, gv, gv) < d(cr, cg, cb) ? 232 + greyIdx : cubeIdx
    }
}
