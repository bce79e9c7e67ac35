import Foundation
import TestSupport
import Testing

/// `afterTest` (TestSupport) is what shuts the test servers down; it must run its work after the
/// test body, last in first out, also when the body throws, and refuse to be used without its trait.
@Suite struct AfterTestTests {
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String] = []
        func add(_ entry: String) { lock.withLock { entries.append(entry) } }
        var all: [String] { lock.withLock { entries } }
    }

    struct BodyFailed: Error {}

    /// Runs `body` the way the trait runs a test.
    static func scoped(_ body: @escaping @Sendable () async throws -> Void) async throws {
        try await AfterTestTrait().provideScope(for: try #require(Test.current), testCase: Test.Case.current, performing: body)
    }

    @Test func workRunsAfterTheBodyInReverseOrder() async throws {
        let log = Log()
        try await Self.scoped {
            afterTest { log.add("first registered") }
            afterTest { log.add("second registered") }
            log.add("body")
        }
        #expect(log.all == ["body", "second registered", "first registered"])
    }

    @Test func workRunsWhenTheBodyThrowsAndTheErrorStillFailsTheTest() async {
        let log = Log()
        await #expect(throws: BodyFailed.self) {
            try await Self.scoped {
                afterTest { log.add("shut down") }
                throw BodyFailed()
            }
        }
        #expect(log.all == ["shut down"])
    }

    @Test func withoutTheTraitTheTestFails() {
        withKnownIssue("afterTest outside the trait records an issue") {
            afterTest {}
        }
    }
}
