// The real terminal, through ncursesw. This is the only code in the project that calls ncurses.
//
// Why it is built this way:
// - Painting: `present(_:)` diffs the new frame against the last one painted
//   (`ScreenBuffer.diff(from:)`) and touches only changed cells; an unchanged frame makes no
//   ncurses call at all, so an idle app costs nothing.
// - Input: a dedicated thread sleeps in poll(2) on stdin and on a self-pipe that signal handlers
//   write to; when stdin is readable it drains ncurses with non-blocking `wget_wch` and decodes
//   with `InputDecoder`, then yields `KeyEvent`s on an `AsyncStream`. No polling timer: zero
//   wake-ups while nothing happens.
// - Thread safety: ncurses is not thread-safe, so every ncurses call happens under one mutex
//   (painting from the app, reading on the input thread, resize, shutdown).
// - Signals: SIGWINCH resizes (resizeterm + `.resize` event). SIGINT, SIGTERM, SIGHUP and SIGQUIT
//   restore the terminal and then end the process with that same signal. `shutdown()` (also run
//   by `CursesTerminal.run`, by `deinit`, and by an atexit hook) restores it on normal exits and
//   thrown errors. Restoring means: bracketed paste and mouse reporting off, cursor visible, endwin.
// - Mouse: we switch reporting on ourselves (CSI ?1000h: presses, releases, wheel; ?1006h: SGR
//   encoding) and `InputDecoder` parses the reports, rather than using ncurses' mousemask and
//   KEY_MOUSE. Checked with ncurses 6.4 in tmux 3.3a: ncurses picks the encoding from terminfo's
//   kmous, which is SGR (`\E[<`) for xterm-256color but X10 (`\E[M`: 223-column limit, no
//   released button) for tmux-256color and screen-256color; and with mouse support off it still
//   claims `\E[<` as KEY_MOUSE and hands the rest of a stray report over as typed text
//   ("0;5;3M"). So `keyok(KEY_MOUSE, false)` always gives us the raw bytes, SGR is requested on
//   every terminal, decoding stays pure and tested, and reporting is switched off on the same
//   paths as bracketed paste. With `mouse: false` nothing is switched on (the terminal's own
//   text selection keeps working) and stray reports are still dropped, never typed.
// - Colours: theme colours (already resolved for the colour mode) become ncurses colour pairs,
//   created on first use and cached; 256-colour, 8-colour and direct-colour terminals are handled,
//   and in `.none` mode colours are never started. Pairs are counted per screen cell
//   (`ColorPairTable`): once every pair number is used, pairs that no cell shows any more are
//   redefined, so image previews never run the terminal out of pairs.

import CNcursesw
import Foundation
import Locking

import TerminalKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the terminal could not be started.
public enum CursesError: Error, CustomStringConvertible, Sendable {
    case notATerminal
    case initializationFailed(String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "standard input and output must be a terminal (run it in a terminal, not through a pipe)"
        case .initializationFailed(let why):
            return "cannot start the terminal UI: \(why)"
        }
    }
}

/// A `TerminalBackend` drawing on the process's terminal with ncursesw.
public final class CursesTerminal: TerminalBackend {
    /// Start-up choices.
    public struct Options: Sendable {
        /// Force a colour mode (still limited to what the terminal supports); nil detects it.
        public var colorMode: ColorMode?
        /// Ask the terminal to mark pasted text, so a paste arrives as one `.paste` event.
        public var bracketedPaste: Bool
        /// Ask the terminal to report clicks and the wheel (`.mouse` events). Off leaves the
        /// mouse to the terminal, so selecting text with it works as usual.
        public var mouse: Bool
        /// Milliseconds to wait after ESC for the rest of an escape sequence.
        public var escapeDelay: Int
        /// The environment used for colour detection (NO_COLOR, TERM, COLORTERM).
        public var environment: [String: String]

        public init(
            colorMode: ColorMode? = nil, bracketedPaste: Bool = true, mouse: Bool = true, escapeDelay: Int = 25,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.colorMode = colorMode
            self.bracketedPaste = bracketedPaste
            self.mouse = mouse
            self.escapeDelay = escapeDelay
            self.environment = environment
        }
    }

    /// Everything behind the mutex: ncurses itself plus what we know about the screen.
    private struct State {
        var active = true
        var size: Size
        var lastFrame: ScreenBuffer? = nil
        var lastReportedSize: Size
        var cursorVisible: Int32 = -1
        /// Colour pairs, counted per screen cell so that pairs no longer shown are recycled
        /// (image previews need far more fg/bg combinations than themes).
        var pairs: ColorPairTable
        var framesPainted = 0
        var cellsPainted = 0
    }

    private static let pasteStartCode: Int32 = 0x7F01
    private static let pasteEndCode: Int32 = 0x7F02
    /// Button presses and releases plus the wheel (1000), reported in SGR encoding (1006).
    private static let mouseReportingOn = "\u{1B}[?1000h\u{1B}[?1006h"
    private static let mouseReportingOff = "\u{1B}[?1006l\u{1B}[?1000l"
    /// Byte written to the signal pipe to stop the input thread.
    private static let stopByte: UInt8 = 0
    private static let terminatingSignals: [Int32] = [cnc_sigint(), cnc_sigterm(), cnc_sighup(), cnc_sigquit()]

    /// The terminal to restore from the atexit hook (one curses session per process).
    private static let live = Locked<CursesTerminal?>(nil)

    private let state: Locked<State>
    public let colorMode: ColorMode
    public let events: AsyncStream<KeyEvent>
    private let continuation: AsyncStream<KeyEvent>.Continuation
    private let signalReadFD: Int32
    private let signalWriteFD: Int32
    private let bracketedPaste: Bool
    private let mouse: Bool
    /// Running inside tmux: notifications are wrapped for its passthrough.
    private let insideTmux: Bool
    private let colorCount: Int32
    private let directColor: Bool

    /// Starts curses on the process's terminal. Call `shutdown()` when done (or use `run`).
    public init(options: Options = Options()) throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw CursesError.notATerminal }
        if CursesTerminal.live.withLock({ $0 != nil }) {
            throw CursesError.initializationFailed("a terminal session is already running")
        }
        if cnc_setlocale_from_env() == 0 {
            // No UTF-8 locale in the environment: ask for one so wide characters still work.
            _ = cnc_force_utf8_ctype()
        }

        var readFD: Int32 = -1
        var writeFD: Int32 = -1
        guard cnc_make_pipe(&readFD, &writeFD) == 0 else {
            throw CursesError.initializationFailed("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        // Installed before newterm, so ncurses keeps its hands off these signals.
        cnc_install_signal(cnc_sigwinch(), writeFD)
        for sig in CursesTerminal.terminatingSignals { cnc_install_signal(sig, writeFD) }

        guard cnc_newterm() != nil else {
            CursesTerminal.restoreSignals()
            close(readFD)
            close(writeFD)
            let term = options.environment["TERM"] ?? "(unset)"
            throw CursesError.initializationFailed("ncurses does not know the terminal type TERM=\(term)")
        }
        raw()
        noecho()
        nonl()
        cnc_keypad(1)
        cnc_timeout(0)
        cnc_scrollok(0)
        set_escdelay(Int32(max(0, options.escapeDelay)))
        _ = define_key("\u{1B}[200~", CursesTerminal.pasteStartCode)
        _ = define_key("\u{1B}[201~", CursesTerminal.pasteEndCode)
        // Mouse reports reach `InputDecoder` as plain input (see "Mouse" above).
        _ = cnc_keyok(cnc_key_mouse(), 0)

        var mode = ColorMode.none
        var colors: Int32 = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colors = cnc_colors()
            mode = ColorMode.detect(environment: options.environment, colorCount: Int(colors))
        } else {
            mode = ColorMode.detect(environment: options.environment, colorCount: 0)
        }
        if let forced = options.colorMode {
            // A forced mode may only ask for less than the terminal can do.
            let order: [ColorMode] = [.none, .c8, .c256, .trueColor]
            let cap = order.firstIndex(of: mode) ?? 0
            mode = order[min(cap, order.firstIndex(of: forced) ?? cap)]
        }
        self.colorMode = mode
        self.colorCount = colors
        self.directColor = colors >= 1 << 24
        self.signalReadFD = readFD
        self.signalWriteFD = writeFD
        self.bracketedPaste = options.bracketedPaste
        self.mouse = options.mouse
        self.insideTmux = options.environment["TMUX"] != nil
        let size = Size(width: Int(cnc_cols()), height: Int(cnc_lines()))
        let pairCapacity = max(0, Int(cnc_color_pairs()) - 1)
        self.state = Locked(State(size: size, lastReportedSize: size, pairs: ColorPairTable(capacity: pairCapacity)))
        (events, continuation) = AsyncStream<KeyEvent>.makeStream(bufferingPolicy: .unbounded)

        cnc_erase()
        cnc_noutrefresh()
        doupdate()
        if options.bracketedPaste { cnc_write_raw("\u{1B}[?2004h") }
        if options.mouse { cnc_write_raw(CursesTerminal.mouseReportingOn) }

        CursesTerminal.live.withLock { $0 = self }
        CursesTerminal.installAtExitHook()
        let thread = Thread { [self] in self.inputLoop() }
        thread.name = "curses-input"
        thread.start()
    }

    deinit {
        shutdown()
    }

    /// Runs `body` with a started terminal and restores the terminal however `body` ends
    /// (return or thrown error).
    public static func run<T>(
        options: Options = Options(), _ body: (CursesTerminal) async throws -> T
    ) async throws -> T {
        let terminal = try CursesTerminal(options: options)
        defer { terminal.shutdown() }
        return try await body(terminal)
    }

    public var size: Size { state.withLock { $0.size } }

    /// Frames that caused painting, and cells painted in total (diagnostics, benchmarks).
    public var paintStatistics: (frames: Int, cells: Int) {
        state.withLock { ($0.framesPainted, $0.cellsPainted) }
    }

    // MARK: painting

    public func present(_ buffer: ScreenBuffer) {
        state.withLock { s in
            guard s.active else { return }
            let cursorChanged = s.lastFrame?.cursor != buffer.cursor || s.lastFrame == nil
            let fullRepaint = s.lastFrame.map { $0.size != buffer.size } ?? true
            if fullRepaint {
                // First frame or new size: start from a clean physical screen.
                if s.lastFrame != nil { cnc_clear() } else { cnc_erase() }
                s.pairs.screenCleared(cellCount: s.size.width * s.size.height)
            }
            // Painted straight from the comparison with the last frame: no list of changes is
            // built on the way (this runs on every key press).
            var painter = Painter()
            var painted = 0
            buffer.forEachChange(from: fullRepaint ? nil : s.lastFrame) { x, y, cell in
                if cell.isContinuation { return }
                paint(cell, x: x, y: y, painter: &painter, state: &s)
                painted += 1
            }
            if painted == 0 && !fullRepaint && !cursorChanged { return }
            if let c = buffer.cursor, c.x >= 0, c.y >= 0, c.x < s.size.width, c.y < s.size.height {
                if s.cursorVisible != 1 {
                    curs_set(1)
                    s.cursorVisible = 1
                }
                cnc_leaveok(0)
                cnc_move(Int32(c.y), Int32(c.x))
            } else {
                if s.cursorVisible != 0 {
                    curs_set(0)
                    s.cursorVisible = 0
                }
                cnc_leaveok(1)
            }
            cnc_noutrefresh()
            doupdate()
            s.lastFrame = buffer
            s.framesPainted += 1
            s.cellsPainted += painted
        }
    }

    /// What one `present` reuses from cell to cell: neighbouring cells nearly always share a
    /// style, so its attributes and colour pair are worked out once per change of style.
    private struct Painter {
        var scalars: [wchar_t] = []
        var style: Style? = nil
        var attrs: attr_t = 0
        var pair: Int32 = 0
    }

    private func paint(_ cell: Cell, x: Int, y: Int, painter: inout Painter, state s: inout State) {
        if painter.style != cell.style {
            painter.style = cell.style
            painter.attrs = attributes(cell.style.attributes)
            painter.pair = colorMode == .none ? 0 : pairNumber(cell.style, &s)
        }
        let attrs = painter.attrs
        let pair = painter.pair
        if x < s.size.width, y < s.size.height {
            let index = y * s.size.width + x
            s.pairs.setCell(index, to: pair)
            if cell.width == 2, x + 1 < s.size.width { s.pairs.setCell(index + 1, to: pair) }
        }
        if let scalar = cell.scalar {
            // One scalar (nearly every cell): no array, controls shown as spaces.
            let v = scalar.value
            var c = wchar_t(bitPattern: DisplayWidth.isControl(scalarValue: v) ? 0x20 : v)
            _ = cnc_put_cluster(Int32(y), Int32(x), &c, 1, attrs, pair)
            return
        }
        let character = cell.character
        painter.scalars.removeAll(keepingCapacity: true)
        for u in character.unicodeScalars { painter.scalars.append(wchar_t(bitPattern: u.value)) }
        if painter.scalars.isEmpty || DisplayWidth.isControl(character) {
            painter.scalars = [wchar_t(0x20)]
        }
        let count = Int32(painter.scalars.count)
        let result = painter.scalars.withUnsafeBufferPointer { p in
            cnc_put_cluster(Int32(y), Int32(x), p.baseAddress, count, attrs, pair)
        }
        if result == -2 {
            // ncurses refused the cluster (e.g. an emoji sequence): draw its base character.
            var base = wchar_t(bitPattern: character.unicodeScalars.first?.value ?? 0x20)
            _ = cnc_put_cluster(Int32(y), Int32(x), &base, 1, attrs, pair)
        }
    }

    private func attributes(_ a: TextAttributes) -> attr_t {
        var r = cnc_a_normal()
        if a.contains(.bold) { r |= cnc_a_bold() }
        if a.contains(.underline) { r |= cnc_a_underline() }
        if a.contains(.reverse) { r |= cnc_a_reverse() }
        if a.contains(.dim) { r |= cnc_a_dim() }
        if a.contains(.italic) { r |= cnc_a_italic() }
        return r
    }

    /// ncurses colour number for a theme colour (-1 = the terminal's default).
    private func colorNumber(_ c: TerminalColor) -> Int32 {
        func rgbValue(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int32 { Int32(r) << 16 | Int32(g) << 8 | Int32(b) }
        func basic(_ c: TerminalColor) -> Int32 {
            if case .indexed(let i) = ColorMath.nearest8(c) { return Int32(i) }
            return -1
        }
        switch c {
        case .default:
            return -1
        case .indexed(let i):
            if directColor {
                if i < 8 { return Int32(i) }
                let (r, g, b) = ColorMath.rgb(ofIndex: i)
                return rgbValue(r, g, b)
            }
            return Int32(i) < colorCount ? Int32(i) : basic(c)
        case .rgb(let r, let g, let b):
            if directColor { return rgbValue(r, g, b) }
            let i = Int32(ColorMath.nearest256(r, g, b))
            return i < colorCount ? i : basic(c)
        }
    }

    private func pairNumber(_ style: Style, _ s: inout State) -> Int32 {
        let fg = colorNumber(style.foreground)
        let bg = colorNumber(style.background)
        if fg == -1 && bg == -1 { return 0 }
        let key = Int64(fg) << 32 | Int64(UInt32(bitPattern: bg))
        // Every pair shown on screen: fall back to the default colours rather than recolouring
        // cells that are already on screen. Pairs no cell shows any more are redefined.
        switch s.pairs.acquire(key) {
        case .cached(let p): return p
        case .assigned(let p): return init_extended_pair(p, fg, bg) == cnc_ok() ? p : 0
        case nil: return 0
        }
    }

    // MARK: input

    private func inputLoop() {
        var decoder = InputDecoder()
        var fds = [
            pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
            pollfd(fd: signalReadFD, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let r = poll(&fds, 2, -1)
            if r < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                var bytes = [UInt8](repeating: 0, count: 64)
                let n = read(signalReadFD, &bytes, bytes.count)
                if n > 0 {
                    for sig in bytes.prefix(n) {
                        if sig == CursesTerminal.stopByte {
                            continuation.finish()
                            return
                        }
                        handleSignal(Int32(sig))
                    }
                }
            }
            let stdinFlags = fds[0].revents
            if stdinFlags & Int16(POLLIN) != 0 {
                guard let raws = drainInput() else { break }
                var out = decoder.feed(raws)
                out += decoder.flush()
                for e in out { deliver(e) }
            } else if stdinFlags & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                // The terminal went away.
                restoreTerminal()
                continuation.finish()
                return
            }
        }
        continuation.finish()
    }

    private func deliver(_ e: KeyEvent) {
        if case .mouse(let m) = e {
            // Off: a report is a stray from some other program that left reporting on, not the
            // user's request. Outside: reported for a size the screen no longer has.
            guard mouse, Rect(size: size).contains(m.position) else { return }
        }
        if case .resize = e {
            // Coalesce: only report sizes the app has not been told yet.
            let changed = state.withLock { s -> Bool in
                guard s.size != s.lastReportedSize else { return false }
                s.lastReportedSize = s.size
                return true
            }
            if changed {
                let sz = size
                continuation.yield(.resize(width: sz.width, height: sz.height))
            }
            return
        }
        continuation.yield(e)
    }

    /// Reads everything ncurses has for us right now. Nil once the terminal was shut down.
    private func drainInput() -> [InputDecoder.Raw]? {
        state.withLock { s -> [InputDecoder.Raw]? in
            guard s.active else { return nil }
            var out: [InputDecoder.Raw] = []
            var ch: wint_t = 0
            while true {
                let r = cnc_get_wch(&ch)
                if r == cnc_err() { break }
                if r == cnc_key_code_yes() {
                    let code = Int32(bitPattern: UInt32(ch))
                    if code == cnc_key_resize() {
                        s.size = Size(width: Int(cnc_cols()), height: Int(cnc_lines()))
                        s.lastFrame = nil
                        out.append(.key(.resize(width: s.size.width, height: s.size.height)))
                    } else if code == CursesTerminal.pasteStartCode {
                        out.append(.pasteStart)
                    } else if code == CursesTerminal.pasteEndCode {
                        out.append(.pasteEnd)
                    } else if let key = CursesTerminal.key(forCode: code) {
                        out.append(.key(key))
                    }
                } else {
                    out.append(.scalar(UInt32(ch)))
                }
                if out.count > 65_536 { break }  // keep the lock short even for huge pastes
            }
            return out
        }
    }

    /// Maps ncurses key codes to events.
    static func key(forCode code: Int32) -> KeyEvent? {
        switch code {
        case cnc_key_up(), cnc_key_sr(): return .up
        case cnc_key_down(), cnc_key_sf(): return .down
        case cnc_key_left(): return .left
        case cnc_key_right(): return .right
        case cnc_key_sleft(): return .alt("b")
        case cnc_key_sright(): return .alt("f")
        case cnc_key_home(), cnc_key_shome(): return .home
        case cnc_key_end(), cnc_key_send(): return .end
        case cnc_key_ppage(): return .pageUp
        case cnc_key_npage(): return .pageDown
        case cnc_key_backspace(): return .backspace
        case cnc_key_dc(): return .delete
        case cnc_key_ic(): return .insert
        case cnc_key_enter(): return .enter
        case cnc_key_btab(): return .backTab
        case cnc_key_f(1)...cnc_key_f(24): return .function(Int(code - cnc_key_f0()))
        default:
            // Extended keys from the terminfo database ("kLFT5" = Ctrl-Left ...).
            guard let namePtr = keyname(code) else { return nil }
            let name = String(cString: namePtr)
            if name.hasPrefix("kLFT") { return .alt("b") }
            if name.hasPrefix("kRIT") { return .alt("f") }
            if name.hasPrefix("kUP") { return .up }
            if name.hasPrefix("kDN") { return .down }
            if name.hasPrefix("kHOM") { return .home }
            if name.hasPrefix("kEND") { return .end }
            if name.hasPrefix("kDC") { return .delete }
            if name.hasPrefix("kPRV") { return .pageUp }
            if name.hasPrefix("kNXT") { return .pageDown }
            return nil
        }
    }

    private func handleSignal(_ sig: Int32) {
        if sig == cnc_sigwinch() {
            var rows: Int32 = 0
            var cols: Int32 = 0
            guard cnc_terminal_size(1, &rows, &cols) == 0 || cnc_terminal_size(0, &rows, &cols) == 0 else { return }
            let active = state.withLock { s -> Bool in
                guard s.active else { return false }
                resizeterm(max(1, rows), max(1, cols))
                s.size = Size(width: Int(cnc_cols()), height: Int(cnc_lines()))
                s.lastFrame = nil
                return true
            }
            if active {
                // ncurses may also queue KEY_RESIZE; `deliver` reports each new size once.
                deliver(.resize(width: Int(cols), height: Int(rows)))
            }
            return
        }
        if CursesTerminal.terminatingSignals.contains(sig) {
            restoreTerminal()
            // Die of the signal before ending the event stream: finishing it first let the main
            // thread, under load, return from its loop and exit 0 before this thread re-raised.
            cnc_reraise_default(sig)
            continuation.finish()
        }
    }

    // MARK: shutdown

    /// Leaves curses mode once: bracketed paste and mouse reporting off, cursor back, endwin,
    /// signal handlers back.
    private func restoreTerminal() {
        let wasActive = state.withLock { s -> Bool in
            guard s.active else { return false }
            s.active = false
            if bracketedPaste { cnc_write_raw("\u{1B}[?2004l") }
            if mouse { cnc_write_raw(CursesTerminal.mouseReportingOff) }
            curs_set(1)
            endwin()
            return true
        }
        guard wasActive else { return }
        CursesTerminal.restoreSignals()
        CursesTerminal.live.withLock { if $0 === self { $0 = nil } }
    }

    private static func restoreSignals() {
        cnc_restore_signal(cnc_sigwinch())
        for sig in terminatingSignals { cnc_restore_signal(sig) }
    }

    /// Writes the notification's bytes between frames (they move no cursor and draw no cell).
    public func notify(_ notification: TerminalNotification, style: NotificationStyle) {
        let bytes = notification.bytes(style, insideTmux: insideTmux)
        guard !bytes.isEmpty else { return }
        state.withLock { s in
            guard s.active else { return }
            cnc_write_raw(String(decoding: bytes, as: UTF8.self))
        }
    }

    public func shutdown() {
        restoreTerminal()
        var b = CursesTerminal.stopByte
        _ = write(signalWriteFD, &b, 1)
        continuation.finish()
    }

    private static let atExitInstalled = Locked(false)

    private static func installAtExitHook() {
        let first = atExitInstalled.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        atexit {
            let terminal = CursesTerminal.live.withLock { $0 }
            terminal?.restoreTerminal()
        }
    }
}
