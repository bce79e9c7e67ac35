import ImageCodec
import Testing

/// Randomly damaged files must produce an error or an image, never a crash or a hang.
@Suite struct CorruptionTests {
    @Test func mutatedFilesNeverCrash() throws {
        let image = TestImages.gradient(width: 40, height: 30)
        let originals = [
            try PNGCodec.encode(image), try PNGCodec.encode(image, compression: .small),
            try JPEGCodec.encode(image), Fixtures.progressiveJPEG, Fixtures.cmykJPEG, Fixtures.palettePNG,
        ]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func random(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        var failures = 0
        for i in 0..<600 {
            var bytes = originals[i % originals.count]
            switch random(3) {
            case 0: bytes = Array(bytes.prefix(random(bytes.count)))
            case 1: for _ in 0...random(8) { bytes[random(bytes.count)] = UInt8(random(256)) }
            default: bytes.insert(contentsOf: (0..<random(40)).map { _ in UInt8(random(256)) }, at: random(bytes.count))
            }
            do {
                let decoded = try ImageDecoder.decode(bytes, maxPixels: 1_000_000)
                #expect(decoded.pixels.count == decoded.width * decoded.height * 4)
            } catch {
                failures += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(failures > 300)
    }
}
