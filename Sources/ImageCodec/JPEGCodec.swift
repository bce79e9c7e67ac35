import CImageCodecs

/// JPEG via libjpeg-turbo; error longjmps are confined to the C helpers in CImageCodecs.
public enum JPEGCodec {
    /// Encodes as baseline JPEG (4:2:0 chroma). Alpha is dropped (JPEG has none).
    /// `quality` is clamped to 1...100. Deterministic for the same pixels and quality.
    public static func encode(_ image: RGBAImage, quality: Int = 90) throws(ImageCodecError) -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw .invalidImage("cannot encode an empty \(image.width)x\(image.height) image")
        }
        guard image.width <= 65_500, image.height <= 65_500 else {
            throw .invalidImage("\(image.width)x\(image.height) exceeds JPEG's 65500 pixel side limit")
        }
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let messageCapacity = message.count
        let status = image.pixels.withUnsafeBufferPointer { px in
            cic_jpeg_write_rgba(
                px.baseAddress, UInt32(image.width), UInt32(image.height), Int32(min(max(quality, 1), 100)),
                &out, &length, &message, messageCapacity)
        }
        guard status == CIC_OK, let out else {
            throw .encodingFailed(.jpeg, detail: String(messageBuffer: message))
        }
        defer { cic_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: length))
    }

    /// Decodes baseline and progressive JPEG (greyscale, YCbCr, CMYK) to RGBA with alpha 255.
    /// Refuses images with more than `maxPixels` pixels before allocating pixel memory.
    /// A file that ends early is an error (libjpeg would otherwise pad it with grey).
    public static func decode(
        _ bytes: [UInt8], maxPixels: Int = ImageCodecLimits.defaultMaxPixels
    ) throws(ImageCodecError) -> RGBAImage {
        guard !bytes.isEmpty else { throw .empty }
        let soi: [UInt8] = [0xFF, 0xD8, 0xFF]
        guard bytes.starts(with: soi) else {
            if bytes.count < soi.count, soi.starts(with: bytes) {
                throw .truncated(.jpeg, detail: "only \(bytes.count) bytes")
            }
            throw .wrongFormat(expected: .jpeg, detected: ImageFormat.sniff(bytes))
        }
        guard let decoder = cic_jpeg_decoder_create() else {
            throw .corrupt(.jpeg, detail: "could not create decoder (out of memory)")
        }
        defer { cic_jpeg_decoder_destroy(decoder) }

        func failure(_ status: Int32) -> ImageCodecError {
            let message = String(cString: cic_jpeg_decoder_message(decoder))
            return status == CIC_TRUNCATED ? .truncated(.jpeg, detail: message) : .corrupt(.jpeg, detail: message)
        }

        // libjpeg reads from `src` in both steps, so both happen inside one borrow.
        let result: Result<RGBAImage, ImageCodecError> = bytes.withUnsafeBufferPointer { src in
            var w: UInt32 = 0
            var h: UInt32 = 0
            let header = cic_jpeg_read_header(decoder, src.baseAddress, src.count, &w, &h)
            guard header == CIC_OK else { return .failure(failure(header)) }
            let width = Int(w)
            let height = Int(h)
            guard !exceedsLimit(width, height, maxPixels) else {
                return .failure(.tooLarge(.jpeg, width: width, height: height, maxPixels: maxPixels))
            }
            var status = CIC_OK
            let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 4) { buf, count in
                status = cic_jpeg_read_rgba(decoder, buf.baseAddress, buf.count)
                count = status == CIC_OK ? width * height * 4 : 0
            }
            guard status == CIC_OK else { return .failure(failure(status)) }
            return .success(RGBAImage(width: width, height: height, pixels: pixels))
        }
        return try result.get()
    }
}
