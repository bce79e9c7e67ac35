import ImageCodec
import Testing

@Suite struct ImageFormatTests {
    @Test func sniffsMagicNumbers() {
        #expect(ImageFormat.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]) == .png)
        #expect(ImageFormat.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(ImageFormat.sniff(Array("RIFF\u{1}\u{2}\u{3}\u{4}WEBPVP8L".utf8)) == .webp)
    }

    @Test func rejectsNearMissesAndShortInput() {
        #expect(ImageFormat.sniff([UInt8]()) == nil)
        #expect(ImageFormat.sniff([0x89, 0x50, 0x4E, 0x47]) == nil)  // PNG signature cut short
        #expect(ImageFormat.sniff([0xFF, 0xD8]) == nil)
        #expect(ImageFormat.sniff(Array("RIFF\u{1}\u{2}\u{3}\u{4}WAVE".utf8)) == nil)
        #expect(ImageFormat.sniff(Array("GIF89a".utf8)) == nil)
    }

    @Test func sniffsEncoderOutputAndSlices() throws {
        let image = TestImages.quadrantImage()
        let png = try PNGCodec.encode(image)
        #expect(ImageFormat.sniff(png[...]) == .png)
        #expect(ImageFormat.sniff(try JPEGCodec.encode(image)) == .jpeg)
    }

    @Test func mimeTypes() {
        #expect(ImageFormat.png.mimeType == "image/png")
        #expect(ImageFormat.jpeg.mimeType == "image/jpeg")
        #expect(ImageFormat.webp.mimeType == "image/webp")
    }
}
