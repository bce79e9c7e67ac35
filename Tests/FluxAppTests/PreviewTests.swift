import FluxAPI
import Foundation
import ImageCodec
import ImagePreview
import TaskStore
import Testing
import TerminalKit
@testable import FluxApp

/// Image previews in the app, headless: the update asks for loads, the runner's loader answers,
/// the views draw half-blocks from the cache (and never decode).
@Suite struct PreviewTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)

    /// A temporary PNG: red left half, blue right half.
    static func writeImage(_ name: String = "out.png", width: Int = 64, height: Int = 64) throws -> String {
        var image = RGBAImage(width: width, height: height)
        for y in 0..<height { for x in 0..<width { image[x, y] = x < width / 2 ? .init(r: 255, g: 0, b: 0) : .init(r: 0, g: 0, b: 255) } }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flux-preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try Data(try PNGCodec.encode(image)).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func state(output: String, width: Int = 80, height: Int = 24, mode: ColorMode = .c256) -> AppState {
        var state = AppState(server: ServerInfo(label: "test", isSimulator: true), size: Size(width: width, height: height), now: now)
        state.colorMode = mode
        state.screen = .tasks
        let task = TaskEntry(id: "t1", remoteID: "r1", endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("a red door")]),
                             phase: .done, statusText: "Ready", seed: 7, createdAt: now, finishedAt: now, outputs: [output])
        _ = AppUpdate.update(&state, .tasksLoaded([task]))
        return state
    }

    /// Performs the preview loads the way the runner does (synchronously here).
    static func performLoads(_ state: inout AppState) -> Int {
        let effects = AppUpdate.previewEffects(&state)
        for case .loadPreview(let key, let mode) in effects {
            let result = PreviewLoader.load(path: key.path, columns: key.columns, rows: key.rows, mode: mode)
            _ = AppUpdate.update(&state, .previewLoaded(key, LoadedPreview(result: result, modified: nil)))
        }
        return effects.count
    }

    static func render(_ state: AppState) -> ScreenBuffer { AppView.render(state, theme: .fallback) }

    static func halfBlocks(_ buffer: ScreenBuffer) -> [(x: Int, y: Int, cell: Cell)] {
        var out: [(Int, Int, Cell)] = []
        for y in 0..<buffer.height { for x in 0..<buffer.width where buffer[x, y].character == "▀" { out.append((x, y, buffer[x, y])) } }
        return out
    }

    @Test func detailPaneShowsAPlaceholderThenTheImageAt80x24() throws {
        let path = try Self.writeImage()
        var state = Self.state(output: path)
        // Before the load answers: the placeholder, no half-blocks, and exactly one load asked for.
        #expect(Self.render(state).text.contains("loading preview…"))
        let effects = AppUpdate.previewEffects(&state)
        #expect(effects.count == 1)
        guard case .loadPreview(let key, .c256)? = effects.first else { Issue.record("no load: \(effects)"); return }
        #expect(key.path == path && key.columns >= 4 && key.rows >= 2)
        // Asked once only, while pending.
        #expect(AppUpdate.previewEffects(&state).isEmpty)

        let result = PreviewLoader.load(path: key.path, columns: key.columns, rows: key.rows, mode: .c256)
        _ = AppUpdate.update(&state, .previewLoaded(key, LoadedPreview(result: result, modified: nil)))
        let buffer = Self.render(state)
        let cells = Self.halfBlocks(buffer)
        #expect(!cells.isEmpty, "no preview at 80x24:\n\(buffer.text)")
        #expect(!buffer.text.contains("loading preview…"))
        // Left half red (196), right half blue (21), top and bottom pixel alike.
        let xs = cells.map(\.x)
        let mid = (xs.min()! + xs.max()! + 1) / 2
        for c in cells {
            let expected: TerminalColor = c.x < mid ? .indexed(196) : .indexed(21)
            #expect(c.cell.style.foreground == expected && c.cell.style.background == expected, "cell \(c.x),\(c.y)")
        }
        // The output path stays whole on its own row.
        #expect(buffer.text.contains("→ " + path))
        // Cached: nothing more to load.
        #expect(AppUpdate.previewEffects(&state).isEmpty)
    }

    @Test func pOpensAFullScreenPreviewThatAnyKeyCloses() throws {
        let path = try Self.writeImage()
        var state = Self.state(output: path, width: 120, height: 40, mode: .trueColor)
        _ = Self.performLoads(&state)
        #expect(AppUpdate.update(&state, .key(.char("p"))).isEmpty)
        guard case .imagePreview(let shown, _)? = state.overlay else { Issue.record("no preview overlay"); return }
        #expect(shown == path)
        #expect(Self.render(state).text.contains("loading preview…"))
        #expect(Self.performLoads(&state) == 1)
        let buffer = Self.render(state)
        let cells = Self.halfBlocks(buffer)
        // A square image in 120x36 cells: 72 pixels high = 36 rows, 72 columns.
        #expect(cells.count == 72 * 36, "\(cells.count) half-blocks")
        #expect(cells.allSatisfy { $0.cell.style.foreground == $0.cell.style.background })
        #expect(cells.contains { $0.cell.style.foreground == .rgb(255, 0, 0) })
        #expect(cells.contains { $0.cell.style.foreground == .rgb(0, 0, 255) })
        #expect(buffer.rowText(1).contains("64x64"))
        // o opens it and closes the preview; p again and Esc just closes.
        #expect(AppUpdate.update(&state, .key(.char("o"))) == [.openFile(path)])
        #expect(state.overlay == nil)
        _ = AppUpdate.update(&state, .key(.char("p")))
        #expect(AppUpdate.update(&state, .key(.escape)).isEmpty)
        #expect(state.overlay == nil)
    }

    @Test func oOpensTheOutputAndNeedsOne() throws {
        let path = try Self.writeImage()
        var state = Self.state(output: path)
        #expect(AppUpdate.update(&state, .key(.char("o"))) == [.openFile(path)])
        var empty = AppState(server: ServerInfo(label: "t", isSimulator: true), size: Size(width: 80, height: 24), now: Self.now)
        empty.screen = .tasks
        _ = AppUpdate.update(&empty, .tasksLoaded([TaskEntry(id: "q", endpoint: "flux-dev", parameters: TaskParameters(), createdAt: Self.now)]))
        #expect(AppUpdate.update(&empty, .key(.char("o"))).isEmpty)
        #expect(AppUpdate.update(&empty, .key(.char("p"))).isEmpty)
        #expect(empty.overlay == nil)
    }

    @Test func noColourModeShowsTheNoticeAndLoadsNothing() throws {
        let path = try Self.writeImage()
        var state = Self.state(output: path, mode: .none)
        #expect(AppUpdate.previewEffects(&state).isEmpty)
        let buffer = Self.render(state)
        #expect(buffer.text.contains("no colour: preview off"), "\(buffer.text)")
        #expect(Self.halfBlocks(buffer).isEmpty)
    }

    @Test func webpOutputSaysNoPreview() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flux-preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("out.webp").path
        let webp = Array("RIFF".utf8) + [0x20, 0, 0, 0] + Array("WEBPVP8 ".utf8) + [UInt8](repeating: 0, count: 24)
        try Data(webp).write(to: URL(fileURLWithPath: path))
        var state = Self.state(output: path, width: 120, height: 40)
        #expect(Self.performLoads(&state) == 1)
        #expect(Self.render(state).text.contains("WebP: no preview"))
    }

    @Test func theCacheIsBoundedAndLeastRecentlyWantedGoesFirst() {
        var cache = PreviewCache(capacity: 2)
        let a = PreviewKey(path: "a", columns: 1, rows: 1), b = PreviewKey(path: "b", columns: 1, rows: 1)
        let c = PreviewKey(path: "c", columns: 1, rows: 1)
        let loaded = LoadedPreview(result: .unavailable("x"), modified: nil)
        let first = cache.request(a), second = cache.request(a)
        #expect(first && !second)
        cache.store(a, loaded)
        cache.store(b, loaded)
        let again = cache.request(a)  // cached: touched
        #expect(!again)
        cache.store(c, loaded)
        #expect(cache.count == 2 && cache[b] == nil && cache[a] != nil && cache[c] != nil)
    }

    @Test func scrollingTheListNeverDecodesInTheView() throws {
        // Many finished tasks; moving down asks for each new preview once and renders immediately.
        let path = try Self.writeImage()
        var state = Self.state(output: path)
        let tasks = (0..<40).map { i in
            TaskEntry(id: "t\(i)", remoteID: "r\(i)", endpoint: "flux-dev", parameters: TaskParameters(), phase: .done,
                      createdAt: Self.now.addingTimeInterval(Double(-i)), outputs: [path + (i % 2 == 0 ? "" : ".missing")])
        }
        _ = AppUpdate.update(&state, .tasksLoaded(tasks))
        var requested = 0
        for _ in 0..<10 {
            _ = AppUpdate.update(&state, .key(.down))
            requested += AppUpdate.previewEffects(&state).count
            _ = Self.render(state)
        }
        #expect(requested == 2)  // two distinct files, each asked for once
    }
}
