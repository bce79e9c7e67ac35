// One-line notifications ("Saved to out/…", "Rate limited, retrying in 4 s").
//
// Why a queue with explicit time: views are pure, so the toast does not time itself out; the
// app passes `now` (any monotonic instant) when posting and when drawing, and drops expired
// toasts on its tick. Only the newest live toast is shown.

public struct Toast: Widget, Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case info, success, warning, error

        var role: ThemeRole {
            switch self {
            case .info: return .info
            case .success: return .success
            case .warning: return .warning
            case .error: return .error
            }
        }

        /// A symbol so the kind is clear without colour.
        public var symbol: String {
            switch self {
            case .info: return "ℹ"
            case .success: return "✓"
            case .warning: return "!"
            case .error: return "✗"
            }
        }
    }

    public var message: String
    public var kind: Kind

    public init(_ message: String, kind: Kind = .info) {
        self.message = message
        self.kind = kind
    }

    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool) {
        guard !area.isEmpty else { return }
        let line = area.row(0)
        let base = theme.style(.statusBar)
        buffer.fill(line, style: base)
        let symbolStyle = theme.style(kind.role, on: .statusBar).adding(.bold)
        let used = buffer.write(" " + kind.symbol + " ", x: line.x, y: line.y, style: symbolStyle, clip: line)
        buffer.writeLine(message, in: line.droppingLeft(used), style: theme.style(kind.role, on: .statusBar))
    }
}

/// Toasts waiting to be shown, each with an expiry.
public struct ToastQueue: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var toast: Toast
        public var expires: ContinuousClock.Instant
    }

    public private(set) var entries: [Entry] = []
    /// How many toasts are kept at most (older ones are dropped).
    public var capacity: Int

    public init(capacity: Int = 20) { self.capacity = capacity }

    /// Adds a toast that lives for `duration` from `now`.
    public mutating func post(
        _ toast: Toast, now: ContinuousClock.Instant, duration: Duration = .seconds(4)
    ) {
        entries.append(Entry(toast: toast, expires: now.advanced(by: duration)))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    /// The newest toast still alive at `now`.
    public func current(at now: ContinuousClock.Instant) -> Toast? {
        entries.last { $0.expires > now }?.toast
    }

    /// Drops expired toasts; returns true when something was removed (the view should redraw).
    @discardableResult
    public mutating func prune(at now: ContinuousClock.Instant) -> Bool {
        let before = entries.count
        entries.removeAll { $0.expires <= now }
        return entries.count != before
    }

    /// The earliest expiry, so the app can schedule exactly one wake-up instead of polling.
    public var nextExpiry: ContinuousClock.Instant? { entries.map(\.expires).min() }

    public mutating func removeAll() { entries.removeAll() }
}
