import Foundation

/// Format and size of an image, read from its header only.
public struct ImageInfo: Sendable, Equatable, Hashable, Codable {
    public enum Format: String, Sendable, Codable { case png, jpeg, webp }
    public let format: Format
    public let width: Int
    public let height: Int
    public let byteCount: Int

    public var summary: String { "\(format.rawValue.uppercased()) \(width)x\(height), \(ByteCountFormatter.string(fromByteCount: Int64(byteCount), countStyle: .file))" }
}

public enum ImageInspectionError: Error, Equatable, CustomStringConvertible {
    case missing(String)
    case notAFile(String)
    case unreadable(String, String)
    case empty(String)
    case notAnImage(String)
    case truncated(String)
    case tooLarge(String, Int)

    public var description: String {
        switch self {
        case .missing(let path): return "no file at \(path)"
        case .notAFile(let path): return "\(path) is a folder, not an image file"
        case .unreadable(let path, let why): return "cannot read \(path): \(why)"
        case .empty(let path): return "\(path) is empty"
        case .notAnImage(let path): return "\(path) is not a PNG, JPEG or WebP image"
        case .truncated(let path): return "\(path) looks like an image but its header is cut short"
        case .tooLarge(let path, let limit):
            return "\(path) is larger than the \(limit / (1024 * 1024)) MiB an image field accepts"
        }
    }
}

/// Sniffs PNG, JPEG and WebP headers for format and dimensions without decoding pixels.
public enum ImageInspector {
    /// Request bodies carry images inline; anything bigger than this is refused before upload.
    public static let maxImageBytes = 20 * 1024 * 1024 + 1024 * 1024

    /// Reads just enough of the file to know what it is.
    public static func inspect(path: String) throws(ImageInspectionError) -> ImageInfo {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missing(path) }
        if isDirectory.boolValue { throw .notAFile(path) }
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw .unreadable(path, (error as NSError).localizedDescription)
        }
        if size == 0 { throw .empty(path) }
        if size > maxImageBytes { throw .tooLarge(path, maxImageBytes) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path, "permission denied") }
        defer { try? handle.close() }
        // JPEG dimensions can sit behind large EXIF blocks; 256 KiB covers real files.
        let header: Data
        do { header = try handle.read(upToCount: 256 * 1024) ?? Data() } catch {
            throw .unreadable(path, (error as NSError).localizedDescription)
        }
        return try inspect(bytes: header, totalSize: size, name: path)
    }

    /// Sniffs an in-memory image (a decoded base64 body, say).
    public static func inspect(bytes: Data, totalSize: Int? = nil, name: String = "image") throws(ImageInspectionError) -> ImageInfo {
        let b = [UInt8](bytes.prefix(256 * 1024))
        let total = totalSize ?? bytes.count
        if b.isEmpty { throw .empty(name) }
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            guard b.count >= 24, Array(b[12..<16]) == Array("IHDR".utf8) else { throw .truncated(name) }
            let w = Int(be32(b, 16)), h = Int(be32(b, 20))
            guard w > 0, h > 0 else { throw .notAnImage(name) }
            return ImageInfo(format: .png, width: w, height: h, byteCount: total)
        }
        if b.starts(with: [0xFF, 0xD8]) {
            return try jpegInfo(b, total: total, name: name)
        }
        if b.count >= 12, Array(b[0..<4]) == Array("RIFF".utf8), Array(b[8..<12]) == Array("WEBP".utf8) {
            return try webpInfo(b, total: total, name: name)
        }
        if b.count < 8, [0x89, 0xFF, 0x52].contains(b[0]) { throw .truncated(name) }
        throw .notAnImage(name)
    }

    private static func be16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }
    private static func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
    private static func le16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    private static func le24(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 }

    private static func jpegInfo(_ b: [UInt8], total: Int, name: String) throws(ImageInspectionError) -> ImageInfo {
        var i = 2
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { throw .notAnImage(name) }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            if marker == 0xD9 || marker == 0xDA { break }  // end / start of scan before a frame header
            let length = Int(be16(b, i + 2))
            guard length >= 2 else { throw .notAnImage(name) }
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
            if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard i + 9 <= b.count else { throw .truncated(name) }
                let h = Int(be16(b, i + 5)), w = Int(be16(b, i + 7))
                guard w > 0, h > 0 else { throw .notAnImage(name) }
                return ImageInfo(format: .jpeg, width: w, height: h, byteCount: total)
            }
            i += 2 + length
        }
        throw .truncated(name)
    }

    private static func webpInfo(_ b: [UInt8], total: Int, name: String) throws(ImageInspectionError) -> ImageInfo {
        guard b.count >= 30 else { throw .truncated(name) }
        let chunk = String(decoding: b[12..<16], as: UTF8.self)
        switch chunk {
        case "VP8 ":
            // Frame tag (3 bytes) + start code 9d 01 2a, then 14-bit width and height.
            guard b[23] == 0x9D, b[24] == 0x01, b[25] == 0x2A else { throw .notAnImage(name) }
            return ImageInfo(format: .webp, width: le16(b, 26) & 0x3FFF, height: le16(b, 28) & 0x3FFF, byteCount: total)
        case "VP8L":
            guard b[20] == 0x2F else { throw .notAnImage(name) }
            let bits = UInt32(b[21]) | UInt32(b[22]) << 8 | UInt32(b[23]) << 16 | UInt32(b[24]) << 24
            return ImageInfo(format: .webp, width: Int(bits & 0x3FFF) + 1, height: Int((bits >> 14) & 0x3FFF) + 1, byteCount: total)
        case "VP8X":
            return ImageInfo(format: .webp, width: le24(b, 24) + 1, height: le24(b, 27) + 1, byteCount: total)
        default:
            throw .notAnImage(name)
        }
    }
}
