import CSystemZlib
import Foundation

/// The training ZIP planned from a folder, without writing it anywhere: every entry is stored as
/// it is (images are already compressed), so the archive's exact length is known before the first
/// byte, which lets it stream straight into the upload with a Content-Length and no temporary
/// file. CRC-32s are computed on the way and written in data descriptors after each entry
/// (general-purpose flag bit 3), then again in the central directory, where readers take them.
///
/// Why not ZIPFoundation (still used by the tests to read archives back): it writes to a file or
/// to memory, needs a seekable target, and its CRC is byte-at-a-time Swift on Linux (building a
/// 1 GiB archive took 6.5 s); this is one pass at the speed of zlib's `crc32`.
public struct ZipPlan: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The name inside the archive, UTF-8, "/" between folders.
        public let name: String
        public let source: URL
        /// The file's size when the plan was made; a file that changes size before it is read
        /// stops the upload rather than sending a damaged archive.
        public let size: Int
        let dosTime: UInt16
        let dosDate: UInt16
    }

    public let entries: [Entry]
    /// The archive's length in bytes.
    public let length: Int

    static let localHeaderSize = 30
    static let descriptorSize = 16
    static let centralHeaderSize = 46
    static let endRecordSize = 22

    /// Plans the archive for a dataset: each image, then its caption as `<stem>.txt`.
    public init(dataset: FinetuneDataset) throws {
        guard dataset.canUpload else { throw FluxError.invalidInput(dataset.issues.errors) }
        var files: [(String, URL)] = []
        for image in dataset.images {
            files.append((image.name, image.url))
            if let caption = image.captionURL {
                files.append((String(image.name.dropLast(image.url.pathExtension.count)) + "txt", caption))
            }
        }
        try self.init(files: files)
    }

    /// Plans an archive of `files` (name inside the archive, source file), in that order.
    public init(files: [(name: String, source: URL)]) throws {
        // Without ZIP64 a plain archive holds 65,535 entries of up to 4 GiB; fine-tune uploads are
        // capped at 1 GB, so a plan past either limit is a mistake to report, not to encode.
        guard files.count <= 0xFFFF else {
            throw FluxError.configuration("the archive would hold \(files.count) files; a ZIP without ZIP64 holds at most 65,535")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(files.count)
        var length = Self.endRecordSize
        for (name, source) in files {
            let info = try SourceFile.status(of: source)
            guard (info.st_mode & S_IFMT) == S_IFREG else { throw FluxError.configuration("\(source.path) is not a regular file") }
            let nameBytes = name.utf8.count
            guard nameBytes <= 0xFFFF else { throw FluxError.configuration("\(name): the name is too long for a ZIP entry") }
            let (time, date) = Self.dosTimeAndDate(Int(info.st_mtim.tv_sec))
            entries.append(Entry(name: name, source: source, size: Int(info.st_size), dosTime: time, dosDate: date))
            length += Self.localHeaderSize + nameBytes + Int(info.st_size) + Self.descriptorSize + Self.centralHeaderSize + nameBytes
        }
        guard length < 0xFFFF_FFFF else {
            throw FluxError.configuration("the archive would be \(length) bytes; a ZIP without ZIP64 holds at most 4 GiB")
        }
        self.entries = entries
        self.length = length
    }

    /// A fresh reader at the start of the archive (each upload attempt takes one).
    public func makeReader() -> ZipStreamReader { ZipStreamReader(plan: self) }

    /// MS-DOS time and date (local time, two-second steps, 1980 to 2107) of a Unix time.
    static func dosTimeAndDate(_ seconds: Int) -> (UInt16, UInt16) {
        var t = time_t(seconds)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return (0, 0x21) }
        let year = Int(parts.tm_year) + 1900
        guard year >= 1980 else { return (0, 0x21) }  // 1980-01-01
        guard year <= 2107 else { return (0xBF7D, 0xFF9F) }  // 2107-12-31 23:59:58
        let time = UInt16(parts.tm_hour) << 11 | UInt16(parts.tm_min) << 5 | UInt16(parts.tm_sec / 2)
        let date = UInt16(year - 1980) << 9 | UInt16(parts.tm_mon + 1) << 5 | UInt16(parts.tm_mday)
        return (time, date)
    }
}

/// Produces a planned archive's bytes in order, reading each source file once. Not thread-safe:
/// one reader per upload attempt.
public final class ZipStreamReader {
    private enum Stage {
        case localHeader(Int)
        case data(Int)
        case descriptor(Int)
        case centralDirectory
        case done
    }

    private let plan: ZipPlan
    private var stage: Stage
    /// Header bytes made but not yet handed out.
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    /// The entry being read, and the CRC of its bytes so far.
    private var file: SourceFile?
    private var crc: UInt = 0
    private var crcs: [UInt32] = []
    private var offsets: [Int] = []
    /// Bytes of the archive produced so far.
    public private(set) var position = 0

    init(plan: ZipPlan) {
        self.plan = plan
        stage = plan.entries.isEmpty ? .centralDirectory : .localHeader(0)
        crcs.reserveCapacity(plan.entries.count)
        offsets.reserveCapacity(plan.entries.count)
    }

    /// Fills `buffer` with the archive's next bytes; returns how many (less than the buffer's size
    /// only at the end of the archive, 0 once it is over).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            if pendingOffset < pending.count {
                let n = min(pending.count - pendingOffset, buffer.count - filled)
                pending.withUnsafeBytes { src in
                    (buffer.baseAddress! + filled).copyMemory(from: src.baseAddress! + pendingOffset, byteCount: n)
                }
                pendingOffset += n
                filled += n
                continue
            }
            switch stage {
            case .localHeader(let index):
                let entry = plan.entries[index]
                offsets.append(position + filled)
                setPending(localHeader(entry))
                file = try SourceFile(url: entry.source, size: entry.size, label: entry.name)
                crc = crc32(0, nil, 0)
                stage = .data(index)
            case .data(let index):
                guard let source = file, source.remaining > 0 else {
                    try file?.checkNothingFollows()
                    file = nil
                    stage = .descriptor(index)
                    continue
                }
                let target = UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])
                let got = try source.read(into: target)
                crc = crc32(crc, target.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(got))
                filled += got
            case .descriptor(let index):
                let sum = UInt32(truncatingIfNeeded: crc)
                crcs.append(sum)
                var bytes: [UInt8] = []
                bytes.reserveCapacity(ZipPlan.descriptorSize)
                bytes.le32(0x0807_4B50)
                bytes.le32(sum)
                bytes.le32(UInt32(plan.entries[index].size))
                bytes.le32(UInt32(plan.entries[index].size))
                setPending(bytes)
                stage = index + 1 < plan.entries.count ? .localHeader(index + 1) : .centralDirectory
            case .centralDirectory:
                setPending(centralDirectory(startingAt: position + filled))
                stage = .done
            case .done:
                position += filled
                return filled
            }
        }
        position += filled
        return filled
    }

    private func setPending(_ bytes: [UInt8]) {
        pending = bytes
        pendingOffset = 0
    }

    private func localHeader(_ entry: ZipPlan.Entry) -> [UInt8] {
        var b: [UInt8] = []
        b.reserveCapacity(ZipPlan.localHeaderSize + entry.name.utf8.count)
        b.le32(0x0403_4B50)
        b.le16(20)  // version needed: 2.0 (data descriptors)
        b.le16(Self.flags)
        b.le16(0)  // stored
        b.le16(entry.dosTime)
        b.le16(entry.dosDate)
        b.le32(0)  // CRC and sizes follow the data (flag bit 3)
        b.le32(0)
        b.le32(0)
        b.le16(UInt16(entry.name.utf8.count))
        b.le16(0)  // no extra field
        b.append(contentsOf: entry.name.utf8)
        return b
    }

    private func centralDirectory(startingAt start: Int) -> [UInt8] {
        var b: [UInt8] = []
        let names = plan.entries.reduce(0) { $0 + $1.name.utf8.count }
        b.reserveCapacity(plan.entries.count * ZipPlan.centralHeaderSize + names + ZipPlan.endRecordSize)
        for (index, entry) in plan.entries.enumerated() {
            b.le32(0x0201_4B50)
            b.le16(3 << 8 | 20)  // made by: Unix, 2.0 (so the permissions below are read)
            b.le16(20)
            b.le16(Self.flags)
            b.le16(0)
            b.le16(entry.dosTime)
            b.le16(entry.dosDate)
            b.le32(crcs[index])
            b.le32(UInt32(entry.size))
            b.le32(UInt32(entry.size))
            b.le16(UInt16(entry.name.utf8.count))
            b.le16(0)  // extra
            b.le16(0)  // comment
            b.le16(0)  // disk
            b.le16(0)  // internal attributes
            b.le32(0o100644 << 16)  // a regular file, rw-r--r--
            b.le32(UInt32(offsets[index]))
            b.append(contentsOf: entry.name.utf8)
        }
        let size = b.count
        b.le32(0x0605_4B50)
        b.le16(0)
        b.le16(0)
        b.le16(UInt16(plan.entries.count))
        b.le16(UInt16(plan.entries.count))
        b.le32(UInt32(size))
        b.le32(UInt32(start))
        b.le16(0)  // no comment
        return b
    }

    /// Bit 3: CRC and sizes in a data descriptor; bit 11: names are UTF-8.
    static let flags: UInt16 = 1 << 3 | 1 << 11
}

private extension Array where Element == UInt8 {
    mutating func le16(_ v: UInt16) {
        append(UInt8(truncatingIfNeeded: v))
        append(UInt8(truncatingIfNeeded: v >> 8))
    }

    mutating func le32(_ v: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }
}
