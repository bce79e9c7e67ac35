import Foundation
import Testing

/// Registers async clean-up (shutting down a server or a client) that runs when the current test
/// ends, passed or failed, and is awaited before the test counts as finished: the `defer` Swift
/// cannot `await`. The older `defer { Task { await server.shutdown() } }` returned first and let
/// the shutdown race the next test. Work runs in reverse order of registration, like `defer`.
/// Needs the `.awaitsAfterTest` trait on the test or its suite; without it the test fails.
public func afterTest(sourceLocation: SourceLocation = #_sourceLocation, _ work: @escaping @Sendable () async -> Void) {
    guard let pending = AfterTestTrait.pending else {
        Issue.record("afterTest needs the .awaitsAfterTest trait on this test or its suite", sourceLocation: sourceLocation)
        return
    }
    pending.add(work)
}

extension Trait where Self == AfterTestTrait {
    /// Runs each test (each case of a parameterized one) with a place for `afterTest` work, and
    /// awaits that work before the test ends.
    public static var awaitsAfterTest: Self { AfterTestTrait() }
}

public struct AfterTestTrait: TestTrait, SuiteTrait, TestScoping {
    @TaskLocal static var pending: PendingWork?

    public init() {}

    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> AfterTestTrait? {
        testCase == nil ? nil : self  // once per test case, never around a whole suite
    }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        let pending = PendingWork()
        try await Self.$pending.withValue(pending) {
            do {
                try await function()
            } catch {
                await pending.runAll()
                throw error
            }
            await pending.runAll()
        }
    }

    /// The work one test registered, run last-in first-out.
    final class PendingWork: @unchecked Sendable {
        private let lock = NSLock()
        private var work: [@Sendable () async -> Void] = []

        func add(_ item: @escaping @Sendable () async -> Void) { lock.withLock { work.append(item) } }

        func runAll() async {
            while let next = lock.withLock({ work.popLast() }) { await next() }
        }
    }
}
