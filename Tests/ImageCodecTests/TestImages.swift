import ImageCodec

/// Small fixtures shared by the codec tests.
enum TestImages {
    /// 16x16 made of four flat 8x8 quadrants (8x8 aligns with JPEG blocks, so colours survive
    /// lossy coding closely).
    static let quadrants: [RGBAImage.Pixel] = [
        .init(r: 220, g: 30, b: 40),
        .init(r: 30, g: 200, b: 60),
        .init(r: 40, g: 60, b: 210),
        .init(r: 240, g: 230, b: 200),
    ]

    static func quadrantImage(alpha: UInt8 = 255) -> RGBAImage {
        var image = RGBAImage(width: 16, height: 16)
        for y in 0..<16 {
            for x in 0..<16 {
                var p = quadrants[(y / 8) * 2 + x / 8]
                p.a = alpha
                image[x, y] = p
            }
        }
        return image
    }

    /// A noisy-ish deterministic gradient, to exercise real compression.
    static func gradient(width: Int, height: Int) -> RGBAImage {
        var image = RGBAImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                image[x, y] = .init(
                    r: UInt8((x * 255) / max(width - 1, 1)),
                    g: UInt8((y * 255) / max(height - 1, 1)),
                    b: UInt8((x * 7 + y * 13) & 0xFF),
                    a: UInt8(255 - (x + y) % 64))
            }
        }
        return image
    }

    /// A CRC-32 (as used by PNG chunks), to craft valid headers by hand.
    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~crc
    }

    static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    /// A syntactically valid PNG start claiming `width` x `height` RGBA pixels.
    static func pngHeader(width: UInt32, height: UInt32, withIDAT: Bool) -> [UInt8] {
        let ihdr = be32(width) + be32(height) + [8, 6, 0, 0, 0]
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr)
        if withIDAT { bytes += chunk("IDAT", [0x78, 0x9C, 0x03, 0x00]) }
        return bytes
    }
}
