// The seam between the app and a real terminal.
//
// Why a protocol: the app loop (state -> view -> present, events -> update) is written once
// against `TerminalBackend`; CursesBackend implements it for real terminals and `HeadlessBackend`
// below for tests, which can inject keys and inspect every frame that was presented.

import Locking

/// A terminal the app can draw on and read events from.
public protocol TerminalBackend: AnyObject, Sendable {
    /// The current size in columns and rows.
    var size: Size { get }
    /// What colours the terminal can show; themes are resolved for it.
    var colorMode: ColorMode { get }
    /// Input events (keys, paste, resize). Finishes when the backend shuts down.
    var events: AsyncStream<KeyEvent> { get }
    /// Shows a frame. Implementations paint only the cells that differ from the previous frame
    /// and do nothing at all when the frame is unchanged.
    func present(_ buffer: ScreenBuffer)
    /// Restores the terminal and ends `events`. Safe to call more than once.
    func shutdown()
    /// Shows a desktop notification the way `style` says (see `TerminalNotification`).
    func notify(_ notification: TerminalNotification, style: NotificationStyle)
}

/// A backend with no terminal: records presented frames and lets tests inject events.
public final class HeadlessBackend: TerminalBackend {
    private struct State {
        var size: Size
        var frames: [ScreenBuffer] = []
        var diffs: [ScreenDiff] = []
        var isShutDown = false
        var notifications: [(TerminalNotification, NotificationStyle)] = []
    }

    private let state: Locked<State>
    public let colorMode: ColorMode
    public let events: AsyncStream<KeyEvent>
    private let continuation: AsyncStream<KeyEvent>.Continuation

    public init(size: Size = Size(width: 80, height: 24), colorMode: ColorMode = .c256) {
        self.state = Locked(State(size: size))
        self.colorMode = colorMode
        (events, continuation) = AsyncStream<KeyEvent>.makeStream(bufferingPolicy: .unbounded)
    }

    public var size: Size { state.withLock { $0.size } }

    /// Every frame that was presented and differed from the one before (like a real terminal,
    /// identical frames are not painted and not recorded).
    public var frames: [ScreenBuffer] { state.withLock { $0.frames } }

    /// The diffs that a real backend would have painted, one per recorded frame.
    public var diffs: [ScreenDiff] { state.withLock { $0.diffs } }

    /// The most recent frame.
    public var lastFrame: ScreenBuffer? { state.withLock { $0.frames.last } }

    /// Whether `shutdown()` was called.
    public var isShutDown: Bool { state.withLock { $0.isShutDown } }

    public func present(_ buffer: ScreenBuffer) {
        state.withLock { s in
            let d = buffer.diff(from: s.frames.last)
            if d.isEmpty && s.frames.last?.cursor == buffer.cursor { return }
            s.frames.append(buffer)
            s.diffs.append(d)
        }
    }

    /// Delivers an event to the app.
    public func send(_ event: KeyEvent) { continuation.yield(event) }

    /// Delivers several events in order.
    public func send(_ events: [KeyEvent]) { events.forEach(send) }

    /// Types text as individual character events.
    public func type(_ text: String) { text.forEach { send(.char($0)) } }

    /// Changes the size and delivers the matching `.resize` event.
    public func resize(to size: Size) {
        state.withLock { $0.size = size }
        send(.resize(width: size.width, height: size.height))
    }

    /// Notifications the app asked for, in order.
    public var notifications: [(TerminalNotification, NotificationStyle)] { state.withLock { $0.notifications } }

    public func notify(_ notification: TerminalNotification, style: NotificationStyle) {
        state.withLock { $0.notifications.append((notification, style)) }
    }

    public func shutdown() {
        state.withLock { $0.isShutDown = true }
        continuation.finish()
    }
}
