import ImageCodec
import Testing

/// Decoding of format variants that real inputs use but our own encoders never write.
@Suite struct FixtureDecodingTests {
    @Test func sixteenBitPNGIsReducedTo8Bit() throws {
        let image = try PNGCodec.decode(Fixtures.rgb16PNG)
        #expect(image.width == 4 && image.height == 2)
        #expect(image[0, 0] == .init(r: 255, g: 0, b: 0))
        #expect(image[3, 0] == .init(r: 10, g: 20, b: 30))
        #expect(image[3, 1] == .init(r: 128, g: 64, b: 32))
    }

    @Test func palettePNGWithTransparencyExpands() throws {
        let image = try PNGCodec.decode(Fixtures.palettePNG)
        #expect(image[0, 0] == .init(r: 255, g: 0, b: 0, a: 255))
        #expect(image[1, 0] == .init(r: 0, g: 255, b: 0, a: 128))
        #expect(image[2, 0].a == 0)
        #expect(image[3, 0] == .init(r: 9, g: 8, b: 7, a: 255))
    }

    @Test func greyPNGsBecomeRGBA() throws {
        let grey = try PNGCodec.decode(Fixtures.grayPNG)
        #expect(grey[1, 0] == .init(r: 50, g: 50, b: 50))
        #expect(grey[0, 1] == .init(r: 200, g: 200, b: 200))
        let greyAlpha = try PNGCodec.decode(Fixtures.grayalphaPNG)
        #expect(greyAlpha[0, 0] == .init(r: 10, g: 10, b: 10, a: 255))
        #expect(greyAlpha[0, 1] == .init(r: 30, g: 30, b: 30, a: 128))
    }

    private func expectQuadrants(_ image: RGBAImage, tolerance: Int = 10) {
        #expect(image.width == 16 && image.height == 16)
        for (i, expected) in TestImages.quadrants.enumerated() {
            let got = image[(i % 2) * 8 + 4, (i / 2) * 8 + 4]
            let error = max(
                abs(Int(got.r) - Int(expected.r)), abs(Int(got.g) - Int(expected.g)), abs(Int(got.b) - Int(expected.b)))
            #expect(error <= tolerance, "quadrant \(i): \(got) vs \(expected)")
            #expect(got.a == 255)
        }
    }

    @Test func progressiveJPEG() throws {
        expectQuadrants(try JPEGCodec.decode(Fixtures.progressiveJPEG))
    }

    @Test func adobeCMYKJPEG() throws {
        expectQuadrants(try JPEGCodec.decode(Fixtures.cmykJPEG))
    }

    @Test func greyscaleJPEG() throws {
        let image = try JPEGCodec.decode(Fixtures.grayJPEG)
        #expect(image.width == 16 && image.height == 16 && image.isOpaque)
        for x in [1, 6, 9, 14] {
            let p = image[x, 4]
            #expect(p.r == p.g && p.g == p.b)
            #expect(abs(Int(p.r) - x * 16) <= 6, "x=\(x): \(p)")
        }
    }

    @Test func truncatedVariantsStillFailCleanly() {
        for bytes in [Fixtures.progressiveJPEG, Fixtures.cmykJPEG, Fixtures.grayJPEG] {
            #expect(throws: ImageCodecError.self) { try JPEGCodec.decode(Array(bytes.prefix(bytes.count / 2))) }
        }
        for bytes in [Fixtures.rgb16PNG, Fixtures.palettePNG] {
            #expect(throws: ImageCodecError.self) { try PNGCodec.decode(Array(bytes.prefix(bytes.count - 20))) }
        }
    }
}
