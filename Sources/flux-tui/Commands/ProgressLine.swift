import FluxAPI
import Foundation
import Locking
import TaskStore

/// A task's progress on stderr ("Pending 42%", "uploading 42% of 30 MB"): rewritten in place on a
/// terminal; otherwise one line per change (per quarter of an upload).
final class ProgressLine: Sendable {
    private let enabled: Bool
    private let uploadBytes: Int?
    private struct Shown {
        var last = ""
        var lastUploadQuarter = -1
        var drawn = false
    }
    private let shown = Locked(Shown())

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
        shown.withLock { shown in
            guard text != shown.last else { return }
            shown.last = text
            if Console.stderrIsTerminal {
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(Console.safe(text))".utf8))
                shown.drawn = true
            } else if let quarter {
                if quarter != shown.lastUploadQuarter { shown.lastUploadQuarter = quarter; Console.error(text) }
            } else {
                Console.error(text)
            }
        }
    }

    func end() {
        shown.withLock { shown in
            if shown.drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)); shown.drawn = false }
        }
    }
}
