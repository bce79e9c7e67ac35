import Foundation
import NIOCore

/// A request body. Small bodies are bytes; a fine-tune archive is sent base64-encoded inside
/// JSON, read and encoded chunk by chunk as the connection asks for it, so memory stays flat
/// whatever the archive's size. Each attempt builds a fresh stream, so retries resend it all.
public enum RequestPayload: Sendable {
    case data(Data)
    /// `prefix` + base64(source) + `suffix`; `progress` gets (bytes sent, total bytes).
    case base64(prefix: Data, source: ArchiveSource, suffix: Data, progress: (@Sendable (Int, Int) -> Void)?)

    public var length: Int {
        switch self {
        case .data(let d): return d.count
        case .base64(let prefix, let source, let suffix, _):
            return prefix.count + Base64.encodedCount(source.length) + suffix.count
        }
    }
}

/// Where the archive's bytes come from: a ZIP file the user made, or one made on the fly from a
/// folder (`ZipPlan`), with no temporary copy.
public enum ArchiveSource: Sendable {
    case file(URL, length: Int)
    case zip(ZipPlan)

    /// A ZIP file already on disk; its size is read now and must not change during the upload.
    public static func file(_ url: URL) throws -> ArchiveSource {
        .file(url, length: Int(try SourceFile.status(of: url).st_size))
    }

    public var length: Int {
        switch self {
        case .file(_, let length): return length
        case .zip(let plan): return plan.length
        }
    }

    /// A reader from the archive's first byte.
    func makeReader() throws -> any ArchiveByteReader {
        switch self {
        case .file(let url, let length): return try SourceFile(url: url, size: length, label: url.path)
        case .zip(let plan): return plan.makeReader()
        }
    }
}

/// Fills a buffer with the next bytes of an archive; short only at its end.
protocol ArchiveByteReader: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ZipStreamReader: ArchiveByteReader {}

/// Pulls `prefix`, then the source's base64 in chunks (a multiple of 3 input bytes, so the pieces
/// concatenate to one valid base64 string), then `suffix`.
public struct Base64BodyStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let prefix: Data
    let source: ArchiveSource
    let suffix: Data
    let total: Int
    let progress: (@Sendable (Int, Int) -> Void)?
    /// Input per chunk, a multiple of 3: 1.5 MiB in, 2 MiB of base64 out, small enough to keep
    /// the socket busy while the next chunk is read and encoded.
    static let chunkSize = 3 * 512 * 1024

    public func makeAsyncIterator() -> Iterator {
        Iterator(prefix: prefix, source: source, suffix: suffix, total: total, progress: progress)
    }

    public struct Iterator: AsyncIteratorProtocol {
        enum Stage { case prefix, body, done }
        let prefix: Data
        let source: ArchiveSource
        let suffix: Data
        let total: Int
        let progress: (@Sendable (Int, Int) -> Void)?
        var stage = Stage.prefix
        var chunker: Chunker?
        var sent = 0

        public mutating func next() async throws -> ByteBuffer? {
            try Task.checkCancellation()
            switch stage {
            case .prefix:
                stage = .body
                chunker = Chunker(reader: try source.makeReader())
                return emit(ByteBuffer(bytes: prefix))
            case .body:
                let input = chunker!.scratch
                let count = try chunker!.reader.read(into: input)
                if count < input.count {
                    // The last piece: its base64 and the suffix go out together.
                    stage = .done
                    defer { chunker = nil }
                    var buffer = encode(UnsafeRawBufferPointer(rebasing: input[0..<count]), extra: suffix.count)
                    buffer.writeBytes(suffix)
                    return emit(buffer)
                }
                return emit(encode(UnsafeRawBufferPointer(input), extra: 0))
            case .done:
                return nil
            }
        }

        private func encode(_ input: UnsafeRawBufferPointer, extra: Int) -> ByteBuffer {
            let size = Base64.encodedCount(input.count)
            var buffer = ByteBufferAllocator().buffer(capacity: size + extra)
            guard size > 0 else { return buffer }
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
                Base64.encode(input, into: out.baseAddress!)
                return size
            }
            return buffer
        }

        private mutating func emit(_ buffer: ByteBuffer) -> ByteBuffer {
            sent += buffer.readableBytes
            progress?(sent, total)
            return buffer
        }
    }
}

/// The reader and the input buffer it fills, freed with the stream however it ends.
final class Chunker {
    let reader: any ArchiveByteReader
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Base64BodyStream.chunkSize, alignment: 16)

    init(reader: any ArchiveByteReader) { self.reader = reader }

    deinit { scratch.deallocate() }
}
