import FluxAPI
import Foundation
import Testing
import TestSupport
@testable import TaskStore

/// Batches in the task database: saved whole with their tasks, read back in batch order, labelled
/// by the fields they vary; and a release database gains the batch and lineage columns in place.
@Suite struct BatchStoreTests {
    func task(seed: Int, guidance: Double, index: Int, batch: BatchEntry) -> TaskEntry {
        TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("a fox"), "seed": .integer(seed), "guidance": .number(guidance)]),
                  seed: seed, createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)),
                  origin: TaskOrigin(batchID: batch.id, batchIndex: index))
    }

    @Test func aBatchIsSavedWithItsTasksAndReadBackInOrder() throws {
        let store = try TaskStore()
        // Whole milliseconds: the database keeps dates to the millisecond.
        let batch = BatchEntry(endpoint: "flux-dev", title: "flux-dev: 2 seed x 2 guidance", variedFields: ["seed", "guidance"], taskCount: 4,
                               createdAt: Date(timeIntervalSince1970: 1_700_000_000.125))
        // Saved out of order: the batch's order is its index, not the time of saving.
        let tasks = [task(seed: 2, guidance: 3.5, index: 3, batch: batch), task(seed: 1, guidance: 2, index: 0, batch: batch),
                     task(seed: 2, guidance: 2, index: 2, batch: batch), task(seed: 1, guidance: 3.5, index: 1, batch: batch)]
        try store.save(batch, tasks: tasks)
        try store.save(TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("alone")])))

        #expect(try store.batch(id: batch.id) == batch)
        #expect(try store.batches() == [batch])
        #expect(try store.batches(idPrefix: String(batch.id.prefix(6))) == [batch])
        let read = try store.tasks(inBatch: batch.id)
        #expect(read.map(\.batchIndex) == [0, 1, 2, 3])
        #expect(read.map { batch.label(of: $0) } == ["seed 1 · guidance 2", "seed 1 · guidance 3.5", "seed 2 · guidance 2", "seed 2 · guidance 3.5"])
        #expect(read.allSatisfy { $0.origin == TaskOrigin(batchID: batch.id, batchIndex: $0.batchIndex) })

        // A task taken off the list leaves its batch's listing too.
        try store.hide(id: read[1].id)
        #expect(try store.tasks(inBatch: batch.id).map(\.batchIndex) == [0, 2, 3])
    }

    @Test func labelsFallBackToThePlaceInTheBatchAndStayShort() throws {
        let file = BatchEntry(endpoint: nil, title: "prompts.jsonl", variedFields: [], taskCount: 9)
        let third = TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(), origin: TaskOrigin(batchID: file.id, batchIndex: 2))
        #expect(file.label(of: third) == "#3")
        let prompts = BatchEntry(endpoint: "flux-dev", title: "t", variedFields: ["prompt", "image_prompt"], taskCount: 2)
        let long = TaskEntry(endpoint: "flux-dev", parameters: TaskParameters([
            "prompt": .text("a lighthouse on a cliff at dawn, volumetric light"), "image_prompt": .file("/home/me/refs/cliff.png"),
        ]))
        #expect(prompts.label(of: long) == "prompt a lighthouse on a cliff… · image_prompt cliff.png")
    }

    @Test func lineageIsStored() throws {
        let store = try TaskStore()
        let parent = TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("a fox")]))
        let child = TaskEntry(endpoint: "flux-dev", parameters: TaskParameters(["prompt": .text("a red fox")]),
                              origin: TaskOrigin(parentID: parent.id))
        try store.save([parent, child])
        #expect(try store.task(id: child.id)?.parentID == parent.id)
        #expect(try store.task(id: parent.id)?.parentID == nil)
    }

    @Test func aReleaseDatabaseGainsBatchesInPlace() throws {
        let dir = Fixtures.temporaryDirectory("batch-migration")
        defer { Fixtures.cleanup(dir) }
        let path = dir.appendingPathComponent("tasks.sqlite").path
        try ReleaseDatabase.write(to: path)
        let store = try TaskStore(path: path)
        let old = try store.tasks(includeHidden: true)
        #expect(old.count == 8)
        #expect(old.allSatisfy { $0.batchID == nil && $0.batchIndex == nil && $0.parentID == nil })
        let batch = BatchEntry(endpoint: "flux-dev", title: "t", variedFields: ["seed"], taskCount: 1)
        try store.save(batch, tasks: [task(seed: 5, guidance: 2, index: 0, batch: batch)])
        // Reopened: the migration ran once and the new rows are there.
        let again = try TaskStore(path: path)
        #expect(try again.tasks(inBatch: batch.id).map(\.seed) == [5])
        #expect(try again.tasks(includeHidden: true).count == 9)
    }
}
