import Foundation

/// `--since`: an age (`90m`, `12h`, `7d`, `2w`) or a date (`2026-12-01`, UTC), as the start of
/// the window to export.
public enum ExportSince {
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let text: String
        public var description: String {
            "--since '\(text)' is neither an age (a whole number with m, h, d or w: 90m, 12h, 7d, 2w) nor a date (2026-12-01)"
        }
    }

    public static func parse(_ text: String, now: Date = Date()) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let unit = trimmed.last, let seconds = ["m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0][String(unit)],
           let count = Int(trimmed.dropLast()), count >= 0, count <= 100_000 {
            return now.addingTimeInterval(-Double(count) * seconds)
        }
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
           let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let components = DateComponents(year: y, month: m, day: d)
            if components.isValidDate(in: calendar), let date = calendar.date(from: components) { return date }
        }
        throw Invalid(text: text)
    }
}
