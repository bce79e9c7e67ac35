/// One word of a prompt diff.
public enum WordChange: Sendable, Equatable {
    case same(String)
    case removed(String)
    case inserted(String)

    public var word: String {
        switch self {
        case .same(let w), .removed(let w), .inserted(let w): return w
        }
    }
}

/// Word-level diff of two texts (longest common subsequence over whitespace-separated words), as
/// people read prompt changes: "a [-blue-] {+red+} lighthouse".
public enum WordDiff {
    /// Above this many words on either side the table would be large (n×m); the texts are then
    /// shown as one removal and one insertion, which is still correct, only coarser.
    public static let maxWords = 1_500

    public static func diff(_ old: String, _ new: String) -> [WordChange] {
        let a = old.split(whereSeparator: \.isWhitespace).map(String.init)
        let b = new.split(whereSeparator: \.isWhitespace).map(String.init)
        // Common head and tail first: most edits touch a few words in the middle.
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        let midA = Array(a[head..<(a.count - tail)]), midB = Array(b[head..<(b.count - tail)])
        var out = a[..<head].map(WordChange.same)
        if midA.count > maxWords || midB.count > maxWords {
            out += midA.map(WordChange.removed) + midB.map(WordChange.inserted)
        } else {
            out += middle(midA, midB)
        }
        out += a[(a.count - tail)...].map(WordChange.same)
        return out
    }

    /// Whether the diff changes anything.
    public static func isChange(_ changes: [WordChange]) -> Bool {
        changes.contains { if case .same = $0 { return false } else { return true } }
    }

    /// `a [-blue-] {+red+} lighthouse` (git's --word-diff=plain markers): readable without colour.
    public static func marked(_ changes: [WordChange]) -> String {
        changes.map { change in
            switch change {
            case .same(let w): return w
            case .removed(let w): return "[-\(w)-]"
            case .inserted(let w): return "{+\(w)+}"
            }
        }.joined(separator: " ")
    }

    /// Only what changed: "−blue +red" (for one-line summaries).
    public static func summary(_ changes: [WordChange]) -> String {
        changes.compactMap { change in
            switch change {
            case .same: return nil
            case .removed(let w): return "−" + w
            case .inserted(let w): return "+" + w
            }
        }.joined(separator: " ")
    }

    private static func middle(_ a: [String], _ b: [String]) -> [WordChange] {
        guard !a.isEmpty else { return b.map(WordChange.inserted) }
        guard !b.isEmpty else { return a.map(WordChange.removed) }
        // lengths[i][j]: LCS length of a[i...] and b[j...].
        let width = b.count + 1
        var lengths = [Int](repeating: 0, count: (a.count + 1) * width)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i * width + j] = a[i] == b[j] ? lengths[(i + 1) * width + j + 1] + 1
                    : max(lengths[(i + 1) * width + j], lengths[i * width + j + 1])
            }
        }
        var out: [WordChange] = []
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                out.append(.same(a[i])); i += 1; j += 1
            } else if lengths[(i + 1) * width + j] >= lengths[i * width + j + 1] {
                out.append(.removed(a[i])); i += 1
            } else {
                out.append(.inserted(b[j])); j += 1
            }
        }
        out += a[i...].map(WordChange.removed) + b[j...].map(WordChange.inserted)
        return out
    }
}
