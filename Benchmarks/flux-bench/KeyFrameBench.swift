import CursesBackend
import DeterministicRandom
import FluxApp
import Foundation
import TaskStore
import TerminalKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Key press to painted frame on the task list: exactly what `AppRunner` does per key
/// (`AppUpdate.update`, `AppView.render`, compare with the last frame, `present`), timed per stage.
/// With `--terminal` it runs on a real terminal through `CursesTerminal` (run it inside tmux), so
/// "present" is the real diff + ncurses paint + write to the pty; without, it runs headless and
/// "present" is `ScreenBuffer.diff(from:)` only.
enum KeyFrameBench {
    struct Samples {
        var update: [Double] = []
        var render: [Double] = []
        var compare: [Double] = []
        var present: [Double] = []
        var total: [Double] = []
        var cells: [Double] = []
    }

    /// A fixed mix of list keys: mostly j, some k, pages up and down, and jumps to the ends.
    static func keys(count: Int) -> [KeyEvent] {
        var rng = SeededRandom(seed: 7)
        return (0..<count).map { _ in
            switch rng.next() % 40 {
            case 0..<22: return .char("j")
            case 22..<28: return .char("k")
            case 28..<32: return .pageDown
            case 32..<36: return .pageUp
            case 36..<38: return .down
            case 38: return .char("G")
            default: return .char("g")
            }
        }
    }

    static func run(taskCount: Int, keyCount: Int, terminal: Bool, paceMicroseconds: UInt32) throws -> [String: Any] {
        let tasks = Fixtures.tasks(count: taskCount, running: 20)
        let backend: (any TerminalBackend)?
        let colorMode: ColorMode
        if terminal {
            let curses = try CursesTerminal(options: .init())
            backend = curses
            colorMode = curses.colorMode
        } else {
            backend = nil
            colorMode = .c256
        }
        defer { backend?.shutdown() }
        let size = backend?.size ?? Size(width: 200, height: 60)
        let theme = ThemeLoader.standard().load(ThemeLoader.defaultThemeID, colorMode: colorMode).theme
        var state = AppState(server: ServerInfo(label: "http://127.0.0.1:8765", isSimulator: true), size: size)
        _ = AppUpdate.update(&state, .tasksLoaded(tasks))
        _ = AppUpdate.update(&state, .key(.char("2")))
        var last = AppView.render(state, theme: theme)
        if let backend { backend.present(last) }

        var samples = Samples()
        let clock = ContinuousClock()
        for (i, key) in keys(count: keyCount).enumerated() {
            let t0 = clock.now
            _ = AppUpdate.update(&state, .key(key))
            let t1 = clock.now
            let frame = AppView.render(state, theme: theme)
            let t2 = clock.now
            let changed = frame != last
            let t3 = clock.now
            var cells = 0
            if changed {
                if let backend {
                    backend.present(frame)
                } else {
                    cells = frame.diff(from: last).cellCount
                }
                last = frame
            }
            let t4 = clock.now
            // The first 20 presses warm caches (theme pairs, allocator) and are not counted.
            if i >= 20 {
                samples.update.append(seconds(t1 - t0) * 1000)
                samples.render.append(seconds(t2 - t1) * 1000)
                samples.compare.append(seconds(t3 - t2) * 1000)
                samples.present.append(seconds(t4 - t3) * 1000)
                samples.total.append(seconds(t4 - t0) * 1000)
                samples.cells.append(Double(cells))
            }
            if paceMicroseconds > 0 { usleep(paceMicroseconds) }
        }
        var cellsPainted = 0
        if let curses = backend as? CursesTerminal { cellsPainted = curses.paintStatistics.cells }
        func summary(_ v: [Double]) -> [String: Double] { ["p50": percentile(v, 50), "p99": percentile(v, 99), "max": v.max() ?? .nan] }
        return [
            "width": size.width, "height": size.height, "tasks": taskCount, "keys": samples.total.count,
            "terminal": terminal, "colorMode": "\(colorMode)",
            "update": summary(samples.update), "render": summary(samples.render), "compare": summary(samples.compare),
            "present": summary(samples.present), "total": summary(samples.total),
            "cellsPerKey": terminal ? Double(cellsPainted) / Double(max(1, keyCount + 1)) : mean(samples.cells),
        ]
    }
}
