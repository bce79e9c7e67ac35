import Foundation
import Testing
import TestSupport
@testable import FluxAPI

@Suite struct TimestampTests {
    @Test func timestampsMatchISO8601DateFormatter() {
        let reference = ISO8601DateFormatter()
        var rng = SeededRandom(seed: 8601)
        // Epoch, leap days, year ends, fractional seconds, and random dates from 1900 to 2200.
        var dates = [0, 951_782_400, 1_709_164_800.5, 1_767_225_599.999, -1, -2_208_988_800].map { Date(timeIntervalSince1970: $0) }
        for _ in 0..<500 { dates.append(Date(timeIntervalSince1970: Double.random(in: -2_208_988_800...7_258_118_400, using: &rng))) }
        for date in dates {
            #expect(ISO8601Timestamp.string(from: date) == reference.string(from: date), "\(date.timeIntervalSince1970)")
        }
    }
}
