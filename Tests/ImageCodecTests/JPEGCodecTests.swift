import ImageCodec
import Testing

@Suite struct JPEGCodecTests {
    @Test func roundTripKeepsColoursWithinTolerance() throws {
        let image = TestImages.quadrantImage()
        let bytes = try JPEGCodec.encode(image, quality: 90)
        #expect(ImageFormat.sniff(bytes) == .jpeg)
        let decoded = try JPEGCodec.decode(bytes)
        #expect(decoded.width == 16 && decoded.height == 16)
        // Sample quadrant centres, away from the chroma-subsampled boundaries.
        for (i, expected) in TestImages.quadrants.enumerated() {
            let got = decoded[(i % 2) * 8 + 4, (i / 2) * 8 + 4]
            #expect(abs(Int(got.r) - Int(expected.r)) <= 8, "quadrant \(i): \(got) vs \(expected)")
            #expect(abs(Int(got.g) - Int(expected.g)) <= 8, "quadrant \(i): \(got) vs \(expected)")
            #expect(abs(Int(got.b) - Int(expected.b)) <= 8, "quadrant \(i): \(got) vs \(expected)")
            #expect(got.a == 255)
        }
    }

    @Test func alphaIsDroppedAndDecodedOpaque() throws {
        let decoded = try JPEGCodec.decode(JPEGCodec.encode(TestImages.quadrantImage(alpha: 10)))
        #expect(decoded.isOpaque)
    }

    @Test func oddSizesRoundTrip() throws {
        let image = TestImages.gradient(width: 33, height: 17)
        let decoded = try JPEGCodec.decode(JPEGCodec.encode(image))
        #expect(decoded.width == 33 && decoded.height == 17)
    }

    @Test func encodingIsDeterministic() throws {
        let image = TestImages.gradient(width: 64, height: 48)
        #expect(try JPEGCodec.encode(image, quality: 90) == JPEGCodec.encode(image, quality: 90))
        #expect(try JPEGCodec.encode(image, quality: 90) != JPEGCodec.encode(image, quality: 40))
    }

    @Test func emptyInputThrows() {
        #expect(throws: ImageCodecError.empty) { try JPEGCodec.decode([]) }
    }

    @Test func garbageIsNotAJPEG() throws {
        #expect(throws: ImageCodecError.wrongFormat(expected: .jpeg, detected: nil)) {
            try JPEGCodec.decode([1, 2, 3, 4, 5, 6, 7, 8, 9])
        }
        let png = try PNGCodec.encode(TestImages.quadrantImage())
        #expect(throws: ImageCodecError.wrongFormat(expected: .jpeg, detected: .png)) {
            try JPEGCodec.decode(png)
        }
    }

    @Test(arguments: [2, 3, 10, 100, 300, 0.5, 0.95] as [Double])
    func truncatedDataThrowsTruncated(cut: Double) throws {
        let bytes = try JPEGCodec.encode(TestImages.gradient(width: 64, height: 64))
        let length = cut < 1 ? Int(Double(bytes.count) * cut) : Int(cut)
        do {
            _ = try JPEGCodec.decode(Array(bytes.prefix(length)))
            Issue.record("decoding \(length) of \(bytes.count) bytes should fail")
        } catch {
            guard case .truncated = error else {
                Issue.record("expected .truncated for \(length) bytes, got \(error)")
                return
            }
        }
    }

    @Test func garbageAfterTheMarkerThrowsWithoutCrashing() {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF]
        var state: UInt32 = 12345
        for _ in 0..<2000 {
            state = state &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(state >> 24))
        }
        #expect(throws: ImageCodecError.self) { try JPEGCodec.decode(bytes) }
    }

    @Test func pixelLimitRefusesBeforeDecoding() throws {
        let bytes = try JPEGCodec.encode(TestImages.gradient(width: 40, height: 30))
        #expect(throws: ImageCodecError.tooLarge(.jpeg, width: 40, height: 30, maxPixels: 1000)) {
            try JPEGCodec.decode(bytes, maxPixels: 1000)
        }
    }

    @Test func genericDecoderDispatchesOnFormat() throws {
        let image = TestImages.quadrantImage()
        #expect(try ImageDecoder.decode(PNGCodec.encode(image)) == image)
        #expect(try ImageDecoder.decode(JPEGCodec.encode(image)).width == 16)
        #expect(throws: ImageCodecError.unsupported(.webp)) {
            try ImageDecoder.decode(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8))
        }
        #expect(throws: ImageCodecError.empty) { try ImageDecoder.decode([]) }
        #expect(throws: ImageCodecError.unrecognizedFormat) { try ImageDecoder.decode([0, 1, 2]) }
    }
}
