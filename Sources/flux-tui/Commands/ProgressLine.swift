import FluxAPI
import Foundation
import TaskStore

/// A task's progress on stderr ("Pending 42%", "uploading 42% of 30 MB"): rewritten in place on a
/// terminal; otherwise one line per change (per quarter of an upload).
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let uploadBytes: Int?
    private let lock = NSLock()
    private var last = ""
    private var lastUploadQuarter = -1
    private var drawn = false

    init(enabled: Bool, uploadBytes: Int? = nil) {
        self.enabled = enabled
        self.uploadBytes = uploadBytes
    }

    func show(_ task: TaskEntry) {
        guard enabled else { return }
        let percent = task.progress.map { Int(($0 * 100).rounded(.down)) }
        let text: String
        var quarter: Int?
        switch task.phase {
        case .submitting:
            guard let percent else { return }
            let size = uploadBytes.map { " of \(ByteCountFormatter.string(fromByteCount: Int64($0), countStyle: .file))" } ?? ""
            text = "uploading \(percent)%\(size)"
            quarter = percent / 25
        case .running:
            text = (task.statusText ?? "Pending") + (task.progress.map { " \(Int(($0 * 100).rounded()))%" } ?? "")
        default:
            return
        }
        lock.withLock {
            guard text != last else { return }
            last = text
            if Console.stderrIsTerminal {
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(Console.safe(text))".utf8))
                drawn = true
            } else if let quarter {
                if quarter != lastUploadQuarter { lastUploadQuarter = quarter; Console.error(text) }
            } else {
                Console.error(text)
            }
        }
    }

    func end() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)); drawn = false }
        }
    }
}
