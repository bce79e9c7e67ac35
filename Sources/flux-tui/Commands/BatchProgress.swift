import Foundation

/// A batch's progress on stderr: a bar rewritten in place on a terminal ("[#####.....] 42/100
/// done · 2 failed · 20 active · ETA 1m 20s"), at most ten times a second; otherwise a plain line
/// at every tenth of the batch, so a log gets a handful of lines, not one per task.
final class BatchProgress {
    struct Counts: Equatable {
        var total = 0
        var done = 0
        var failed = 0
        var active = 0
        var unsent = 0
        var finished: Int { done + failed + unsent }
    }

    private let enabled: Bool
    private let terminal: Bool
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var lastTenth = 0
    private var drawn = false

    init(enabled: Bool, terminal: Bool = Console.stderrIsTerminal) {
        self.enabled = enabled
        self.terminal = terminal
    }

    func show(_ counts: Counts, force: Bool = false) {
        guard enabled, counts.total > 0 else { return }
        if terminal {
            let now = Date()
            guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(bar(counts)) \(line(counts))".utf8))
            drawn = true
        } else {
            let tenth = counts.finished * 10 / counts.total
            guard tenth > lastTenth || force else { return }
            lastTenth = tenth
            Console.error("flux-tui: \(line(counts))")
        }
    }

    /// Clears the bar so that a message can be printed on its own line.
    func clear() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        drawn = false
    }

    private func bar(_ counts: Counts) -> String {
        let width = 20
        let filled = counts.finished * width / counts.total
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    func line(_ counts: Counts) -> String {
        var parts = ["\(counts.done)/\(counts.total) done"]
        if counts.failed > 0 { parts.append("\(counts.failed) failed") }
        if counts.unsent > 0 { parts.append("\(counts.unsent) not sent") }
        parts.append("\(counts.active) active")
        if let eta = eta(counts) { parts.append("ETA \(eta)") }
        return parts.joined(separator: " · ")
    }

    /// From the pace so far: the time per finished task times the tasks left.
    private func eta(_ counts: Counts) -> String? {
        let finished = counts.done + counts.failed
        let left = counts.total - counts.finished
        guard finished > 0, left > 0 else { return nil }
        let seconds = Int((Date().timeIntervalSince(started) / Double(finished) * Double(left)).rounded(.up))
        return seconds >= 60 ? "\(seconds / 60)m \(seconds % 60)s" : "\(seconds)s"
    }
}
