/// Decoding limits that protect against decompression bombs.
public enum ImageCodecLimits {
    /// Images with more pixels than this are refused before any pixel memory is allocated
    /// (40 MP is ~160 MB of RGBA; FLUX outputs are at most ~4 MP).
    public static let defaultMaxPixels = 40_000_000
}

public enum ImageCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Zero bytes of input.
    case empty
    /// Not any format this module recognises.
    case unrecognizedFormat
    /// The bytes are not the expected format; `detected` is what they look like, if anything.
    case wrongFormat(expected: ImageFormat, detected: ImageFormat?)
    /// The data ends before the image does.
    case truncated(ImageFormat, detail: String)
    /// The declared size exceeds the pixel limit; nothing was allocated.
    case tooLarge(ImageFormat, width: Int, height: Int, maxPixels: Int)
    /// The library rejected the data.
    case corrupt(ImageFormat, detail: String)
    /// No decoder for this format in this build (WebP).
    case unsupported(ImageFormat)
    /// Encoding or scaling was asked for something impossible (e.g. zero size).
    case invalidImage(String)
    /// The encoder failed (out of memory or a library error).
    case encodingFailed(ImageFormat, detail: String)

    public var description: String {
        switch self {
        case .empty:
            return "no image data (0 bytes)"
        case .unrecognizedFormat:
            return "unrecognised image data (not PNG, JPEG or WebP)"
        case .wrongFormat(let expected, let detected):
            if let detected { return "not a \(expected) image (the data looks like \(detected))" }
            return "not a \(expected) image (unrecognised data)"
        case .truncated(let format, let detail):
            return "\(format) data is truncated (\(detail))"
        case .tooLarge(let format, let width, let height, let maxPixels):
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            let count = overflow ? "" : " (\(pixels) pixels)"
            return "\(format) image is too large: \(width)x\(height)\(count), the limit is \(maxPixels) pixels"
        case .corrupt(let format, let detail):
            return "invalid \(format) data: \(detail)"
        case .unsupported(let format):
            return "decoding \(format) images is not supported"
        case .invalidImage(let detail):
            return "invalid image: \(detail)"
        case .encodingFailed(let format, let detail):
            return "\(format) encoding failed: \(detail)"
        }
    }
}

/// True when width x height is over the limit, without overflowing on hostile headers
/// (a PNG may declare up to 2^32-1 per side).
func exceedsLimit(_ width: Int, _ height: Int, _ maxPixels: Int) -> Bool {
    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
    return overflow || pixels > maxPixels
}

extension String {
    /// A C message buffer up to its NUL.
    init(messageBuffer buffer: [CChar]) {
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
