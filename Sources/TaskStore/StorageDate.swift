import Foundation
import GRDB

/// A date as the store writes it: GRDB's own text ("yyyy-MM-dd HH:mm:ss.SSS", UTC, to the nearest
/// millisecond), built by arithmetic. GRDB formats with a `DateFormatter` (ICU, a calendar
/// computation per date): with four dates in every task save that was ~4 % of a batch's CPU.
/// The text is the same byte for byte (tested against GRDB), so rows, ordering and reading
/// are unchanged; a date outside 1900...9999 is left to GRDB.
enum StorageDate {
    static func value(_ date: Date?) -> (any DatabaseValueConvertible)? {
        guard let date else { return nil }
        return text(date) ?? date
    }

    static func text(_ date: Date) -> String? {
        // The milliseconds ICU shows: (seconds since 2001 + 978307200) * 1000, to the nearest.
        let udate = ((date.timeIntervalSinceReferenceDate + 978_307_200.0) * 1000.0).rounded()
        // 1900-01-01 ... 9999-12-31 UTC.
        guard udate >= -2_208_988_800_000, udate < 253_402_300_800_000 else { return nil }
        let millis = Int64(udate)
        var days = millis / 86_400_000
        var inDay = millis % 86_400_000
        if inDay < 0 { inDay += 86_400_000; days -= 1 }
        // Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)

        var bytes = [UInt8](repeating: 0, count: 23)
        func put(_ value: Int64, _ at: Int, _ width: Int) {
            var v = value
            for i in stride(from: at + width - 1, through: at, by: -1) {
                bytes[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
            }
        }
        put(year, 0, 4)
        bytes[4] = 45 // -
        put(month, 5, 2)
        bytes[7] = 45
        put(day, 8, 2)
        bytes[10] = 32 // space
        put(inDay / 3_600_000, 11, 2)
        bytes[13] = 58 // :
        put(inDay / 60_000 % 60, 14, 2)
        bytes[16] = 58
        put(inDay / 1000 % 60, 17, 2)
        bytes[19] = 46 // .
        put(inDay % 1000, 20, 3)
        return String(decoding: bytes, as: UTF8.self)
    }
}
