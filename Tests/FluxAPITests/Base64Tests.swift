import Foundation
import Testing

@testable import FluxAPI

/// The request body's base64 must be byte for byte what Foundation writes (RFC 4648, "=" padding,
/// no line breaks): the encoder is ours only for speed.
struct Base64Tests {
    func ours(_ bytes: [UInt8], after prefix: String = "") -> Data {
        var out = Data(prefix.utf8)
        bytes.withUnsafeBytes { Base64.append($0, to: &out) }
        return out
    }

    @Test func everyLengthAroundTheBlockSizesMatchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(ours(bytes) == Data(bytes).base64EncodedData(), "length \(length)")
        }
    }

    @Test func knownVectors() {
        // RFC 4648 section 10.
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(String(decoding: ours(Array(plain.utf8)), as: UTF8.self) == encoded)
        }
        #expect(String(decoding: ours([0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0xFA, 0x00, 0x3E, 0x3F]), as: UTF8.self) == "//79/Pv6AD4/")
    }

    @Test func appendsAfterExistingBytesAndMatchesFoundationOnALargeBuffer() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let bytes = (0..<1_000_003).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let out = ours(bytes, after: "{\"image\":\"")
        #expect(out.prefix(10) == Data("{\"image\":\"".utf8))
        #expect(out.dropFirst(10) == Data(bytes).base64EncodedData())
    }
}
