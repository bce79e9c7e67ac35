import FluxAPI
import FluxSimulator
import Foundation
import TaskStore
import TestSupport
import Testing
@testable import FluxApp

/// A task taken off the list stays off it: whatever the engine had in flight for it (a submit, a
/// download) is dropped or cancelled, and nothing is stored or told about it afterwards.
@Suite struct TaskRemovalTests {
    /// Every update, with the moment each arrived.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [(at: ContinuousClock.Instant, task: TaskEntry)] = []
        func add(_ task: TaskEntry) { lock.withLock { entries.append((.now, task)) } }
        func updates(of id: String, after instant: ContinuousClock.Instant) -> [TaskEntry] {
            lock.withLock { entries.filter { $0.task.id == id && $0.at > instant }.map(\.task) }
        }
        func latest(_ id: String) -> TaskEntry? { lock.withLock { entries.last { $0.task.id == id }?.task } }
    }

    static func logging(_ engine: TaskEngine) -> Log {
        let log = Log()
        let updates = engine.updates
        Task { for await task in updates { log.add(task) } }
        return log
    }

    /// Removed, then given time for every answer in flight to come back.
    static func removeAndSettle(_ engine: TaskEngine, _ id: String, seconds: Double) async throws -> ContinuousClock.Instant {
        await engine.remove(id: id)
        let removedAt = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        return removedAt
    }

    @Test func aTaskRemovedWhileSubmittingIsNotBroughtBackByTheAnswer() async throws {
        // Every answer takes 1.5 s: the submit is on the wire when the task is removed.
        let rig = try await TaskEngineTests.rig { $0.faults = FaultConfiguration(latency: 1.5) }
        let engine = rig.engine()
        let log = Self.logging(engine)
        await engine.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let id = await engine.submit(try TaskEngineTests.request(endpoint, TaskEngineTests.parameters("removed while submitting"))).id
        #expect(await FaultMatrixTests.waitUntil(5) { log.latest(id)?.phase == .submitting })
        try await Task.sleep(for: .milliseconds(300))
        let removedAt = try await Self.removeAndSettle(engine, id, seconds: 3)

        #expect(log.updates(of: id, after: removedAt).isEmpty, "updates after removal: \(log.updates(of: id, after: removedAt).map(\.phase))")
        let stored = try #require(try rig.store.task(id: id))
        #expect(stored.hidden)
        #expect(stored.phase == .submitting && stored.remoteID == nil, "the late answer was written: \(stored.phase)")
        #expect(try rig.store.tasks().allSatisfy { $0.id != id })
        #expect(try rig.store.activeTasks().tasks.isEmpty, "a removed task is not resumed")
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func aTaskRemovedWhileDownloadingHasItsDownloadCancelled() async throws {
        let rig = try await TaskEngineTests.rig(taskSeconds: 0.1)
        let engine = rig.engine()
        let log = Self.logging(engine)
        await engine.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-pro-1.1"))
        let id = await engine.submit(try TaskEngineTests.request(endpoint, TaskEngineTests.parameters("removed while downloading"))).id
        #expect(await FaultMatrixTests.waitUntil(10) { log.latest(id)?.phase == .running })
        // From now on every answer takes 2 s: the download is still running at the removal.
        rig.server.setFaults(FaultConfiguration(latency: 2))
        #expect(await FaultMatrixTests.waitUntil(10) { log.latest(id)?.phase == .downloading })
        let removedAt = try await Self.removeAndSettle(engine, id, seconds: 3)

        #expect(log.updates(of: id, after: removedAt).isEmpty, "updates after removal: \(log.updates(of: id, after: removedAt).map(\.phase))")
        let stored = try #require(try rig.store.task(id: id))
        #expect(stored.hidden && stored.phase == .downloading)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: rig.outputs.path)) ?? []
        #expect(files.isEmpty, "the download was not cancelled: \(files)")
        await engine.shutdown()
        await rig.shutdown()
    }

    @Test func aRemovedTaskIsNotDownloadedAgain() async throws {
        let rig = try await TaskEngineTests.rig()
        let engine = rig.engine()
        await engine.resume()
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-dev"))
        let id = await engine.submit(try TaskEngineTests.request(endpoint, TaskEngineTests.parameters("done, then removed"))).id
        _ = try await TaskEngineTests.collect(engine) { $0[id]?.phase == .done }
        await engine.remove(id: id)
        let log = Self.logging(engine)
        await engine.retryDownload(id: id)
        try await Task.sleep(for: .milliseconds(500))
        #expect(log.latest(id) == nil)
        #expect(try rig.store.task(id: id)?.hidden == true)
        await engine.shutdown()
        await rig.shutdown()
    }
}
