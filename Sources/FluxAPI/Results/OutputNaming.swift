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

    /// yyyyMMdd-HHmmss in the current time zone, from `localtime_r` (the zone `TimeZone.current`
    /// reads too): the shared `DateFormatter` (ICU, a lock, a time-zone comparison per call)
    /// was ~1 % of a batch's CPU. The formatter stays for a date `localtime_r` cannot take.
    static func dateText(_ date: Date) -> String {
        // ICU takes the date to the nearest millisecond first (x.9996 s shows as the next second).
        let millis = ((date.timeIntervalSinceReferenceDate + 978_307_200.0) * 1000.0).rounded()
        guard millis.isFinite, var seconds = time_t(exactly: (millis / 1000).rounded(.down)) else { return formatterText(date) }
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil,
              (0...9999).contains(Int(parts.tm_year) + 1900) else { return formatterText(date) }
        var bytes = [UInt8](repeating: 0, count: 15)
        func put(_ value: Int32, _ at: Int, _ width: Int) {
            var v = value
            for i in stride(from: at + width - 1, through: at, by: -1) {
                bytes[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
            }
        }
        put(parts.tm_year + 1900, 0, 4)
        put(parts.tm_mon + 1, 4, 2)
        put(parts.tm_mday, 6, 2)
        bytes[8] = 45 // -
        put(parts.tm_hour, 9, 2)
        put(parts.tm_min, 11, 2)
        put(parts.tm_sec, 13, 2)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func formatterText(_ date: Date) -> String {
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
