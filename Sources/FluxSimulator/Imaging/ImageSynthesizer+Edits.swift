import ImageCodec

/// Stand-ins for the editing endpoints, so a result visibly derives from its inputs.
extension ImageSynthesizer {
    private static let referenceSalt: UInt64 = 0x72_6566_6572

    /// Outpainting: `image` on a canvas grown by the given margins, the margins painted like a
    /// fill of transparent pixels (the pattern tinted towards the image's colours). The original
    /// pixels stay exactly as they were (made opaque).
    public static func expand(image: RGBAImage, top: Int, bottom: Int, left: Int, right: Int,
                              prompt: String, seed: Int) -> RGBAImage {
        let top = max(top, 0), bottom = max(bottom, 0), left = max(left, 0), right = max(right, 0)
        var canvas = RGBAImage(width: image.width + left + right, height: image.height + top + bottom)
        for y in 0..<image.height {
            for x in 0..<image.width {
                var pixel = image[x, y]
                pixel.a = 255
                canvas[x + left, y + top] = pixel
            }
        }
        return fill(image: canvas, mask: nil, prompt: prompt, seed: seed)
    }

    /// Reference-guided generation (Kontext, FLUX.2 with input images): the first reference
    /// scaled to the output size carries most of the picture, the prompt's pattern and the other
    /// references (each scaled over the whole canvas) are blended in.
    public static func reference(inputs: [RGBAImage], prompt: String, seed: Int, width: Int, height: Int) -> RGBAImage {
        let generated = generate(prompt: prompt, seed: seed ^ Int(bitPattern: UInt(referenceSalt)), width: width, height: height)
        guard !inputs.isEmpty, width > 0, height > 0 else { return generated }
        let scaled = inputs.map { $0.width == width && $0.height == height ? $0 : ImageScaler.scale($0, toWidth: width, height: height) }
        // Weights out of 256: the main reference 150, the pattern 60, the others share 46.
        let others = Array(scaled.dropFirst())
        let otherWeight = others.isEmpty ? 0 : 46 / others.count
        let mainWeight = 256 - 60 - otherWeight * others.count
        var out = generated
        out.withUnsafeMutablePixels { o in
            for i in 0..<(width * height * 4) where i % 4 != 3 {
                var sum = Int(scaled[0].pixels[i]) * mainWeight + Int(o[i]) * 60
                for other in others { sum += Int(other.pixels[i]) * otherWeight }
                o[i] = UInt8(min(255, (sum + 128) >> 8))
            }
        }
        return out
    }
}
