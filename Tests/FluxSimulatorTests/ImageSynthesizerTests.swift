import FluxSimulator
import ImageCodec
import Testing

@Suite struct ImageSynthesizerTests {
    /// Mean absolute difference per channel (0...255) between two same-sized images.
    private func difference(_ a: RGBAImage, _ b: RGBAImage) -> Double {
        precondition(a.width == b.width && a.height == b.height)
        var total = 0
        for i in 0..<a.pixels.count { total += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
        return Double(total) / Double(a.pixels.count)
    }

    /// Left half dark, right half light, with a bright square in the middle.
    private func control(width: Int = 96, height: Int = 64, shift: Int = 0) -> RGBAImage {
        var image = RGBAImage(width: width, height: height, fill: .init(r: 30, g: 30, b: 30))
        for y in 0..<height {
            for x in 0..<width {
                if x >= width / 2 + shift { image[x, y] = .init(r: 200, g: 190, b: 180) }
                if abs(x - width / 2) < 10 && abs(y - height / 2) < 10 { image[x, y] = .white }
            }
        }
        return image
    }

    @Test func generateIsDeterministicDownToTheEncodedBytes() throws {
        let a = ImageSynthesizer.generate(prompt: "a lighthouse at dusk", seed: 42, width: 160, height: 96)
        let b = ImageSynthesizer.generate(prompt: "a lighthouse at dusk", seed: 42, width: 160, height: 96)
        #expect(a == b)
        #expect(a.width == 160 && a.height == 96 && a.isOpaque)
        for format in ["png", "jpeg"] {
            #expect(try ImageSynthesizer.encode(a, format: format).bytes == ImageSynthesizer.encode(b, format: format).bytes)
        }
    }

    @Test func differentSeedsAndPromptsGiveVisiblyDifferentImages() {
        let base = ImageSynthesizer.generate(prompt: "a lighthouse", seed: 1, width: 128, height: 96)
        for seed in [2, 3, -1, Int.max] {
            let other = ImageSynthesizer.generate(prompt: "a lighthouse", seed: seed, width: 128, height: 96)
            #expect(difference(base, other) > 12, "seed \(seed) looks too similar to seed 1")
        }
        let otherPrompt = ImageSynthesizer.generate(prompt: "a lighthouse!", seed: 1, width: 128, height: 96)
        #expect(difference(base, otherPrompt) > 12)
    }

    @Test func generatedImagesAreNotFlat() {
        let image = ImageSynthesizer.generate(prompt: "anything", seed: 7, width: 64, height: 64)
        let distinct = Set(stride(from: 0, to: image.pixels.count, by: 4).map { image.pixels[$0] })
        #expect(distinct.count > 20)
    }

    @Test func degenerateSizesDoNotCrash() {
        #expect(ImageSynthesizer.generate(prompt: "", seed: 0, width: 0, height: 10).pixels.isEmpty)
        #expect(ImageSynthesizer.generate(prompt: "", seed: 0, width: -5, height: 10).pixels.isEmpty)
        #expect(ImageSynthesizer.generate(prompt: "", seed: 0, width: 1, height: 1).pixels.count == 4)
        #expect(ImageSynthesizer.canny(control: RGBAImage(width: 2, height: 1), seed: 0).width == 2)
        #expect(ImageSynthesizer.depth(control: RGBAImage(width: 0, height: 0), seed: 0).pixels.isEmpty)
    }

    @Test func fillKeepsBlackMaskPixelsAndRepaintsWhiteOnes() {
        let image = control()
        var mask = RGBAImage(width: image.width, height: image.height, fill: .black)
        for y in 10..<40 { for x in 20..<60 { mask[x, y] = .white } }
        let out = ImageSynthesizer.fill(image: image, mask: mask, prompt: "a door", seed: 5)
        var changed = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                if mask[x, y] == .black {
                    #expect(out[x, y] == image[x, y], "masked-out pixel (\(x), \(y)) changed")
                } else if out[x, y] != image[x, y] {
                    changed += 1
                }
            }
        }
        #expect(changed > 30 * 40 / 2, "only \(changed) of the white-mask pixels were repainted")
        #expect(out == ImageSynthesizer.fill(image: image, mask: mask, prompt: "a door", seed: 5))
    }

    @Test func fillScalesAMaskOfAnotherSize() {
        let image = control()
        var mask = RGBAImage(width: image.width / 2, height: image.height / 2, fill: .black)
        for y in 0..<mask.height { for x in mask.width / 2..<mask.width { mask[x, y] = .white } }
        let out = ImageSynthesizer.fill(image: image, mask: mask, prompt: "p", seed: 1)
        #expect(out.width == image.width && out.height == image.height)
        for y in 0..<image.height { #expect(out[3, y] == image[3, y]) }
    }

    @Test func fillWithoutMaskRepaintsTransparentPixels() {
        var image = control()
        for y in 0..<image.height { for x in 0..<20 { image[x, y] = .clear } }
        let out = ImageSynthesizer.fill(image: image, mask: nil, prompt: "sky", seed: 9)
        #expect(out.isOpaque)
        for y in 0..<image.height { for x in 20..<image.width { #expect(out[x, y] == image[x, y]) } }
        let repainted = (0..<image.height).filter { out[5, $0] != .init(r: 0, g: 0, b: 0) }
        #expect(repainted.count == image.height)
    }

    @Test func cannyFollowsTheControlImage() {
        let a = ImageSynthesizer.canny(control: control(), low: 50, high: 200, seed: 3)
        let b = ImageSynthesizer.canny(control: control(shift: 20), low: 50, high: 200, seed: 3)
        let flat = ImageSynthesizer.canny(
            control: RGBAImage(width: 96, height: 64, fill: .init(r: 90, g: 90, b: 90)), low: 50, high: 200, seed: 3)
        #expect(a.width == 96 && a.height == 64 && a.isOpaque)
        #expect(a != b)
        // The flat control has no edges, so it is just the dimmed backdrop: darker overall.
        let brightness = { (image: RGBAImage) in image.pixels.reduce(0) { $0 + Int($1) } }
        #expect(brightness(a) > brightness(flat))
        #expect(a == ImageSynthesizer.canny(control: control(), low: 50, high: 200, seed: 3))
        // An edge pixel of the dark/light boundary is brighter than a point far from any edge.
        let edgeColumn = (44..<52).map { a[$0, 5] }.max { $0.g < $1.g }!
        #expect(Int(edgeColumn.g) > Int(a[10, 5].g) + 100)
    }

    @Test func cannyThresholdsMatter() {
        // A soft step is only an edge with a low threshold.
        var soft = RGBAImage(width: 64, height: 32, fill: .init(r: 100, g: 100, b: 100))
        for y in 0..<32 { for x in 32..<64 { soft[x, y] = .init(r: 120, g: 120, b: 120) } }
        let sensitive = ImageSynthesizer.canny(control: soft, low: 20, high: 40, seed: 1)
        let strict = ImageSynthesizer.canny(control: soft, low: 100, high: 300, seed: 1)
        #expect(sensitive != strict)
    }

    @Test func depthDerivesFromTheControlImage() {
        let a = ImageSynthesizer.depth(control: control(), seed: 4)
        let b = ImageSynthesizer.depth(control: control(shift: 25), seed: 4)
        #expect(a.width == 96 && a.height == 64 && a.isOpaque)
        #expect(difference(a, b) > 3)
        // Bright control regions read as near (light), dark ones as far (dark).
        #expect(Int(a[90, 32].r) + Int(a[90, 32].g) > Int(a[5, 32].r) + Int(a[5, 32].g) + 60)
        #expect(a == ImageSynthesizer.depth(control: control(), seed: 4))
    }

    @Test func encodeReturnsMatchingContentTypes() throws {
        let image = ImageSynthesizer.generate(prompt: "x", seed: 1, width: 64, height: 32)
        let jpeg = try ImageSynthesizer.encode(image, format: "jpeg")
        #expect(jpeg.contentType == "image/jpeg" && ImageFormat.sniff(jpeg.bytes) == .jpeg)
        let png = try ImageSynthesizer.encode(image, format: "png")
        #expect(png.contentType == "image/png" && ImageFormat.sniff(png.bytes) == .png)
        #expect(try PNGCodec.decode(png.bytes) == image)
        // No WebP encoder: PNG bytes, honestly labelled.
        let webp = try ImageSynthesizer.encode(image, format: "webp")
        #expect(webp.contentType == "image/png" && ImageFormat.sniff(webp.bytes) == .png)
        #expect(throws: ImageSynthesizerError.unsupportedOutputFormat("gif")) {
            try ImageSynthesizer.encode(image, format: "gif")
        }
    }

    @Test func aspectSizesAreMultiplesOf32NearTheRequestedArea() throws {
        let square = try #require(ImageSynthesizer.aspectSize(ratio: "1:1"))
        #expect(square == (2048, 2048))
        for ratio in ["16:9", "9:16", "21:9", "9:21", "4:3", "3:2", "1:1"] {
            let size = try #require(ImageSynthesizer.aspectSize(ratio: ratio, megapixels: 4))
            #expect(size.width % 32 == 0 && size.height % 32 == 0)
            let area = Double(size.width * size.height) / 1_048_576
            #expect(area > 3.7 && area < 4.3, "\(ratio): \(size)")
            let parts = ratio.split(separator: ":").map { Double($0)! }
            let aspect = Double(size.width) / Double(size.height)
            #expect(abs(aspect - parts[0] / parts[1]) / (parts[0] / parts[1]) < 0.03, "\(ratio): \(size)")
        }
        let landscape = try #require(ImageSynthesizer.aspectSize(ratio: "16:9", megapixels: 1))
        #expect(landscape.width > landscape.height)
        #expect(ImageSynthesizer.aspectSize(ratio: "1:1", megapixels: 0.25)! == (512, 512))
        #expect(ImageSynthesizer.aspectSize(ratio: "1:1000", megapixels: 0.01)!.width == 32)
    }

    @Test(arguments: ["", "16", "16:", ":9", "a:b", "0:1", "-1:2", "16:9:1"])
    func invalidAspectRatiosAreRejected(ratio: String) {
        #expect(ImageSynthesizer.aspectSize(ratio: ratio) == nil)
    }
}
