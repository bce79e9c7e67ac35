import Foundation

/// Checks a fine-tune archive sent as base64 without decoding all of it: only the first bytes,
/// the end-of-central-directory record and the central directory are decoded (base64 maps every
/// 4 characters to 3 bytes, so any byte range can be decoded on its own). Supports ZIP64.
enum ZipInspector {
    struct Summary: Sendable, Equatable {
        var entries: Int
        var images: Int
        var captions: Int
    }

    enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case notBase64
        case notAZip
        case emptyArchive
        case damaged(String)
        case noImages(entries: Int)

        var description: String {
            switch self {
            case .notBase64: return "is not valid base64 data"
            case .notAZip: return "is not a ZIP archive"
            case .emptyArchive: return "is an empty ZIP archive"
            case .damaged(let why): return "is a damaged ZIP archive (\(why))"
            case .noImages(let entries):
                return "holds no training images (.jpg, .jpeg, .png, .webp) among its \(entries) entries"
            }
        }
    }

    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    static func inspect(base64 text: String) -> Result<Summary, Problem> {
        if text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") {
            return inspect(base64: String(text[text.index(after: comma)...]))
        }
        // Fast path: unbroken base64 (what clients send), decoded only where needed.
        if let source = Base64Source(text) {
            do { return .success(try inspect(source)) } catch {
                switch error {
                case .notBase64, .damaged: break  // maybe line breaks shifted the offsets: decode all
                default: return .failure(error)
                }
            }
        }
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            return .failure(.notBase64)
        }
        return inspect(bytes: [UInt8](data))
    }

    /// Reads bytes in place from archive bytes already decoded (tests, small bodies).
    static func inspect(bytes: [UInt8]) -> Result<Summary, Problem> {
        do { return .success(try inspect(ByteSource(bytes: bytes))) } catch { return .failure(error) }
    }

    private static func inspect(_ source: some RangeReadable) throws(Problem) -> Summary {
        let total = source.count
        let magic = try source.read(0..<min(4, total))
        if magic == [0x50, 0x4B, 0x05, 0x06] { throw .emptyArchive }
        guard magic == [0x50, 0x4B, 0x03, 0x04] else { throw .notAZip }

        // The end record is 22 bytes plus a comment of up to 65535, at the very end.
        let tailStart = max(0, total - (22 + 65_535))
        let tail = try source.read(tailStart..<total)
        guard let eocd = lastIndex(of: [0x50, 0x4B, 0x05, 0x06], in: tail, minimumLength: 22) else {
            throw .damaged("no end of central directory")
        }
        var entries = Int(le16(tail, eocd + 10))
        var directorySize = Int(le32(tail, eocd + 12))
        var directoryOffset = Int(le32(tail, eocd + 16))
        if entries == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: a locator right before the end record points at the ZIP64 end record.
            let locator = eocd - 20
            guard locator >= 0, Array(tail[locator..<locator + 4]) == [0x50, 0x4B, 0x06, 0x07] else {
                throw .damaged("ZIP64 locator missing")
            }
            let recordOffset = Int(clamping: le64(tail, locator + 8))
            guard recordOffset >= 0, recordOffset + 56 <= total else { throw .damaged("ZIP64 record out of range") }
            let record = try source.read(recordOffset..<recordOffset + 56)
            guard Array(record[0..<4]) == [0x50, 0x4B, 0x06, 0x06] else { throw .damaged("bad ZIP64 record") }
            entries = Int(clamping: le64(record, 32))
            directorySize = Int(clamping: le64(record, 40))
            directoryOffset = Int(clamping: le64(record, 48))
        }
        if entries == 0 { throw .emptyArchive }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset + directorySize <= total else {
            throw .damaged("central directory out of range")
        }
        // 64 MiB of directory is over a million entries; refuse rather than allocate more.
        guard directorySize <= 64 * 1024 * 1024 else { throw .damaged("central directory too large") }
        let directory = try source.read(directoryOffset..<directoryOffset + directorySize)

        var summary = Summary(entries: 0, images: 0, captions: 0)
        var p = 0
        while p + 46 <= directory.count, summary.entries < entries {
            guard Array(directory[p..<p + 4]) == [0x50, 0x4B, 0x01, 0x02] else { throw .damaged("bad directory entry") }
            let nameLength = Int(le16(directory, p + 28)), extra = Int(le16(directory, p + 30))
            let comment = Int(le16(directory, p + 32))
            guard p + 46 + nameLength <= directory.count else { throw .damaged("entry name out of range") }
            let name = String(decoding: directory[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            summary.entries += 1
            classify(name, into: &summary)
            p += 46 + nameLength + extra + comment
        }
        guard summary.entries == entries else { throw .damaged("directory lists \(summary.entries) of \(entries) entries") }
        if summary.images == 0 { throw .noImages(entries: entries) }
        return summary
    }

    private static func classify(_ name: String, into summary: inout Summary) {
        // Folders, macOS resource forks and hidden files are not training data.
        let file = name.split(separator: "/").last.map(String.init) ?? name
        if name.hasSuffix("/") || name.hasPrefix("__MACOSX/") || file.hasPrefix(".") { return }
        guard let dot = file.lastIndex(of: ".") else { return }
        let ext = file[file.index(after: dot)...].lowercased()
        if imageExtensions.contains(ext) { summary.images += 1 } else if ext == "txt" { summary.captions += 1 }
    }

    private static func lastIndex(of signature: [UInt8], in bytes: [UInt8], minimumLength: Int) -> Int? {
        var i = bytes.count - minimumLength
        while i >= 0 {
            if bytes[i] == signature[0] && bytes[i + 1] == signature[1] && bytes[i + 2] == signature[2]
                && bytes[i + 3] == signature[3] { return i }
            i -= 1
        }
        return nil
    }

    private static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
    private static func le64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32 }
}

private protocol RangeReadable {
    var count: Int { get }
    func read(_ range: Range<Int>) throws(ZipInspector.Problem) -> [UInt8]
}

private struct ByteSource: RangeReadable {
    let bytes: [UInt8]
    var count: Int { bytes.count }
    func read(_ range: Range<Int>) throws(ZipInspector.Problem) -> [UInt8] {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw .damaged("offset out of range") }
        return Array(bytes[range])
    }
}

/// Random access to the bytes a base64 string encodes, decoding only the 4-character groups
/// that cover the range asked for. Keeps the string itself (native strings index their UTF-8 in
/// O(1)), so a 100 MB upload is neither copied nor scanned. Assumes no whitespace: any in the
/// way makes a group fail to decode or the ZIP look damaged, and the caller decodes in full.
private struct Base64Source: RangeReadable {
    let text: String
    let count: Int

    init?(_ string: String) {
        let utf8 = string.utf8
        guard !utf8.isEmpty, utf8.count % 4 == 0 else { return nil }
        let padding = utf8.suffix(2).filter { $0 == UInt8(ascii: "=") }.count
        text = string
        count = utf8.count / 4 * 3 - padding
    }

    func read(_ range: Range<Int>) throws(ZipInspector.Problem) -> [UInt8] {
        guard range.lowerBound >= 0, range.upperBound <= count else { throw .damaged("offset out of range") }
        if range.isEmpty { return [] }
        let firstGroup = range.lowerBound / 3, endGroup = (range.upperBound + 2) / 3
        let utf8 = text.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: firstGroup * 4)
        let to = utf8.index(from, offsetBy: (endGroup - firstGroup) * 4)
        guard let decoded = Data(base64Encoded: Data(utf8[from..<to])) else { throw .notBase64 }
        let skip = range.lowerBound - firstGroup * 3
        guard decoded.count >= skip + range.count else { throw .notBase64 }
        return Array(decoded[(decoded.startIndex + skip)..<(decoded.startIndex + skip + range.count)])
    }
}
