import Foundation

/// One file of an upload, read once from start to end with plain `read(2)` into the caller's
/// buffer, at the size it had when the upload was planned: a file that comes up short stops the
/// upload with `label` in the message, before the server can see a whole body. Used for each entry
/// of a streamed ZIP and for a ZIP file sent as it is.
final class SourceFile: ArchiveByteReader {
    let url: URL
    let label: String
    /// Bytes still to read.
    private(set) var remaining: Int
    private let fd: Int32

    /// The file's `stat`, or why it cannot be read.
    static func status(of url: URL) throws -> stat {
        var info = stat()
        guard stat(url.path, &info) == 0 else { throw cannotRead(url) }
        return info
    }

    init(url: URL, size: Int, label: String) throws {
        fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.cannotRead(url) }
        self.url = url
        self.label = label
        remaining = size
        // Sequential reads of the whole file: let the kernel read ahead generously.
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    deinit { close(fd) }

    /// Fills `buffer` with the file's next bytes, up to what is left of its planned size; less
    /// than the buffer only when that is used up.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count && remaining > 0 {
            let got = Glibc.read(fd, buffer.baseAddress! + filled, min(remaining, buffer.count - filled))
            if got < 0 {
                if errno == EINTR { continue }
                throw Self.cannotRead(url)
            }
            if got == 0 { throw changed() }
            remaining -= got
            filled += got
        }
        return filled
    }

    /// After the planned size was read: the file must not have grown meanwhile.
    func checkNothingFollows() throws {
        var probe: UInt8 = 0
        if Glibc.read(fd, &probe, 1) > 0 { throw changed() }
    }

    private func changed() -> FluxError {
        .configuration("\(label) changed size while it was being uploaded; nothing was created, try again")
    }

    private static func cannotRead(_ url: URL) -> FluxError {
        .configuration("cannot read \(url.path): \(String(cString: strerror(errno)))")
    }
}
