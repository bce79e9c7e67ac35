import Foundation
import ImagePreview
import TerminalKit

// Image previews in the app: the views ask the cache, never the disk.
//
// Why: decoding a 1 MP JPEG takes milliseconds, a frame must not. After every event `update`
// works out which previews the screen shows (`AppUpdate.wantedPreviews`, using the same layout
// functions as the views) and asks the runner to load the missing ones off the loop
// (`AppEffect.loadPreview`); the answer (`AppEvent.previewLoaded`) lands in this cache, and the
// view meanwhile shows "loading preview…". The cache is bounded (least recently wanted first out).

/// Which preview: a file drawn into a box of `columns` x `rows` cells.
public struct PreviewKey: Hashable, Sendable {
    public var path: String
    public var columns: Int
    public var rows: Int

    public init(path: String, columns: Int, rows: Int) {
        self.path = path
        self.columns = columns
        self.rows = rows
    }
}

/// A loaded preview with the file's modification time when it was read.
public struct LoadedPreview: Sendable, Hashable {
    public var result: PreviewResult
    public var modified: Date?

    public init(result: PreviewResult, modified: Date?) {
        self.result = result
        self.modified = modified
    }
}

/// Loaded previews, least recently wanted first out, plus the ones being loaded.
public struct PreviewCache: Sendable {
    public let capacity: Int
    private var entries: [PreviewKey: LoadedPreview] = [:]
    /// Keys, least recently wanted first.
    private var order: [PreviewKey] = []
    public private(set) var pending: Set<PreviewKey> = []

    public init(capacity: Int = 32) { self.capacity = max(1, capacity) }

    public var count: Int { entries.count }

    public subscript(key: PreviewKey) -> LoadedPreview? { entries[key] }

    /// Whether `key` must be loaded; marks it pending if so, else marks it recently wanted.
    public mutating func request(_ key: PreviewKey) -> Bool {
        if entries[key] != nil {
            touch(key)
            return false
        }
        return pending.insert(key).inserted
    }

    public mutating func store(_ key: PreviewKey, _ preview: LoadedPreview) {
        pending.remove(key)
        entries[key] = preview
        touch(key)
        while order.count > capacity {
            entries[order.removeFirst()] = nil
        }
    }

    /// Forgets every preview of `path` (the file changed or went away).
    public mutating func invalidate(path: String) {
        for key in entries.keys where key.path == path { entries[key] = nil }
        order.removeAll { $0.path == path }
    }

    private mutating func touch(_ key: PreviewKey) {
        if let i = order.firstIndex(of: key) { order.remove(at: i) }
        order.append(key)
    }
}

/// Drawing a preview box from the cache: the image, or a one-line reason, or the placeholder.
enum PreviewBox {
    static let loading = "loading preview…"

    static func render(_ key: PreviewKey, cache: PreviewCache, mode: ColorMode, into buffer: inout ScreenBuffer, in area: Rect,
                       theme: Theme) {
        guard !area.isEmpty else { return }
        let message: String
        if mode == .none {
            message = PreviewLoader.noColorNotice
        } else {
            switch cache[key]?.result {
            case .image(let image)?:
                image.draw(into: &buffer, in: area)
                return
            case .unavailable(let why)?: message = why
            case nil: message = loading
            }
        }
        let lines = wrap(message, width: area.width)
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (i, line) in lines.prefix(area.height).enumerated() {
            let row = Rect(x: area.x, y: top + i, width: area.width, height: 1)
            let w = DisplayWidth.of(line)
            buffer.write(line, x: area.x + max(0, (area.width - w) / 2), y: row.y, style: theme.style(.muted), clip: row)
        }
    }

    /// Word-wraps a short message to the box width.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if DisplayWidth.of(candidate) <= width || line.isEmpty {
                line = candidate
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
