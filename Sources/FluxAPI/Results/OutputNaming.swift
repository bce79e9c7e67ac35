import Foundation
import Locking

/// Output file names: built from a pattern and values that may come from the server, so every part
/// is sanitised and nothing can climb out of the output folder.
public struct OutputNaming: Sendable, Equatable {
    /// Tokens: {id}, {endpoint}, {seed}, {date} (yyyyMMdd-HHmmss), {short_id} (first 8 of the id).
    public var pattern: String

    public init(pattern: String = "{endpoint}-{date}-{short_id}") { self.pattern = pattern }

    public func baseName(id: String, endpoint: String, seed: Int?, date: Date = Date()) -> String {
        let cleanID = FileNameSanitizer.sanitize(id)
        var name = pattern
        name = name.replacingOccurrences(of: "{id}", with: cleanID)
        name = name.replacingOccurrences(of: "{short_id}", with: String(cleanID.prefix(8)))
        name = name.replacingOccurrences(of: "{endpoint}", with: endpoint)
        name = name.replacingOccurrences(of: "{seed}", with: seed.map(String.init) ?? "noseed")
        name = name.replacingOccurrences(of: "{date}", with: Self.dateText(date))
        return FileNameSanitizer.sanitize(name)
    }

    /// yyyyMMdd-HHmmss in the current time zone. One formatter for all downloads: making a
    /// `DateFormatter` costs more than the rest of naming a file.
    static func dateText(_ date: Date) -> String {
        formatter.withLock { formatter in
            if formatter.timeZone != TimeZone.current { formatter.timeZone = TimeZone.current }
            return formatter.string(from: date)
        }
    }

    private static let formatter: Locked<DateFormatter> = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return Locked(formatter)
    }()
}

public enum FileNameSanitizer {
    /// Keeps ASCII letters, digits, `.`, `-`, `_`; everything else (slashes, `..`, control
    /// characters, spaces) becomes `_` (runs collapsed). Never empty, never starts with a dot or a
    /// dash (so it is never taken for an option), at most `maxLength` characters.
    public static func sanitize(_ raw: String, maxLength: Int = 120) -> String {
        var out = ""
        for scalar in raw.unicodeScalars {
            let ok = (scalar.value < 128 && (CharacterSet.alphanumerics.contains(scalar))) || scalar == "-" || scalar == "_" || scalar == "."
            out.unicodeScalars.append(ok ? scalar : "_")
        }
        while out.contains("..") { out = out.replacingOccurrences(of: "..", with: "_") }
        while out.contains("__") { out = out.replacingOccurrences(of: "__", with: "_") }
        while out.hasPrefix(".") || out.hasPrefix("-") { out.removeFirst() }
        if out.count > maxLength { out = String(out.prefix(maxLength)) }
        while out.hasSuffix(".") { out.removeLast() }
        // Nothing meaningful left (all punctuation): a neutral name.
        if !out.unicodeScalars.contains(where: { CharacterSet.alphanumerics.contains($0) }) { return "task" }
        return out
    }
}
