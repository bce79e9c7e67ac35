import Foundation
import NIOCore

/// A request body. Small bodies are bytes; a fine-tune archive is a file sent base64-encoded
/// inside JSON, read and encoded chunk by chunk as the connection asks for it, so memory stays
/// flat whatever the archive's size. Each attempt builds a fresh stream, so retries resend it all.
public enum RequestPayload: Sendable {
    case data(Data)
    /// `prefix` + base64(file) + `suffix`; `progress` gets (bytes sent, total bytes).
    case base64File(prefix: Data, file: URL, suffix: Data, progress: (@Sendable (Int, Int) -> Void)?)

    public var length: Int {
        switch self {
        case .data(let d): return d.count
        case .base64File(let prefix, let file, let suffix, _):
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0
            return prefix.count + (size + 2) / 3 * 4 + suffix.count
        }
    }
}

/// Pulls `prefix`, then the file's base64 in chunks (a multiple of 3 input bytes, so the pieces
/// concatenate to one valid base64 string), then `suffix`.
public struct Base64FileChunks: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let prefix: Data
    let file: URL
    let suffix: Data
    let total: Int
    let progress: (@Sendable (Int, Int) -> Void)?
    /// 3 MiB of input per chunk: 4 MiB of base64 in memory at most.
    static let chunkSize = 3 * 1024 * 1024

    public func makeAsyncIterator() -> Iterator {
        Iterator(prefix: prefix, file: file, suffix: suffix, total: total, progress: progress)
    }

    public struct Iterator: AsyncIteratorProtocol {
        enum Stage { case prefix, body, suffix, done }
        let prefix: Data
        let file: URL
        let suffix: Data
        let total: Int
        let progress: (@Sendable (Int, Int) -> Void)?
        var stage = Stage.prefix
        var handle: FileHandle?
        var sent = 0

        public mutating func next() async throws -> ByteBuffer? {
            try Task.checkCancellation()
            switch stage {
            case .prefix:
                stage = .body
                do { handle = try FileHandle(forReadingFrom: file) } catch {
                    throw FluxError.configuration("cannot read \(file.path): \((error as NSError).localizedDescription)")
                }
                return emit(prefix)
            case .body:
                let chunk = try handle?.read(upToCount: Base64FileChunks.chunkSize) ?? Data()
                if chunk.isEmpty {
                    try? handle?.close()
                    handle = nil
                    stage = .done
                    return emit(suffix)
                }
                return emit(chunk.base64EncodedData())
            case .suffix, .done:
                return nil
            }
        }

        mutating func emit(_ data: Data) -> ByteBuffer {
            sent += data.count
            progress?(sent, total)
            return ByteBuffer(bytes: data)
        }
    }
}
