import ImageCodec
import Testing

@Suite struct PNGCodecTests {
    @Test(arguments: [PNGCodec.Compression.fast, .small])
    func roundTripKeepsExactPixelsAndAlpha(compression: PNGCodec.Compression) throws {
        for image in [TestImages.quadrantImage(), TestImages.quadrantImage(alpha: 77), TestImages.gradient(width: 37, height: 23)] {
            let bytes = try PNGCodec.encode(image, compression: compression)
            #expect(ImageFormat.sniff(bytes) == .png)
            let decoded = try PNGCodec.decode(bytes)
            #expect(decoded == image)
        }
    }

    @Test func encodingIsDeterministic() throws {
        let image = TestImages.gradient(width: 64, height: 48)
        #expect(try PNGCodec.encode(image) == PNGCodec.encode(image))
        #expect(try PNGCodec.encode(image, compression: .small) == PNGCodec.encode(image, compression: .small))
    }

    @Test func emptyInputThrows() {
        #expect(throws: ImageCodecError.empty) { try PNGCodec.decode([]) }
    }

    @Test func garbageIsNotAPNG() {
        #expect(throws: ImageCodecError.wrongFormat(expected: .png, detected: nil)) {
            try PNGCodec.decode(Array("hello, this is not an image".utf8))
        }
    }

    @Test func jpegBytesAreReportedAsJPEG() throws {
        let jpeg = try JPEGCodec.encode(TestImages.quadrantImage())
        #expect(throws: ImageCodecError.wrongFormat(expected: .png, detected: .jpeg)) {
            try PNGCodec.decode(jpeg)
        }
    }

    @Test(arguments: [4, 20, 33, 60, 0.5, 0.9] as [Double])
    func truncatedDataThrowsTruncated(cut: Double) throws {
        let bytes = try PNGCodec.encode(TestImages.gradient(width: 64, height: 64))
        let length = cut < 1 ? Int(Double(bytes.count) * cut) : Int(cut)
        do {
            _ = try PNGCodec.decode(Array(bytes.prefix(length)))
            Issue.record("decoding \(length) of \(bytes.count) bytes should fail")
        } catch {
            guard case .truncated = error else {
                Issue.record("expected .truncated for \(length) bytes, got \(error)")
                return
            }
            #expect(error.description.contains("truncated"))
        }
    }

    @Test func corruptedDataThrowsWithoutCrashing() throws {
        var bytes = try PNGCodec.encode(TestImages.gradient(width: 64, height: 64))
        // Flip bytes inside the IDAT payload: the CRC or zlib stream check fails.
        for i in stride(from: 60, to: bytes.count - 20, by: 7) { bytes[i] ^= 0x5A }
        #expect(throws: ImageCodecError.self) { try PNGCodec.decode(bytes) }
    }

    @Test func hugeDeclaredSizeIsRefusedBeforeAllocating() {
        // 100000 x 100000 RGBA would be 40 GB: decoding it at all would crash the test run.
        for withIDAT in [true, false] {
            let bytes = TestImages.pngHeader(width: 100_000, height: 100_000, withIDAT: withIDAT)
            #expect(throws: ImageCodecError.tooLarge(.png, width: 100_000, height: 100_000, maxPixels: 40_000_000)) {
                try PNGCodec.decode(bytes)
            }
        }
    }

    @Test func maximalDeclaredSizeDoesNotOverflow() {
        // 2^32-1 squared overflows Int64; the check must not trap.
        let bytes = TestImages.pngHeader(width: 0xFFFF_FFFF, height: 0xFFFF_FFFF, withIDAT: true)
        #expect(throws: ImageCodecError.self) { try PNGCodec.decode(bytes) }
        let huge = ImageCodecError.tooLarge(.png, width: Int(UInt32.max), height: Int(UInt32.max), maxPixels: 1)
        #expect(huge.description == "PNG image is too large: 4294967295x4294967295, the limit is 1 pixels")
    }

    @Test func pixelLimitIsConfigurable() throws {
        let bytes = try PNGCodec.encode(TestImages.gradient(width: 20, height: 10))
        #expect(throws: ImageCodecError.tooLarge(.png, width: 20, height: 10, maxPixels: 199)) {
            try PNGCodec.decode(bytes, maxPixels: 199)
        }
        #expect(try PNGCodec.decode(bytes, maxPixels: 200).width == 20)
    }

    @Test func errorMessagesAreReadable() {
        let error = ImageCodecError.tooLarge(.png, width: 100_000, height: 100_000, maxPixels: 40_000_000)
        #expect(error.description
            == "PNG image is too large: 100000x100000 (10000000000 pixels), the limit is 40000000 pixels")
        #expect(ImageCodecError.wrongFormat(expected: .png, detected: .jpeg).description
            == "not a PNG image (the data looks like JPEG)")
    }

    @Test func emptyImageCannotBeEncoded() {
        #expect(throws: ImageCodecError.self) { try PNGCodec.encode(RGBAImage(width: 0, height: 5)) }
    }
}
