// Turns the raw input a backend reads (code points and already-recognised special keys) into
// `KeyEvent`s.
//
// Why here and not in the backend: the rules are pure and worth testing without a terminal.
// - ESC followed by a printable character is Alt+character (how terminals send Meta).
// - A lone ESC (nothing follows before the backend flushes) is Escape.
// - Escape sequences the terminal database did not know are parsed here: CSI (ESC [ ... final)
//   and SS3 (ESC O x) for arrows, Home/End, PgUp/PgDn, Delete, Insert, F1-F12, Shift-Tab, and
//   bracketed paste (ESC [200~ ... ESC [201~). Ctrl/Alt+←/→ become word moves (Alt-B/Alt-F),
//   which is what every text field does with them. Unknown sequences are dropped, never typed.
// - Mouse reports (SGR `ESC [ < ...`, legacy `ESC [ M` + 3 bytes) become `.mouse` events by the
//   rules in MouseReport.swift. A report split across reads stays open across `flush()` (the
//   terminal sent its start, the rest is on the way); a report cut off by any other input is
//   dropped and that input is decoded as usual, so no key is lost and no digits are typed.
// - Text between paste markers becomes one `.paste` event (CR and CRLF become "\n").
// - Code points that extend the previous character's grapheme cluster join it ("e" + U+0301 =
//   "é", emoji ZWJ sequences, flags).

/// Incremental input decoder; feed it raw input, then `flush()` when no more input is waiting.
public struct InputDecoder: Sendable {
    /// One unit of raw input.
    public enum Raw: Hashable, Sendable {
        /// A Unicode code point as read (control characters included).
        case scalar(UInt32)
        /// A key the backend already recognised (arrows, function keys ...).
        case key(KeyEvent)
        /// Start of bracketed paste.
        case pasteStart
        /// End of bracketed paste.
        case pasteEnd
    }

    private enum State: Sendable {
        case ground
        case escape
        case csi(String)
        case ss3
        /// Inside `ESC [ <`: the parameters so far.
        case sgrMouse(String)
        /// After `ESC [ M`: the values so far.
        case x10Mouse([UInt32])
    }

    private var state: State = .ground
    private var paste: String? = nil
    private var pending: [KeyEvent] = []

    public init() {}

    /// Whether the decoder is in the middle of a paste.
    public var isPasting: Bool { paste != nil }

    /// Feeds raw input; returns events that are complete.
    public mutating func feed(_ raw: Raw) -> [KeyEvent] {
        process(raw)
        return takeCompleted()
    }

    /// Feeds several raw inputs.
    public mutating func feed(_ raws: [Raw]) -> [KeyEvent] {
        for r in raws { process(r) }
        return takeCompleted()
    }

    /// No more input is waiting right now: a pending ESC is the Escape key, an unfinished
    /// sequence is dropped. A paste or a mouse report in progress stays open (it may span reads).
    public mutating func flush() -> [KeyEvent] {
        switch state {
        case .escape:
            pending.append(.escape)
            state = .ground
        case .csi, .ss3:
            state = .ground
        case .sgrMouse, .x10Mouse, .ground:
            break
        }
        let out = pending
        pending = []
        return out
    }

    /// Everything decoded so far. (A combining mark that arrives in a later read than its base
    /// character is dropped rather than shown on its own.)
    private mutating func takeCompleted() -> [KeyEvent] {
        let out = pending
        pending = []
        return out
    }

    private mutating func emit(_ e: KeyEvent) { pending.append(e) }

    private mutating func process(_ raw: Raw) {
        if paste != nil {
            switch raw {
            case .pasteEnd:
                finishPaste()
            case .scalar(let v):
                if case .ground = state {
                    if v == 0x1B {
                        state = .escape  // may be the start of ESC[201~
                        return
                    }
                    appendPaste(v)
                } else {
                    processSequence(v)
                }
            case .key(.enter):
                paste?.append("\n")
            case .key, .pasteStart:
                break
            }
            return
        }
        switch raw {
        case .pasteStart:
            if case .escape = state { emit(.escape) }
            state = .ground
            paste = ""
        case .pasteEnd:
            break
        case .key(let k):
            if case .escape = state {
                // ESC then a recognised key: Alt+arrow and friends are not modelled; report both.
                emit(.escape)
            }
            state = .ground
            emit(k)
        case .scalar(let v):
            switch state {
            case .ground:
                ground(v)
            default:
                processSequence(v)
            }
        }
    }

    private mutating func ground(_ v: UInt32) {
        if v == 0x1B {
            state = .escape
            return
        }
        if v < 0x20 || v == 0x7F {
            if let e = KeyEvent.fromControlByte(UInt8(v)) { emit(e) }
            return
        }
        guard let scalar = Unicode.Scalar(v) else { return }
        if (0x80..<0xA0).contains(v) { return }  // C1 controls are never typed text
        // Extend the previous character when this scalar belongs to the same grapheme cluster
        // (combining marks, ZWJ emoji sequences, flags, variation selectors).
        if case .char(let c)? = pending.last {
            var s = String(c)
            s.unicodeScalars.append(scalar)
            if s.count == 1, let merged = s.first {
                pending[pending.count - 1] = .char(merged)
                return
            }
        }
        // A lone zero-width scalar has nothing to attach to: drop it.
        if DisplayWidth.of(scalar: scalar) == 0 { return }
        emit(.char(Character(scalar)))
    }

    private mutating func processSequence(_ v: UInt32) {
        switch state {
        case .escape:
            if v == 0x5B {  // "["
                state = .csi("")
            } else if v == 0x4F {  // "O"
                state = .ss3
            } else if v == 0x1B {
                if paste == nil { emit(.escape) }
                state = .escape
            } else if v < 0x20 || v == 0x7F {
                state = .ground
                if paste != nil {
                    appendPaste(0x1B)
                    appendPaste(v)
                    return
                }
                emit(.escape)
                ground(v)
            } else {
                state = .ground
                if paste != nil {
                    appendPaste(0x1B)
                    appendPaste(v)
                    return
                }
                if let s = Unicode.Scalar(v) { emit(.alt(Character(s))) }
            }
        case .csi(let params):
            if params.isEmpty && v == 0x3C && paste == nil {  // "<"
                state = .sgrMouse("")
            } else if params.isEmpty && v == 0x4D && paste == nil {  // "M"
                state = .x10Mouse([])
            } else if (0x20...0x3F).contains(v) {
                state = .csi(params + String(Character(Unicode.Scalar(UInt8(v)))))
            } else if (0x40...0x7E).contains(v) {
                state = .ground
                finishCSI(params: params, final: Character(Unicode.Scalar(UInt8(v))))
            } else {
                state = .ground  // malformed: drop it
            }
        case .ss3:
            state = .ground
            guard paste == nil else { return }
            switch v {
            case 0x41: emit(.up)
            case 0x42: emit(.down)
            case 0x43: emit(.right)
            case 0x44: emit(.left)
            case 0x48: emit(.home)
            case 0x46: emit(.end)
            case 0x50: emit(.function(1))
            case 0x51: emit(.function(2))
            case 0x52: emit(.function(3))
            case 0x53: emit(.function(4))
            case 0x4D: emit(.enter)
            default: break
            }
        case .sgrMouse(let params):
            sgrMouse(params, v)
        case .x10Mouse(let values):
            let all = values + [v]
            guard all.count == 3 else {
                state = .x10Mouse(all)
                return
            }
            state = .ground
            if let e = MouseReport.x10(all) { emit(.mouse(e)) }
        case .ground:
            ground(v)
        }
    }

    private mutating func sgrMouse(_ params: String, _ v: UInt32) {
        switch v {
        case 0x30...0x39, 0x3B:  // digits and ";"
            // Longer than any valid report: stop growing it, but keep consuming it so its tail
            // is not typed; it is rejected when it ends.
            let more = params.count < MouseReport.maxSGRLength ? String(UnicodeScalar(UInt8(v))) : ""
            state = .sgrMouse(params + more)
        case 0x4D, 0x6D:  // "M" press, "m" release
            state = .ground
            if let e = MouseReport.sgr(parameters: params, isRelease: v == 0x6D) { emit(.mouse(e)) }
        default:
            // Cut off by other input: drop the report, decode the input as usual.
            state = .ground
            ground(v)
        }
    }

    private mutating func finishCSI(params: String, final: Character) {
        if paste != nil {
            if final == "~" && params == "201" { finishPaste() }
            return
        }
        let parts = params.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        let first = parts.first ?? 0
        let modifier = parts.count > 1 ? parts[1] : 1
        // Modifier 3 = Alt, 5 = Ctrl, 7 = Ctrl+Alt.
        let wordMove = modifier == 3 || modifier == 5 || modifier == 7
        switch final {
        case "A": emit(.up)
        case "B": emit(.down)
        case "C": emit(wordMove ? .alt("f") : .right)
        case "D": emit(wordMove ? .alt("b") : .left)
        case "H": emit(.home)
        case "F": emit(.end)
        case "Z": emit(.backTab)
        case "P": emit(.function(1))
        case "Q": emit(.function(2))
        case "R": emit(.function(3))
        case "S": emit(.function(4))
        case "~":
            switch first {
            case 200: paste = ""
            case 1, 7: emit(.home)
            case 4, 8: emit(.end)
            case 2: emit(.insert)
            case 3: emit(.delete)
            case 5: emit(.pageUp)
            case 6: emit(.pageDown)
            case 11...15: emit(.function(first - 10))
            case 17...21: emit(.function(first - 11))
            case 23, 24: emit(.function(first - 12))
            default: break
            }
        default:
            break  // unknown sequence (focus events, urxvt mouse reports ...): dropped
        }
    }

    private mutating func appendPaste(_ v: UInt32) {
        guard let s = Unicode.Scalar(v) else { return }
        if v == 0x0D {
            paste?.append("\n")
        } else if v == 0x0A {
            if paste?.hasSuffix("\n") == true && lastWasCR {
                // CRLF: the CR already produced the newline.
            } else {
                paste?.append("\n")
            }
        } else {
            paste?.unicodeScalars.append(s)
        }
        lastWasCR = v == 0x0D
    }

    private var lastWasCR = false

    private mutating func finishPaste() {
        let text = paste ?? ""
        paste = nil
        state = .ground
        lastWasCR = false
        emit(.paste(text))
    }
}
