import ImageCodec

/// Deterministic stand-in images for the simulator: the same prompt and seed always give the
/// same pixels on any machine (plain IEEE arithmetic, no Hasher, no libm), and the same encoded
/// bytes with the same libpng/libjpeg build. Pure Swift, no Foundation.
public enum ImageSynthesizer {
    // Salts so each operation draws from its own stream for the same prompt and seed.
    private static let fillSalt: UInt64 = 0x66_696C_6C
    private static let cannySalt: UInt64 = 0x63_616E_6E79
    private static let depthSalt: UInt64 = 0x64_6570_7468

    /// An abstract picture (sky gradient, soft shapes, a wavy horizon) derived from a stable
    /// hash of `prompt` and `seed`. Opaque. Zero or negative sizes give an empty image.
    public static func generate(prompt: String, seed: Int, width: Int, height: Int) -> RGBAImage {
        let width = max(width, 0), height = max(height, 0)
        var rng = PromptRandom(prompt: prompt, seed: seed)
        let scene = makeScene(rng: &rng, width: width, height: height)
        return render(scene, width: width, height: height)
    }

    /// Inpainting: keeps `image` where `mask` is black, paints the generated pattern where it is
    /// white, and blends in between (grey = partial). The mask is scaled to the image if sizes
    /// differ; its luminance times its alpha is the repaint amount. Without a mask, the image's
    /// own alpha decides: transparent pixels are repainted and the result is opaque.
    /// The painted pattern is pulled towards the kept pixels' average colour so it blends in.
    public static func fill(image: RGBAImage, mask: RGBAImage?, prompt: String, seed: Int) -> RGBAImage {
        let width = image.width, height = image.height
        let count = image.pixelCount
        guard count > 0 else { return image }
        let amounts = repaintAmounts(image: image, mask: mask)
        var generated = generate(prompt: prompt, seed: seed ^ Int(bitPattern: UInt(fillSalt)), width: width, height: height)

        // Average colour of what is kept, to tint the new content.
        var sum: (r: Int, g: Int, b: Int, n: Int) = (0, 0, 0, 0)
        image.pixels.withUnsafeBufferPointer { px in
            for i in 0..<count where amounts[i] < 128 {
                sum.r += Int(px[i * 4])
                sum.g += Int(px[i * 4 + 1])
                sum.b += Int(px[i * 4 + 2])
                sum.n += 1
            }
        }
        if sum.n > 0 {
            let mean = (Float(sum.r) / Float(sum.n), Float(sum.g) / Float(sum.n), Float(sum.b) / Float(sum.n))
            generated.withUnsafeMutablePixels { g in
                for i in 0..<count {
                    let p = i * 4
                    g[p] = byte(Float(g[p]) * 0.6 + mean.0 * 0.4)
                    g[p + 1] = byte(Float(g[p + 1]) * 0.6 + mean.1 * 0.4)
                    g[p + 2] = byte(Float(g[p + 2]) * 0.6 + mean.2 * 0.4)
                }
            }
        }

        var out = image
        let alphaMode = mask == nil
        out.withUnsafeMutablePixels { o in
            generated.pixels.withUnsafeBufferPointer { g in
                for i in 0..<count {
                    // Integer blend: amount 0 leaves the byte exactly as it was, 255 takes `g`.
                    let m = Int(amounts[i])
                    guard m > 0 else { continue }
                    let keep = 255 - m
                    let p = i * 4
                    o[p] = UInt8((Int(o[p]) * keep + Int(g[p]) * m + 127) / 255)
                    o[p + 1] = UInt8((Int(o[p + 1]) * keep + Int(g[p + 1]) * m + 127) / 255)
                    o[p + 2] = UInt8((Int(o[p + 2]) * keep + Int(g[p + 2]) * m + 127) / 255)
                    o[p + 3] = alphaMode ? 255 : UInt8((Int(o[p + 3]) * keep + 255 * m + 127) / 255)
                }
            }
        }
        return out
    }

    /// How much of each pixel to repaint, 0...255.
    private static func repaintAmounts(image: RGBAImage, mask: RGBAImage?) -> [UInt8] {
        let count = image.pixelCount
        guard let mask else {
            return (0..<count).map { 255 - image.pixels[$0 * 4 + 3] }
        }
        let fitted = (mask.width == image.width && mask.height == image.height)
            ? mask : ImageScaler.scale(mask, toWidth: image.width, height: image.height)
        return fitted.pixels.withUnsafeBufferPointer { px in
            (0..<count).map { i in
                let p = i * 4
                let luma = (77 * Int(px[p]) + 150 * Int(px[p + 1]) + 29 * Int(px[p + 2]) + 128) >> 8
                return UInt8((luma * Int(px[p + 3]) + 127) / 255)
            }
        }
    }

    /// A Canny edge map of `control` (thresholds on the Sobel L1 magnitude, like the API's
    /// canny_low/high_threshold), drawn as bright seed-tinted lines over a dimmed pattern.
    /// Same size as `control`, opaque.
    public static func canny(
        control: RGBAImage, prompt: String = "", low: Int = 50, high: Int = 200, seed: Int
    ) -> RGBAImage {
        let width = control.width, height = control.height
        var rng = PromptRandom(prompt: prompt, seed: seed, salt: cannySalt)
        let edge = Colour(hue: rng.unit(), saturation: rng.float(0.2, 0.6), value: 1)
        let halo = edge.scaled(0.45)
        let edges = cannyEdges(control, low: low, high: high)
        var out = generate(prompt: prompt, seed: seed, width: width, height: height)
        out.withUnsafeMutablePixels { o in
            // Dim the backdrop so the edges dominate.
            for i in 0..<(width * height) {
                let p = i * 4
                o[p] = UInt8(Int(o[p]) * 3 / 16)
                o[p + 1] = UInt8(Int(o[p + 1]) * 3 / 16)
                o[p + 2] = UInt8(Int(o[p + 2]) * 3 / 16)
            }
            // Edges with a faint one-pixel halo, so they stay visible in downscaled previews.
            let haloR = byte(halo.r), haloG = byte(halo.g), haloB = byte(halo.b)
            func glow(_ i: Int) {
                guard !edges[i] else { return }
                let p = i * 4
                o[p] = max(o[p], haloR)
                o[p + 1] = max(o[p + 1], haloG)
                o[p + 2] = max(o[p + 2], haloB)
            }
            for y in 0..<height {
                for x in 0..<width where edges[y * width + x] {
                    let i = y * width + x
                    if x > 0 { glow(i - 1) }
                    if x < width - 1 { glow(i + 1) }
                    if y > 0 { glow(i - width) }
                    if y < height - 1 { glow(i + width) }
                    let p = i * 4
                    o[p] = byte(edge.r)
                    o[p + 1] = byte(edge.g)
                    o[p + 2] = byte(edge.b)
                }
            }
        }
        return out
    }

    /// A depth-map-like image: the control's blurred luminance (contrast-stretched, plus a
    /// gentle top-to-bottom ramp, as scenes are usually nearer at the bottom) mapped from a dark
    /// "far" colour to a light "near" colour tinted by the seed. Same size as `control`, opaque.
    public static func depth(control: RGBAImage, prompt: String = "", seed: Int) -> RGBAImage {
        let width = control.width, height = control.height
        let count = width * height
        guard count > 0 else { return RGBAImage(width: width, height: height) }
        var rng = PromptRandom(prompt: prompt, seed: seed, salt: depthSalt)
        let hue = rng.unit()
        let far = Colour(hue: hue, saturation: rng.float(0.3, 0.7), value: rng.float(0.04, 0.15))
        let near = Colour(hue: hue + rng.float(-0.1, 0.1), saturation: rng.float(0.0, 0.25), value: rng.float(0.9, 1))

        var lum = luminance(control)
        boxBlur(&lum, width: width, height: height, radius: max(1, min(width, height) / 48), passes: 3)
        var lo = Float.infinity, hi = -Float.infinity
        for v in lum {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        let stretch: Float = hi - lo > 1 ? 1 / (hi - lo) : 0
        var pixels = [UInt8](repeating: 255, count: count * 4)
        pixels.withUnsafeMutableBufferPointer { o in
            lum.withUnsafeBufferPointer { l in
                for y in 0..<height {
                    let ramp = height > 1 ? Float(y) / Float(height - 1) : 0.5
                    for x in 0..<width {
                        let i = y * width + x
                        let d = min(max(0.75 * (l[i] - lo) * stretch + 0.25 * ramp, 0), 1)
                        let p = i * 4
                        o[p] = byte(far.r + (near.r - far.r) * d)
                        o[p + 1] = byte(far.g + (near.g - far.g) * d)
                        o[p + 2] = byte(far.b + (near.b - far.b) * d)
                    }
                }
            }
        }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }

    /// Encodes for a result download. "jpeg"/"jpg" → JPEG quality 90, "png" → PNG.
    /// "webp": there is no WebP encoder in this build, so PNG bytes are returned with content
    /// type image/png (callers must use the returned content type, not the requested format).
    public static func encode(
        _ image: RGBAImage, format: String
    ) throws -> (bytes: [UInt8], contentType: String) {
        switch format.lowercased() {
        case "jpeg", "jpg": return (try JPEGCodec.encode(image, quality: 90), ImageFormat.jpeg.mimeType)
        case "png", "webp": return (try PNGCodec.encode(image), ImageFormat.png.mimeType)
        default: throw ImageSynthesizerError.unsupportedOutputFormat(format)
        }
    }

    /// Output size for an aspect ratio "W:H" at about `megapixels` (1 MP = 1024x1024, so 4 MP at
    /// 1:1 is 2048x2048, the ultra endpoint's size), each side rounded to a multiple of 32 (at
    /// least 32). Pass a smaller `megapixels` for faster simulated images. Nil if `ratio` is
    /// not two positive numbers separated by a colon or `megapixels` is not positive.
    public static func aspectSize(ratio: String, megapixels: Double = 4) -> (width: Int, height: Int)? {
        let parts = ratio.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let w = Double(parts[0].trimmingSpaces), let h = Double(parts[1].trimmingSpaces),
            w > 0, h > 0, w.isFinite, h.isFinite, megapixels > 0, megapixels.isFinite
        else { return nil }
        let area = megapixels * 1_048_576
        let width = (area * w / h).squareRoot()
        let height = area / width
        func round32(_ v: Double) -> Int { max(32, Int((v / 32).rounded()) * 32) }
        return (round32(width), round32(height))
    }
}

public enum ImageSynthesizerError: Error, Sendable, Hashable, CustomStringConvertible {
    case unsupportedOutputFormat(String)

    public var description: String {
        switch self {
        case .unsupportedOutputFormat(let format):
            return "unsupported output format \"\(format)\" (expected jpeg, png or webp)"
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
