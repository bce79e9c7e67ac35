// Bookkeeping for a terminal's limited colour pairs, kept free of any terminal library so it can
// be tested headless (CursesBackend owns the only instance and makes the ncurses calls).
//
// Why: a theme needs a few dozen fg/bg pairs, but an image preview can need thousands, and a new
// image brings new ones. Pairs are counted per screen cell; a pair that no cell on screen shows
// any more is idle and is the first to be redefined (least recently idled first) once every pair
// number has been handed out. A pair still on screen is never redefined, so cells never change
// colour behind the app's back. Only when one single screen needs more pairs than the terminal
// has does `acquire` answer nil (the backend then uses the default colours for that cell).

/// Maps colour keys to pair numbers `1...capacity`, recycling pairs that no screen cell shows.
///
/// Not generic on purpose: it runs for every painted cell, and a generic type used from another
/// module is not specialised (each dictionary access then went through runtime metadata).
public struct ColorPairTable: Sendable {
    /// A foreground/background combination, packed by the backend (e.g. `fg << 32 | bg`).
    public typealias Key = Int64

    /// What `acquire` found.
    public enum Grant: Equatable, Sendable {
        /// Already defined with this key: use as is.
        case cached(Int32)
        /// Newly assigned (possibly recycled): the caller must (re)define the pair before use.
        case assigned(Int32)
    }

    /// Usable pair numbers: 1...capacity (pair 0 is the terminal's default colours).
    public let capacity: Int
    private var numbers: [Key: Int32] = [:]
    /// By pair number: its key (index 0 unused).
    private var keys: [Key?]
    /// By pair number: how many screen cells currently show it.
    private var uses: [Int]
    /// By pair number: the stamp of its latest entry in `idle` (stale entries are skipped).
    private var idleStamp: [Int]
    /// Pairs whose use count fell to zero, oldest first (lazily cleaned).
    private var idle: [(pair: Int32, stamp: Int)] = []
    private var idleHead = 0
    private var stamp = 0
    private var next: Int32 = 1
    /// By screen cell (row-major): the pair it shows (0 = default colours).
    private var cellPairs: [Int32] = []

    public init(capacity: Int) {
        self.capacity = max(0, capacity)
        keys = Array(repeating: nil, count: self.capacity + 1)
        uses = Array(repeating: 0, count: self.capacity + 1)
        idleStamp = Array(repeating: -1, count: self.capacity + 1)
    }

    /// Pair numbers handed out so far (at most `capacity`).
    public var definedCount: Int { Int(next) - 1 }

    /// Pairs shown by at least one cell.
    public var inUseCount: Int { uses.lazy.filter { $0 > 0 }.count }

    /// The screen was cleared (or resized to `cellCount` cells): no cell shows any pair now.
    /// Definitions stay cached, so the next frame reuses them without redefining.
    public mutating func screenCleared(cellCount: Int) {
        cellPairs = Array(repeating: 0, count: max(0, cellCount))
        for p in 1..<(capacity + 1) where uses[p] > 0 {
            uses[p] = 0
            markIdle(Int32(p))
        }
    }

    /// The pair for `key`, without recording any cell (nil when every pair is on screen).
    public mutating func acquire(_ key: Key) -> Grant? {
        if let p = numbers[key] { return .cached(p) }
        let p: Int32
        if Int(next) <= capacity {
            p = next
            next += 1
        } else {
            guard let recycled = popIdle() else { return nil }
            p = recycled
            if let old = keys[Int(p)] { numbers[old] = nil }
        }
        keys[Int(p)] = key
        numbers[key] = p
        return .assigned(p)
    }

    /// Records that screen cell `index` now shows `pair` (0 for the default colours).
    public mutating func setCell(_ index: Int, to pair: Int32) {
        guard cellPairs.indices.contains(index) else { return }
        let old = cellPairs[index]
        if old == pair { return }
        cellPairs[index] = pair
        if pair > 0 { uses[Int(pair)] += 1 }
        if old > 0 {
            uses[Int(old)] -= 1
            if uses[Int(old)] == 0 { markIdle(old) }
        }
    }

    private mutating func markIdle(_ p: Int32) {
        stamp += 1
        idleStamp[Int(p)] = stamp
        idle.append((p, stamp))
    }

    private mutating func popIdle() -> Int32? {
        while idleHead < idle.count {
            let entry = idle[idleHead]
            idleHead += 1
            if idleHead > 4096 && idleHead * 2 > idle.count {
                idle.removeFirst(idleHead)
                idleHead = 0
            }
            if uses[Int(entry.pair)] == 0 && idleStamp[Int(entry.pair)] == entry.stamp { return entry.pair }
        }
        return nil
    }
}
