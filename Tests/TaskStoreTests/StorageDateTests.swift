import FluxAPI
import Foundation
import GRDB
import Testing
@testable import TaskStore

/// The store's date text must be GRDB's, byte for byte: rows written before and after read and
/// sort alike.
@Suite struct StorageDateTests {
    @Test func matchesGRDBsTextForManyDates() {
        var generator = SystemRandomNumberGenerator()
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400), // 2000-02-29
                     Date(timeIntervalSince1970: 4_107_542_400), // 2100-03-01
                     Date(timeIntervalSince1970: 1_764_979_199.9999), Date(timeIntervalSince1970: -1.0005),
                     Date(timeIntervalSince1970: 1_733_385_600.123), Date(timeIntervalSince1970: 1_733_385_600.9995), Date()]
        for _ in 0..<20_000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: -2_208_988_800...253_402_300_799, using: &generator)))
            dates.append(Date(timeIntervalSince1970: Double.random(in: 1_600_000_000...1_900_000_000, using: &generator)))
        }
        let wrong = dates.filter { StorageDate.text($0) != String.fromDatabaseValue($0.databaseValue) }
        #expect(wrong.isEmpty, "\(wrong.count) differ, e.g. \(wrong.prefix(3).map { ($0.timeIntervalSince1970, StorageDate.text($0) ?? "nil", String.fromDatabaseValue($0.databaseValue) ?? "nil") })")
    }

    @Test func leavesFarDatesToGRDB() {
        #expect(StorageDate.text(Date(timeIntervalSince1970: -3_000_000_000)) == nil)
        #expect(StorageDate.text(Date(timeIntervalSince1970: 300_000_000_000)) == nil)
        let far = StorageDate.value(Date.distantPast)
        #expect(far?.databaseValue == Date.distantPast.databaseValue)
    }

    @Test func aSavedTaskReadsBackWithItsDates() throws {
        let store = try TaskStore()
        var task = TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(), phase: .done, statusText: "Ready")
        task.submittedAt = Date(timeIntervalSince1970: 1_733_385_600.25)
        task.finishedAt = Date(timeIntervalSince1970: 1_733_385_601.5)
        try store.save(task)
        let read = try #require(try store.task(id: task.id))
        #expect(read.submittedAt == task.submittedAt && read.finishedAt == task.finishedAt)
        #expect(abs(read.createdAt.timeIntervalSince(task.createdAt)) < 0.001)
    }
}
