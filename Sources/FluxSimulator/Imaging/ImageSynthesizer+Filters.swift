import ImageCodec

// Image analysis used by the control-image endpoints (canny, depth) and fill.

extension ImageSynthesizer {
    /// Rec. 601 luma (0...255) per pixel, ignoring alpha.
    static func luminance(_ image: RGBAImage) -> [Float] {
        let count = image.pixelCount
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            image.pixels.withUnsafeBufferPointer { px in
                for i in 0..<count {
                    let p = i * 4
                    out[i] = 0.299 * Float(px[p]) + 0.587 * Float(px[p + 1]) + 0.114 * Float(px[p + 2])
                }
            }
            initialized = count
        }
    }

    /// Separable box blur (running sums, edges clamped), applied `passes` times: with 3 passes
    /// this is close to a Gaussian, at O(1) cost per pixel whatever the radius. The vertical
    /// pass slides whole rows, so memory is always walked contiguously.
    static func boxBlur(_ values: inout [Float], width: Int, height: Int, radius: Int, passes: Int) {
        guard radius > 0, width > 0, height > 0, values.count == width * height else { return }
        let norm = 1 / Float(2 * radius + 1)
        var other = [Float](repeating: 0, count: values.count)
        var line = [Float](repeating: 0, count: width)
        var sums = [Float](repeating: 0, count: width)
        for _ in 0..<passes {
            values.withUnsafeMutableBufferPointer { v in
                line.withUnsafeMutableBufferPointer { line in
                    for y in 0..<height {
                        let base = y * width
                        for x in 0..<width { line[x] = v[base + x] }
                        var sum: Float = 0
                        for k in -radius...radius { sum += line[min(max(k, 0), width - 1)] }
                        for x in 0..<width {
                            v[base + x] = sum * norm
                            sum += line[min(x + radius + 1, width - 1)] - line[max(x - radius, 0)]
                        }
                    }
                }
            }
            values.withUnsafeBufferPointer { v in
                other.withUnsafeMutableBufferPointer { o in
                    sums.withUnsafeMutableBufferPointer { sums in
                        for x in 0..<width { sums[x] = 0 }
                        for k in -radius...radius {
                            let row = min(max(k, 0), height - 1) * width
                            for x in 0..<width { sums[x] += v[row + x] }
                        }
                        for y in 0..<height {
                            let out = y * width
                            let add = min(y + radius + 1, height - 1) * width
                            let remove = max(y - radius, 0) * width
                            for x in 0..<width {
                                o[out + x] = sums[x] * norm
                                sums[x] += v[add + x] - v[remove + x]
                            }
                        }
                    }
                }
            }
            swap(&values, &other)
        }
    }

    /// Canny edges: light smoothing, 3x3 Sobel (L1 magnitude, the same scale as OpenCV's
    /// thresholds), non-maximum suppression, then hysteresis between `low` and `high`.
    static func cannyEdges(_ image: RGBAImage, low: Int, high: Int) -> [Bool] {
        let width = image.width, height = image.height
        let count = width * height
        guard width >= 3, height >= 3 else { return [Bool](repeating: false, count: count) }
        var lum = luminance(image)
        boxBlur(&lum, width: width, height: height, radius: 1, passes: 1)
        var magnitude = [Float](repeating: 0, count: count)
        // Gradient direction quantised to 0: horizontal, 1: 45°, 2: vertical, 3: 135°.
        var direction = [UInt8](repeating: 0, count: count)
        lum.withUnsafeBufferPointer { l in
            magnitude.withUnsafeMutableBufferPointer { m in
                direction.withUnsafeMutableBufferPointer { d in
                    for y in 1..<(height - 1) {
                        for x in 1..<(width - 1) {
                            let i = y * width + x
                            let tl = l[i - width - 1], tc = l[i - width], tr = l[i - width + 1]
                            let ml = l[i - 1], mr = l[i + 1]
                            let bl = l[i + width - 1], bc = l[i + width], br = l[i + width + 1]
                            let gx = (tr + 2 * mr + br) - (tl + 2 * ml + bl)
                            let gy = (bl + 2 * bc + br) - (tl + 2 * tc + tr)
                            m[i] = abs(gx) + abs(gy)
                            // tan(22.5°) ≈ 0.4142, tan(67.5°) ≈ 2.4142
                            let ax = abs(gx), ay = abs(gy)
                            if ay <= ax * 0.4142 {
                                d[i] = 0
                            } else if ay >= ax * 2.4142 {
                                d[i] = 2
                            } else {
                                d[i] = (gx > 0) == (gy > 0) ? 1 : 3
                            }
                        }
                    }
                }
            }
        }
        let lowT = Float(min(low, high)), highT = Float(max(low, high))
        // 0 = none, 1 = weak, 2 = strong
        var state = [UInt8](repeating: 0, count: count)
        var stack: [Int] = []
        magnitude.withUnsafeBufferPointer { m in
            direction.withUnsafeBufferPointer { d in
                state.withUnsafeMutableBufferPointer { s in
                    for y in 1..<(height - 1) {
                        for x in 1..<(width - 1) {
                            let i = y * width + x
                            let v = m[i]
                            guard v >= lowT, v > 0 else { continue }
                            let offset: Int
                            switch d[i] {
                            case 0: offset = 1
                            case 2: offset = width
                            case 1: offset = width + 1
                            default: offset = width - 1
                            }
                            // Thin the ridge: keep only local maxima across the edge.
                            guard v >= m[i - offset], v > m[i + offset] else { continue }
                            if v >= highT {
                                s[i] = 2
                                stack.append(i)
                            } else {
                                s[i] = 1
                            }
                        }
                    }
                    // Hysteresis: weak pixels survive when connected to a strong one.
                    let neighbours = [-width - 1, -width, -width + 1, -1, 1, width - 1, width, width + 1]
                    while let i = stack.popLast() {
                        for offset in neighbours {
                            let j = i + offset
                            if j >= 0, j < count, s[j] == 1 {
                                s[j] = 2
                                stack.append(j)
                            }
                        }
                    }
                }
            }
        }
        return state.map { $0 == 2 }
    }
}
