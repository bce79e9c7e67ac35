/// Decodes whatever supported format the bytes are in.
public enum ImageDecoder {
    public static func decode(
        _ bytes: [UInt8], maxPixels: Int = ImageCodecLimits.defaultMaxPixels
    ) throws(ImageCodecError) -> RGBAImage {
        switch ImageFormat.sniff(bytes) {
        case .png: return try PNGCodec.decode(bytes, maxPixels: maxPixels)
        case .jpeg: return try JPEGCodec.decode(bytes, maxPixels: maxPixels)
        case .webp: throw .unsupported(.webp)
        case nil:
            throw bytes.isEmpty ? ImageCodecError.empty : ImageCodecError.unrecognizedFormat
        }
    }
}
