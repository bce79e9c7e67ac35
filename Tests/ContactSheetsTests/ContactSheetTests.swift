import ContactSheets
import FluxAPI
import Foundation
import TaskStore
import Testing

/// Batches of tasks as the engine stores them, for the sheet's tests.
enum Batches {
    static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    static func task(_ index: Int, batch: String = "b1", phase: TaskPhase = .done, seed: Int? = nil,
                     _ values: [String: FieldValue] = [:], error: String? = nil, output: String? = nil) -> TaskEntry {
        var parameters = TaskParameters(["prompt": .text("a fox")])
        for (name, value) in values { parameters[name] = value }
        return TaskEntry(id: "t\(index)", endpoint: "flux-dev", parameters: parameters, phase: phase, seed: seed,
                         createdAt: epoch.addingTimeInterval(Double(index)), error: error,
                         outputs: phase == .done ? [output ?? "/out/t\(index).png"] : [],
                         origin: TaskOrigin(batchID: batch, batchIndex: index))
    }

    /// seed 1...rows x guidance 2, 3.5, 5 (…): the odometer order of a sweep, last field fastest.
    static func grid(seeds: [Int], guidance: [Double]) -> (BatchEntry, [TaskEntry]) {
        var tasks: [TaskEntry] = []
        for seed in seeds {
            for g in guidance { tasks.append(task(tasks.count, seed: seed, ["guidance": .number(g)])) }
        }
        let batch = BatchEntry(id: "b1", endpoint: "flux-dev", title: "flux-dev: \(seeds.count) seed x \(guidance.count) guidance",
                               variedFields: ["seed", "guidance"], taskCount: tasks.count, createdAt: epoch)
        return (batch, tasks)
    }
}

@Suite struct ContactSheetTests {
    @Test func twoSweptFieldsMakeRowsAndColumns() {
        let (batch, tasks) = Batches.grid(seeds: [1, 2], guidance: [2, 3.5, 5])
        let sheet = ContactSheet(batchID: "b1", batch: batch, tasks: tasks.shuffled())
        #expect(sheet.arrangement == .table(rowField: "seed", rowValues: ["1", "2"], columnField: "guidance",
                                            columnValues: ["2", "3.5", "5"]))
        #expect(sheet.columns(fitting: 1) == 3)
        #expect(sheet.rows(columns: 3) == 2)
        #expect(sheet.cells.map(\.taskID) == ["t0", "t1", "t2", "t3", "t4", "t5"])
        #expect(sheet.cells[4].label == "seed 2 · guidance 3.5")
        #expect(sheet.cells[4].image == "/out/t4.png")
        #expect(sheet.title == "flux-dev: 2 seed x 3 guidance")
    }

    @Test func aRemovedTaskLeavesAPlaceholderInItsPlace() {
        let (batch, tasks) = Batches.grid(seeds: [1, 2], guidance: [2, 3.5])
        var rest = tasks
        rest[2].hidden = true
        let sheet = ContactSheet(batchID: "b1", batch: batch, tasks: rest)
        #expect(sheet.isTable)
        #expect(sheet.cells[2].taskID == nil)
        #expect(sheet.cells[2].placeholder == "removed")
        #expect(sheet.cells[2].label == "seed 2 · guidance 2")
    }

    @Test func oneSweptFieldWrapsWithLabels() {
        let tasks = (0..<5).map { Batches.task($0, seed: 10 + $0) }
        let batch = BatchEntry(id: "b1", endpoint: "flux-dev", title: "flux-dev: 5 seed", variedFields: ["seed"], taskCount: 5)
        let sheet = ContactSheet(batchID: "b1", batch: batch, tasks: tasks)
        #expect(sheet.arrangement == .wrapping)
        #expect(sheet.cells.map(\.label) == ["seed 10", "seed 11", "seed 12", "seed 13", "seed 14"])
        #expect(sheet.columns(fitting: 3) == 3)
        #expect(sheet.rows(columns: 3) == 2)
        #expect(sheet.columns(fitting: 9) == 5)
    }

    @Test func noSweptFieldLabelsByPlace() {
        let tasks = (0..<3).map { Batches.task($0) }
        let batch = BatchEntry(id: "b1", endpoint: "flux-dev", title: "prompts.jsonl", variedFields: [], taskCount: 4)
        let sheet = ContactSheet(batchID: "b1", batch: batch, tasks: tasks)
        #expect(sheet.arrangement == .wrapping)
        #expect(sheet.cells.map(\.label) == ["#1", "#2", "#3", "#4"])
        // The batch says four tasks; the fourth is not on the list.
        #expect(sheet.cells[3].placeholder == "removed")
        #expect(sheet.finishedCount == 3)
    }

    @Test func threeSweptFieldsWrap() {
        let tasks = (0..<4).map { Batches.task($0, seed: $0, ["guidance": .number(Double($0)), "steps": .integer(20 + $0)]) }
        let batch = BatchEntry(id: "b1", endpoint: "flux-dev", title: "t", variedFields: ["seed", "guidance", "steps"], taskCount: 4)
        let sheet = ContactSheet(batchID: "b1", batch: batch, tasks: tasks)
        #expect(sheet.arrangement == .wrapping)
        #expect(sheet.cells[1].label == "seed 1 · guidance 1 · steps 21")
    }

    @Test func unfinishedTasksSayWhy() {
        let tasks = [
            Batches.task(0, phase: .queued, seed: 1),
            Batches.task(1, phase: .failed, seed: 2, error: "HTTP 500"),
            Batches.task(2, phase: .moderated, seed: 3, error: "Request Moderated"),
            Batches.task(3, phase: .running, seed: 4),
            Batches.task(4, phase: .cancelled, seed: 5),
            Batches.task(5, phase: .done, seed: 6),
        ]
        let batch = BatchEntry(id: "b1", endpoint: "flux-dev", title: "t", variedFields: ["seed"], taskCount: 6)
        let sheet = ContactSheet(batchID: "b1", batch: batch, tasks: tasks)
        #expect(sheet.cells.map(\.placeholder) == ["queued", "failed", "moderated", "running", "not sent", nil])
        #expect(sheet.cells[1].detail == "HTTP 500")
        #expect(sheet.cells.map(\.image) == [nil, nil, nil, nil, nil, "/out/t5.png"])
    }

    @Test func twoFieldsThatDoNotMakeATableWrap() {
        // Two tasks in one cell (a batch file that repeats a pair): no table.
        let tasks = (0..<3).map { Batches.task($0, seed: 1, ["guidance": .number(2)]) }
        let batch = BatchEntry(id: "b1", endpoint: "flux-dev", title: "t", variedFields: ["seed", "guidance"], taskCount: 3)
        #expect(ContactSheet(batchID: "b1", batch: batch, tasks: tasks).arrangement == .wrapping)
        // A diagonal: 30 tasks would make a 900-cell table.
        let diagonal = (0..<30).map { Batches.task($0, seed: $0, ["guidance": .number(Double($0))]) }
        let sparse = BatchEntry(id: "b1", endpoint: "flux-dev", title: "t", variedFields: ["seed", "guidance"], taskCount: 30)
        #expect(ContactSheet(batchID: "b1", batch: sparse, tasks: diagonal).arrangement == .wrapping)
    }

    @Test func withoutTheBatchRecordTheVariedFieldsComeFromTheTasks() {
        let (_, tasks) = Batches.grid(seeds: [1, 2], guidance: [2, 3])
        let other = Batches.task(9, batch: "b2", seed: 7)
        let sheet = ContactSheet(batchID: "b1", batch: nil, tasks: tasks + [other])
        #expect(sheet.cells.count == 4)
        #expect(sheet.cells[3].label == "guidance 3 · seed 2")
        #expect(sheet.isTable)
        #expect(ContactSheet(batchID: "nothing", batch: nil, tasks: tasks).cells.isEmpty)
    }

    @Test func scrollingKeepsTheSelectionInView() {
        #expect(SheetScroll.first(selected: 0, count: 10, current: 0, visible: 3) == 0)
        #expect(SheetScroll.first(selected: 5, count: 10, current: 0, visible: 3) == 3)
        #expect(SheetScroll.first(selected: 4, count: 10, current: 3, visible: 3) == 3)
        #expect(SheetScroll.first(selected: 1, count: 10, current: 3, visible: 3) == 1)
        #expect(SheetScroll.first(selected: 9, count: 10, current: 9, visible: 3) == 7)
        #expect(SheetScroll.first(selected: 2, count: 3, current: 0, visible: 5) == 0)
    }
}
