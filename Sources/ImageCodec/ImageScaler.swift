/// Resizing by area averaging: each output pixel is the mean of the source area it covers,
/// with fractional weights for partly covered source pixels (a box filter over the exact
/// footprint). Averaging is alpha-weighted so transparent pixels' colours do not bleed in.
public enum ImageScaler {
    /// - Precondition: `width, height >= 0`.
    public static func scale(_ image: RGBAImage, toWidth width: Int, height: Int) -> RGBAImage {
        precondition(width >= 0 && height >= 0, "negative target size \(width)x\(height)")
        if width == image.width && height == image.height { return image }
        if width == 0 || height == 0 { return RGBAImage(width: width, height: height) }
        if image.width == 0 || image.height == 0 { return RGBAImage(width: width, height: height) }

        let columns = Footprints(source: image.width, target: width)
        let rows = Footprints(source: image.height, target: height)
        let sourceWidth = image.width
        var out = [UInt8](repeating: 0, count: width * height * 4)
        // One source-width row of alpha-premultiplied sums: the vertical pass for one output row.
        var acc = [Float](repeating: 0, count: sourceWidth * 4)

        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                acc.withUnsafeMutableBufferPointer { acc in
                    for y in 0..<height {
                        acc.update(repeating: 0)
                        for k in rows.range(y) {
                            let weight = rows.weights[k]
                            var p = (rows.index[k] * sourceWidth) * 4
                            for x in 0..<sourceWidth {
                                let a = Float(src[p + 3])
                                let wa = weight * a
                                acc[x * 4] += wa * Float(src[p])
                                acc[x * 4 + 1] += wa * Float(src[p + 1])
                                acc[x * 4 + 2] += wa * Float(src[p + 2])
                                acc[x * 4 + 3] += wa
                                p += 4
                            }
                        }
                        var q = y * width * 4
                        for x in 0..<width {
                            var r: Float = 0, g: Float = 0, b: Float = 0, a: Float = 0
                            for k in columns.range(x) {
                                let weight = columns.weights[k]
                                let s = columns.index[k] * 4
                                r += weight * acc[s]
                                g += weight * acc[s + 1]
                                b += weight * acc[s + 2]
                                a += weight * acc[s + 3]
                            }
                            if a > 0 {
                                dst[q] = toByte(r / a)
                                dst[q + 1] = toByte(g / a)
                                dst[q + 2] = toByte(b / a)
                                dst[q + 3] = toByte(a)
                            }
                            q += 4
                        }
                    }
                }
            }
        }
        return RGBAImage(width: width, height: height, pixels: out)
    }

    @inline(__always)
    private static func toByte(_ v: Float) -> UInt8 {
        UInt8(min(max(v, 0), 255) + 0.5)  // ≤ 255.5, which truncates to 255
    }

    /// For each target index, the source indices it overlaps and their weights (summing to 1).
    /// Computed in integer units where a source pixel is `target` long and a target pixel is
    /// `source` long, so the overlaps are exact.
    private struct Footprints {
        var start: [Int] = []
        var index: [Int] = []
        var weights: [Float] = []

        init(source: Int, target: Int) {
            start.reserveCapacity(target + 1)
            let norm = 1 / Float(source)
            for t in 0..<target {
                start.append(index.count)
                let lo = t * source
                let hi = lo + source
                var s = lo / target
                while s * target < hi {
                    let overlap = min(hi, (s + 1) * target) - max(lo, s * target)
                    if overlap > 0 {
                        index.append(s)
                        weights.append(Float(overlap) * norm)
                    }
                    s += 1
                }
            }
            start.append(index.count)
        }

        @inline(__always)
        func range(_ t: Int) -> Range<Int> { start[t]..<start[t + 1] }
    }
}
