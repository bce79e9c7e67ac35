import CImageCodecs

/// PNG via libpng's simplified API (which handles libpng's setjmp errors internally).
public enum PNGCodec {
    public enum Compression: Sendable {
        /// No row filters, zlib level 3: ~35 ms for 1440x1440, files ~25% larger than `.small`.
        case fast
        /// Adaptive row filters, default zlib level: ~7x slower, smallest files.
        case small
    }

    /// Encodes as 8-bit RGBA PNG. Deterministic: the same pixels and compression always give
    /// the same bytes.
    public static func encode(
        _ image: RGBAImage, compression: Compression = .fast
    ) throws(ImageCodecError) -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw .invalidImage("cannot encode an empty \(image.width)x\(image.height) image")
        }
        // PNG's own limit is 2^31-1; libpng's default user limit is 1,000,000 per side.
        guard image.width <= 1_000_000, image.height <= 1_000_000 else {
            throw .invalidImage("\(image.width)x\(image.height) is larger than PNG encoding allows")
        }
        let width = UInt32(image.width)
        let height = UInt32(image.height)
        // Worst-case size up front: a single compression pass, no retry with a bigger buffer.
        let capacity = cic_png_size_max_rgba(width, height)
        let out = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
        defer { out.deallocate() }
        var length = capacity
        var message = [CChar](repeating: 0, count: 128)
        let messageCapacity = message.count
        let status = image.pixels.withUnsafeBufferPointer { px in
            cic_png_write_rgba(
                px.baseAddress, width, height, compression == .fast ? 1 : 0,
                out.baseAddress, &length, &message, messageCapacity)
        }
        guard status == CIC_OK else {
            throw .encodingFailed(.png, detail: String(messageBuffer: message))
        }
        return Array(out[0..<length])
    }

    /// Decodes any PNG (all bit depths, palettes, interlacing, gamma) to 8-bit RGBA.
    /// Refuses images with more than `maxPixels` pixels before allocating pixel memory.
    public static func decode(
        _ bytes: [UInt8], maxPixels: Int = ImageCodecLimits.defaultMaxPixels
    ) throws(ImageCodecError) -> RGBAImage {
        guard !bytes.isEmpty else { throw .empty }
        let signature = ImageFormat.pngSignature
        guard bytes.starts(with: signature) else {
            if bytes.count < signature.count, signature.starts(with: bytes) {
                throw .truncated(.png, detail: "only \(bytes.count) bytes")
            }
            throw .wrongFormat(expected: .png, detected: ImageFormat.sniff(bytes))
        }
        // IHDR must be the first chunk; checking it here refuses a huge image even when the file
        // is cut right after the header (libpng would report that as truncation first).
        if bytes.count >= 24, bytes[12..<16].elementsEqual(Array("IHDR".utf8)) {
            let width = bigEndian32(bytes, at: 16)
            let height = bigEndian32(bytes, at: 20)
            if exceedsLimit(width, height, maxPixels) {
                throw .tooLarge(.png, width: width, height: height, maxPixels: maxPixels)
            }
        }
        let result: Result<RGBAImage, ImageCodecError> = bytes.withUnsafeBufferPointer { src in
            var png = png_image()
            // Safe in every state: a no-op once libpng has freed its control structure.
            defer { png_image_free(&png) }
            guard cic_png_begin_read(&png, src.baseAddress, src.count) == CIC_OK else {
                return .failure(error(from: png))
            }
            let width = Int(png.width)
            let height = Int(png.height)
            guard !exceedsLimit(width, height, maxPixels) else {
                return .failure(.tooLarge(.png, width: width, height: height, maxPixels: maxPixels))
            }
            var ok = false
            let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 4) { buf, count in
                ok = cic_png_finish_read_rgba(&png, buf.baseAddress) == CIC_OK
                count = ok ? width * height * 4 : 0
            }
            guard ok else { return .failure(error(from: png)) }
            return .success(RGBAImage(width: width, height: height, pixels: pixels))
        }
        return try result.get()
    }

    private static func error(from png: png_image) -> ImageCodecError {
        let message = withUnsafeBytes(of: png.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let lower = message.lowercased()
        // libpng's wording for running out of input while reading from memory.
        if lower.contains("end of data") || lower.contains("not enough") || lower.contains("truncated") {
            return .truncated(.png, detail: message)
        }
        return .corrupt(.png, detail: message.isEmpty ? "unknown libpng error" : message)
    }

    private static func bigEndian32(_ bytes: [UInt8], at offset: Int) -> Int {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }
}
