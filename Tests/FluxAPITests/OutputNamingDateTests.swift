import Foundation
import Testing

@testable import FluxAPI

/// `{date}` in file names is built by hand: it must read exactly as the formatter wrote it.
@Suite struct OutputNamingDateTests {
    @Test func dateTextMatchesTheFormatter() {
        var generator = SystemRandomNumberGenerator()
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.999), Date(timeIntervalSince1970: -0.5), Date()]
        for _ in 0..<5_000 { dates.append(Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_000_000_000, using: &generator))) }
        let wrong = dates.filter { OutputNaming.dateText($0) != OutputNaming.formatterText($0) }
        #expect(wrong.isEmpty, "\(wrong.count) differ, e.g. \(wrong.prefix(3).map { ($0.timeIntervalSince1970, OutputNaming.dateText($0), OutputNaming.formatterText($0)) })")
    }
}
