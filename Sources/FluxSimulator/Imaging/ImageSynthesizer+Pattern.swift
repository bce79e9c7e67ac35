import ImageCodec

// The abstract "painting": a sky gradient, soft shapes behind and in front of a wavy horizon,
// and a vignette. Rendered row by row into a reused Float row buffer, so the only allocations
// are the output and a few per-image arrays; shapes only touch the pixels they cover.

extension ImageSynthesizer {
    struct Blob {
        var cx: Float, cy: Float
        /// d² = p*dx² + 2q*dx + r0 for the current row (rotated ellipse in unit space).
        var a11: Float, a12: Float, a22: Float
        var radius: Float  // bounding radius, for the row range
        var colour: Colour
        var opacity: Float
        var hardness: Float
        var additive: Bool
        var inFront: Bool
    }

    struct Scene {
        var skyTop: Colour
        var skyBottom: Colour
        /// Gradient parameter t = tx*x + ty*y + t0.
        var tx: Float, ty: Float, t0: Float
        var hasGround: Bool
        var groundTop: Colour
        var groundBottom: Colour
        var horizon: [Float]  // per column, in pixels
        var horizonTop: Float
        var edgeSharpness: Float
        var blobs: [Blob]
        var vignette: Float
    }

    static func makeScene(rng: inout PromptRandom, width: Int, height: Int) -> Scene {
        let w = Float(width), h = Float(height)
        let size = min(w, h)
        let hue = rng.unit()
        let offsets: [Float] = [0.08, -0.1, 0.5, 0.33, -0.33, 0.17]
        let offset = offsets[rng.int(0, offsets.count - 1)]
        let abstract = rng.chance(0.3)

        let skyTop = Colour(hue: hue, saturation: rng.float(0.45, 0.85), value: rng.float(0.12, 0.45))
        let skyBottom = Colour(
            hue: hue + offset * 0.5, saturation: rng.float(0.3, 0.75), value: rng.float(0.7, 0.98))
        // Mostly vertical, tilted by up to ~25°.
        let tilt = rng.float(-0.45, 0.45)
        let dirX = sine(tilt), dirY = cosine(tilt)
        let extent = abs(dirX) * w + abs(dirY) * h
        let tx = dirX / extent, ty = dirY / extent
        let t0 = -min(0, tx * w) - min(0, ty * h)

        let groundTop = Colour(
            hue: hue + offset, saturation: rng.float(0.4, 0.85), value: rng.float(0.25, 0.6))
        let groundBottom = groundTop.scaled(rng.float(0.25, 0.6))
        let base = rng.float(0.5, 0.8) * h
        let amp1 = rng.float(0.02, 0.09) * h, amp2 = rng.float(0.005, 0.03) * h
        let f1 = rng.float(0.5, 2.5) * 6.283 / w, f2 = rng.float(3, 8) * 6.283 / w
        let p1 = rng.float(0, 6.283), p2 = rng.float(0, 6.283)
        var horizon = [Float](repeating: 0, count: width)
        var horizonTop = h
        for x in 0..<width {
            let fx = Float(x)
            let y = base + amp1 * sine(f1 * fx + p1) + amp2 * sine(f2 * fx + p2)
            horizon[x] = y
            horizonTop = min(horizonTop, y)
        }
        let edgeSharpness = 1 / max(1, rng.float(0.002, 0.015) * h)

        var blobs: [Blob] = []
        func blob(radius r: Float, at cx: Float, _ cy: Float, colour: Colour, opacity: Float,
                  hardness: Float, additive: Bool, inFront: Bool, rng: inout PromptRandom) {
            let aspect = rng.float(0.45, 1)
            let angle = rng.float(0, 3.1416)
            let c = cosine(angle), s = sine(angle)
            let ra = r, rb = r * aspect
            // u = (dx*c + dy*s)/ra, v = (-dx*s + dy*c)/rb; d² = u² + v² as a quadratic form.
            let a11 = c * c / (ra * ra) + s * s / (rb * rb)
            let a22 = s * s / (ra * ra) + c * c / (rb * rb)
            let a12 = c * s / (ra * ra) - c * s / (rb * rb)
            blobs.append(Blob(
                cx: cx, cy: cy, a11: a11, a12: a12, a22: a22, radius: r, colour: colour,
                opacity: opacity, hardness: hardness, additive: additive, inFront: inFront))
        }

        // A sun or moon with a halo, behind the horizon.
        let sunX = rng.float(0.1, 0.9) * w, sunY = rng.float(0.1, 0.55) * h
        let sunColour = Colour(hue: hue + 0.5 + rng.float(-0.08, 0.08), saturation: rng.float(0.1, 0.45), value: 1)
        let sunRadius = rng.float(0.04, 0.1) * size
        blob(radius: sunRadius * 3.5, at: sunX, sunY, colour: sunColour.scaled(0.5), opacity: rng.float(0.3, 0.6),
             hardness: 1, additive: true, inFront: false, rng: &rng)
        blob(radius: sunRadius, at: sunX, sunY, colour: sunColour, opacity: 0.95,
             hardness: rng.float(4, 12), additive: false, inFront: false, rng: &rng)

        let hues: [Float] = [hue, hue + offset, hue - offset, hue + 0.5]
        for _ in 0..<rng.int(abstract ? 6 : 3, abstract ? 10 : 6) {
            let colour = Colour(
                hue: hues[rng.int(0, hues.count - 1)] + rng.float(-0.05, 0.05),
                saturation: rng.float(0.25, 0.9), value: rng.float(0.45, 1))
            let inFront = !abstract && rng.chance(0.35)
            blob(
                radius: rng.float(abstract ? 0.12 : 0.06, abstract ? 0.45 : 0.3) * size,
                at: rng.float(-0.1, 1.1) * w, inFront ? rng.float(0.65, 1.05) * h : rng.float(-0.1, 0.8) * h,
                colour: colour, opacity: rng.float(0.3, 0.85), hardness: rng.float(1, 6),
                additive: rng.chance(0.25), inFront: inFront, rng: &rng)
        }

        return Scene(
            skyTop: skyTop, skyBottom: skyBottom, tx: tx, ty: ty, t0: t0, hasGround: !abstract,
            groundTop: groundTop, groundBottom: groundBottom, horizon: horizon, horizonTop: horizonTop,
            edgeSharpness: edgeSharpness, blobs: blobs, vignette: rng.float(0.15, 0.45))
    }

    static func render(_ scene: Scene, width: Int, height: Int) -> RGBAImage {
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        guard width > 0, height > 0 else { return RGBAImage(width: width, height: height, pixels: pixels) }
        var rowR = [Float](repeating: 0, count: width)
        var rowG = [Float](repeating: 0, count: width)
        var rowB = [Float](repeating: 0, count: width)
        // Vignette: 1 - k*(nx² + ny²)/2, with the column term precomputed.
        var vignetteX = [Float](repeating: 0, count: width)
        let halfW = Float(width) / 2, halfH = Float(height) / 2
        for x in 0..<width {
            let n = (Float(x) + 0.5 - halfW) / halfW
            vignetteX[x] = n * n * 0.5 * scene.vignette
        }
        let w = Float(width)
        let groundSpan = max(1, Float(height) - scene.horizonTop)

        pixels.withUnsafeMutableBufferPointer { out in
            rowR.withUnsafeMutableBufferPointer { R in
                rowG.withUnsafeMutableBufferPointer { G in
                    rowB.withUnsafeMutableBufferPointer { B in
                        scene.horizon.withUnsafeBufferPointer { horizon in
                            vignetteX.withUnsafeBufferPointer { vx in
                                for y in 0..<height {
                                    let fy = Float(y) + 0.5
                                    // Sky gradient.
                                    let top = scene.skyTop, bottom = scene.skyBottom
                                    let dr = bottom.r - top.r, dg = bottom.g - top.g, db = bottom.b - top.b
                                    var t = scene.t0 + scene.ty * fy + scene.tx * 0.5
                                    for x in 0..<width {
                                        let c = min(max(t, 0), 1)
                                        R[x] = top.r + dr * c
                                        G[x] = top.g + dg * c
                                        B[x] = top.b + db * c
                                        t += scene.tx
                                    }
                                    for blob in scene.blobs where !blob.inFront {
                                        paint(blob, row: fy, width: w, R, G, B)
                                    }
                                    // Ground below the wavy horizon, darkening towards the bottom.
                                    if scene.hasGround && fy + 2 >= scene.horizonTop {
                                        let g = scene.groundTop.mixed(
                                            with: scene.groundBottom, min(1, (fy - scene.horizonTop) / groundSpan))
                                        let k = scene.edgeSharpness
                                        for x in 0..<width {
                                            let a = min(max((fy - horizon[x]) * k + 0.5, 0), 1)
                                            R[x] += (g.r - R[x]) * a
                                            G[x] += (g.g - G[x]) * a
                                            B[x] += (g.b - B[x]) * a
                                        }
                                    }
                                    for blob in scene.blobs where blob.inFront {
                                        paint(blob, row: fy, width: w, R, G, B)
                                    }
                                    let ny = (fy - halfH) / halfH
                                    let vy = ny * ny * 0.5 * scene.vignette
                                    var o = y * width * 4
                                    for x in 0..<width {
                                        let f = 1 - vx[x] - vy
                                        out[o] = byte(R[x] * f)
                                        out[o + 1] = byte(G[x] * f)
                                        out[o + 2] = byte(B[x] * f)
                                        o += 4
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }

    /// Blends one ellipse into the current row, touching only the pixels inside it.
    @inline(__always)
    static func paint(
        _ blob: Blob, row fy: Float, width w: Float,
        _ R: UnsafeMutableBufferPointer<Float>, _ G: UnsafeMutableBufferPointer<Float>,
        _ B: UnsafeMutableBufferPointer<Float>
    ) {
        let dy = fy - blob.cy
        guard abs(dy) < blob.radius else { return }
        // d²(dx) = a11*dx² + 2*a12*dy*dx + a22*dy²; solve d² < 1 for the covered span.
        let p = blob.a11, q = blob.a12 * dy, r = blob.a22 * dy * dy
        let disc = q * q - p * (r - 1)
        guard disc > 0 else { return }
        let root = disc.squareRoot()
        let lo = max(0, ((-q - root) / p + blob.cx - 0.5).rounded(.down))
        let hi = min(w - 1, ((-q + root) / p + blob.cx - 0.5).rounded(.up))
        guard lo <= hi else { return }
        let colour = blob.colour, opacity = blob.opacity, hardness = blob.hardness
        for x in Int(lo)...Int(hi) {
            let dx = Float(x) + 0.5 - blob.cx
            let d2 = (p * dx + 2 * q) * dx + r
            guard d2 < 1 else { continue }
            let f = min(1, (1 - d2) * hardness)
            let a = f * f * opacity
            if blob.additive {
                R[x] += colour.r * a
                G[x] += colour.g * a
                B[x] += colour.b * a
            } else {
                R[x] += (colour.r - R[x]) * a
                G[x] += (colour.g - G[x]) * a
                B[x] += (colour.b - B[x]) * a
            }
        }
    }
}
