import TerminalKit

// Pure colour mapping for previews: what colour a pixel becomes in each colour mode.
//
// Why the 256-colour search is exhaustive: the palette is only 240 entries (the 6x6x6 cube and
// the 24-step grey ramp; 0-15 are left out because terminals redefine them), a preview has a few
// thousand pixels, and an exhaustive search under a perceptual metric is obviously right. The
// metric is the "redmean" weighted RGB distance, which tracks perceived difference far better than
// plain RGB at the same cost.

public enum PreviewPalette {
    /// The RGB of palette entries 16...255, index 0 here is palette entry 16.
    static let entries: [(r: Int32, g: Int32, b: Int32)] = (16...255).map { i in
        let (r, g, b) = ColorMath.rgb(ofIndex: UInt8(i))
        return (Int32(r), Int32(g), Int32(b))
    }

    /// Weighted squared distance ("redmean"): red and blue weights depend on the mean red level.
    @inline(__always)
    static func distance(_ r1: Int32, _ g1: Int32, _ b1: Int32, _ r2: Int32, _ g2: Int32, _ b2: Int32) -> Int32 {
        let rm = (r1 + r2) / 2
        let dr = r1 - r2
        let dg = g1 - g2
        let db = b1 - b2
        return (((512 + rm) * dr * dr) >> 8) + 4 * dg * dg + (((767 - rm) * db * db) >> 8)
    }

    /// The nearest xterm palette entry (16...255) to an RGB colour: what `nearest256Exhaustive`
    /// finds (the lowest entry among equally near ones), visiting only the entries that can still
    /// win. The distance is at least 2·dr² + 4·dg² + 2·db² (the red and blue weights never fall
    /// below 2), so a cube level or grey step whose own channel distance already exceeds the best
    /// found is skipped. A full-screen preview maps ~23,000 pixels; the exhaustive search took
    /// ~20 ms of it.
    public static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let (r, g, b) = (Int32(r), Int32(g), Int32(b))
        // Start from the cube entry nearest channel by channel: usually the answer already.
        var bestIndex = 16 + 36 * ColorMath.nearestCubeLevel(Int(r)) + 6 * ColorMath.nearestCubeLevel(Int(g))
            + ColorMath.nearestCubeLevel(Int(b))
        var bestD = distanceTo(bestIndex, r, g, b)
        func consider(_ index: Int) {
            let d = distanceTo(index, r, g, b)
            if d < bestD || (d == bestD && index < bestIndex) {
                bestD = d
                bestIndex = index
            }
        }
        for ri in 0..<6 {
            let dr = cubeLevels[ri] - r
            if 2 * dr * dr > bestD { continue }
            for gi in 0..<6 {
                let dg = cubeLevels[gi] - g
                if 2 * dr * dr + 4 * dg * dg > bestD { continue }
                for bi in 0..<6 {
                    let db = cubeLevels[bi] - b
                    if 2 * dr * dr + 4 * dg * dg + 2 * db * db > bestD { continue }
                    consider(16 + 36 * ri + 6 * gi + bi)
                }
            }
        }
        for step in 0..<24 {
            let v = Int32(ColorMath.greyLevel(step))
            let (dr, dg, db) = (v - r, v - g, v - b)
            if 2 * dr * dr + 4 * dg * dg + 2 * db * db > bestD { continue }
            consider(232 + step)
        }
        return UInt8(bestIndex)
    }

    /// Every entry compared (the reference `nearest256` must agree with; tests use it).
    static func nearest256Exhaustive(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let (r, g, b) = (Int32(r), Int32(g), Int32(b))
        var best = 0
        var bestD = Int32.max
        for (i, e) in entries.enumerated() {
            let d = distance(r, g, b, e.r, e.g, e.b)
            if d < bestD {
                bestD = d
                best = i
                if d == 0 { break }
            }
        }
        return UInt8(16 + best)
    }

    /// `ColorMath.cubeLevels` as the search computes with them.
    static let cubeLevels: [Int32] = ColorMath.cubeLevels.map(Int32.init)

    @inline(__always)
    static func distanceTo(_ index: Int, _ r: Int32, _ g: Int32, _ b: Int32) -> Int32 {
        let e = entries[index - 16]
        return distance(r, g, b, e.r, e.g, e.b)
    }

    /// 4x4 Bayer matrix, values 0...15.
    static let bayer: [Int32] = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5]

    /// One of the 8 basic colours for pixel (x, y) by ordered dithering of each channel (the
    /// basic colours are the corners of the RGB cube: index = red + 2 green + 4 blue), so mid
    /// tones become patterns and greys stay black and white.
    public static func dithered8(_ r: UInt8, _ g: UInt8, _ b: UInt8, x: Int, y: Int) -> UInt8 {
        let threshold = bayer[(y & 3) * 4 + (x & 3)] * 16 + 8
        let bits = (Int32(r) > threshold ? 1 : 0) | (Int32(g) > threshold ? 2 : 0) | (Int32(b) > threshold ? 4 : 0)
        return UInt8(bits)
    }

    /// The colour a pixel at (x, y) of a preview gets in `mode`; nil in `.none` (no preview).
    public static func color(_ r: UInt8, _ g: UInt8, _ b: UInt8, x: Int, y: Int, mode: ColorMode) -> TerminalColor? {
        switch mode {
        case .trueColor: return .rgb(r, g, b)
        case .c256: return .indexed(nearest256(r, g, b))
        case .c8: return .indexed(dithered8(r, g, b, x: x, y: y))
        case .none: return nil
        }
    }
}
