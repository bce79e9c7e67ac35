import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Downloads `result.sample` at once (the signed URL expires) into the output folder atomically:
/// the bytes go to a hidden temporary file in the same folder, are flushed, checked against the
/// announced length, and only then linked to the final name (never overwriting an existing file).
public struct ResultDownloader: Sendable {
    public let transport: HTTPTransport
    public var attempts: Int
    public var maxBytes: Int

    public init(transport: HTTPTransport, attempts: Int = 4, maxBytes: Int = 256 * 1024 * 1024) {
        self.transport = transport
        self.attempts = attempts
        self.maxBytes = maxBytes
    }

    /// - Returns: the final file's URL.
    public func download(_ urlString: String, into directory: URL, baseName: String,
                         fallbackExtension: String) async throws -> URL {
        guard let url = URL(string: urlString), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw FluxError.download("the result URL is not an http(s) URL")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lastError: FluxError = .download("no attempt made")
        for attempt in 1...max(1, attempts) {
            do {
                return try await once(url, into: directory, baseName: baseName, fallbackExtension: fallbackExtension)
            } catch let error as FluxError {
                lastError = error
                switch error {
                case .resultExpired, .cancelled, .configuration: throw error
                default: break
                }
            }
            if attempt < attempts {
                try await Task.sleep(for: .milliseconds(Int(RetryPolicy.sdkDefault.delay(attempt: attempt, retryAfter: nil) * 1000)))
            }
        }
        throw lastError
    }

    private func once(_ url: URL, into directory: URL, baseName: String, fallbackExtension: String) async throws -> URL {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        // A signed storage URL: never send the API key there.
        request.headers.add(name: "user-agent", value: "flux-tui/0.1")
        let response: HTTPClientResponse
        do {
            response = try await transport.client.execute(request, timeout: .milliseconds(Int64(transport.timeouts.request * 1000)))
        } catch {
            if error is CancellationError { throw FluxError.cancelled }
            throw FluxError.download(HTTPTransport.describe(error))
        }
        let status = Int(response.status.code)
        if [401, 403, 404, 410].contains(status) {
            throw FluxError.resultExpired("HTTP \(status) from the result URL")
        }
        guard (200..<300).contains(status) else { throw FluxError.download("HTTP \(status) from the result URL") }
        let expected = response.headers.first(name: "content-length").flatMap(Int.init)
        if let expected, expected > maxBytes { throw FluxError.download("the result is \(expected) bytes, more than the \(maxBytes) allowed") }
        let contentType = response.headers.first(name: "content-type")

        let temp = directory.appendingPathComponent(".\(baseName).part-\(UUID().uuidString.prefix(8))")
        // open(2), not FileManager.createFile: on Linux that writes its own temporary file and
        // renames it into place, a second inode and rename per download for an empty file.
        let fd = AtomicFile.createExclusive(temp)
        guard fd >= 0 else {
            throw FluxError.download("cannot create a file in \(directory.path): \(String(cString: strerror(errno)))")
        }
        var keepTemp = false
        defer { if !keepTemp { try? FileManager.default.removeItem(at: temp) } }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var written = 0
        var head = [UInt8]()
        do {
            defer { try? handle.close() }
            for try await chunk in response.body {
                written += chunk.readableBytes
                if written > maxBytes { throw FluxError.download("the result is larger than \(maxBytes) bytes") }
                if head.count < 16 { head += chunk.readableBytesView.prefix(16 - head.count) }
                try chunk.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
            }
            try handle.synchronize()
        } catch let error as FluxError {
            throw error
        } catch {
            if error is CancellationError { throw FluxError.cancelled }
            throw FluxError.download("the connection broke after \(written) bytes (\(HTTPTransport.describe(error)))")
        }
        if let expected, written != expected {
            throw FluxError.download("truncated: got \(written) of \(expected) bytes")
        }
        if written == 0 { throw FluxError.download("the result is empty") }
        let ext = Self.fileExtension(contentType: contentType, head: head) ?? fallbackExtension
        let final = try Self.linkUnique(temp, directory: directory, baseName: baseName, ext: ext)
        keepTemp = false
        return final
    }

    /// Links the finished temp file to the first free `name.ext`, `name-2.ext`, ...; `link` fails
    /// instead of overwriting, so a concurrent writer can never clobber a file.
    static func linkUnique(_ temp: URL, directory: URL, baseName: String, ext: String) throws -> URL {
        for n in 1...10_000 {
            let name = n == 1 ? "\(baseName).\(ext)" : "\(baseName)-\(n).\(ext)"
            let candidate = directory.appendingPathComponent(name)
            if link(temp.path, candidate.path) == 0 {
                fsyncDirectory(directory)
                return candidate
            }
            if errno != EEXIST { throw FluxError.download("cannot write \(candidate.path): \(String(cString: strerror(errno)))") }
        }
        throw FluxError.download("too many files named \(baseName) in \(directory.path)")
    }

    static func fsyncDirectory(_ directory: URL) {
        let fd = open(directory.path, O_RDONLY)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    static func fileExtension(contentType: String?, head: [UInt8]) -> String? {
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "png" }
        if head.starts(with: [0xFF, 0xD8]) { return "jpg" }
        if head.count >= 12, Array(head[8..<12]) == Array("WEBP".utf8) { return "webp" }
        switch contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "image/png": return "png"
        case "image/jpeg", "image/jpg": return "jpg"
        case "image/webp": return "webp"
        default: return nil
        }
    }
}

/// Writes a small file atomically (temp + rename in the same folder).
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temp = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))")
        // One temporary file, written and flushed once, then renamed: FileManager.createFile
        // (atomic on Linux) added a temporary file of its own, a second fsync and a second rename
        // to every sidecar.
        let fd = createExclusive(temp)
        guard fd >= 0 else { throw FluxError.download("cannot write \(temp.path): \(String(cString: strerror(errno)))") }
        var failure: String?
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil && rename(temp.path, url.path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temp.path)
            throw FluxError.download("cannot write \(url.path): \(failure)")
        }
    }

    /// Creates `url` for writing, failing if it exists. Returns the descriptor, or -1 (errno set).
    static func createExclusive(_ url: URL) -> Int32 {
        open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    }
}
