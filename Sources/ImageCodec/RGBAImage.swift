/// A decoded image: tightly packed 8-bit RGBA (sRGB, straight alpha), rows top to bottom.
///
/// `pixels.count == width * height * 4` always holds; the pixel array can be changed in place
/// but never resized, so code that walks the buffer may rely on that.
public struct RGBAImage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var pixels: [UInt8]

    /// One pixel, straight (not premultiplied) alpha.
    public struct Pixel: Sendable, Hashable {
        public var r: UInt8
        public var g: UInt8
        public var b: UInt8
        public var a: UInt8

        public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8 = 255) {
            self.r = r
            self.g = g
            self.b = b
            self.a = a
        }

        public static let black = Pixel(r: 0, g: 0, b: 0)
        public static let white = Pixel(r: 255, g: 255, b: 255)
        public static let clear = Pixel(r: 0, g: 0, b: 0, a: 0)
    }

    /// - Precondition: `width, height >= 0` and `pixels.count == width * height * 4`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image size \(width)x\(height)")
        precondition(
            pixels.count == width * height * 4,
            "RGBAImage \(width)x\(height) needs \(width * height * 4) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image filled with one colour.
    public init(width: Int, height: Int, fill: Pixel = .clear) {
        precondition(width >= 0 && height >= 0, "negative image size \(width)x\(height)")
        let count = width * height
        var bytes = [UInt8](repeating: 0, count: count * 4)
        if fill != .clear {
            bytes.withUnsafeMutableBufferPointer { buf in
                for i in 0..<count {
                    buf[i &* 4] = fill.r
                    buf[i &* 4 &+ 1] = fill.g
                    buf[i &* 4 &+ 2] = fill.b
                    buf[i &* 4 &+ 3] = fill.a
                }
            }
        }
        self.init(width: width, height: height, pixels: bytes)
    }

    public var pixelCount: Int { width * height }

    public subscript(x: Int, y: Int) -> Pixel {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) out of bounds")
            let i = (y * width + x) * 4
            return Pixel(r: pixels[i], g: pixels[i + 1], b: pixels[i + 2], a: pixels[i + 3])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) out of bounds")
            let i = (y * width + x) * 4
            pixels[i] = newValue.r
            pixels[i + 1] = newValue.g
            pixels[i + 2] = newValue.b
            pixels[i + 3] = newValue.a
        }
    }

    /// Direct access to the bytes for bulk edits; the buffer cannot be resized.
    public mutating func withUnsafeMutablePixels<R>(
        _ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R
    ) rethrows -> R {
        try pixels.withUnsafeMutableBufferPointer { buf in try body(buf) }
    }

    /// True when every pixel has alpha 255.
    public var isOpaque: Bool {
        pixels.withUnsafeBufferPointer { buf in
            var i = 3
            while i < buf.count {
                if buf[i] != 255 { return false }
                i &+= 4
            }
            return true
        }
    }
}
