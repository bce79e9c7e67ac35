import FluxAPI
import Foundation
import Testing
@testable import TaskStore

/// Compare and lineage: the word diff of prompts, the parameter table of two tasks, and the chain
/// of tasks a rerun or an edit was made from.
@Suite struct ComparisonTests {
    static func task(_ id: String, prompt: String = "a fox", seed: Int? = nil, parent: String? = nil,
                     _ extra: [String: FieldValue] = [:], endpoint: String = "flux-dev") -> TaskEntry {
        var parameters = TaskParameters(["prompt": .text(prompt)])
        for (k, v) in extra { parameters[k] = v }
        return TaskEntry(id: id, endpoint: endpoint, parameters: parameters, seed: seed, origin: TaskOrigin(parentID: parent))
    }

    // MARK: word diff

    @Test func wordDiffMarksInsertedAndRemovedWords() {
        let diff = WordDiff.diff("a blue lighthouse at night", "a red lighthouse at night in fog")
        #expect(diff == [.same("a"), .removed("blue"), .inserted("red"), .same("lighthouse"), .same("at"), .same("night"),
                         .inserted("in"), .inserted("fog")])
        #expect(WordDiff.marked(diff) == "a [-blue-] {+red+} lighthouse at night {+in+} {+fog+}")
        #expect(WordDiff.summary(diff) == "−blue +red +in +fog")
        #expect(WordDiff.isChange(diff))
    }

    @Test func wordDiffOfEqualEmptyAndReorderedTexts() {
        #expect(!WordDiff.isChange(WordDiff.diff("same  words\nhere", "same words here")))
        #expect(WordDiff.diff("", "") == [])
        #expect(WordDiff.diff("", "new words") == [.inserted("new"), .inserted("words")])
        #expect(WordDiff.diff("old", "") == [.removed("old")])
        // A swap keeps one word and moves the other.
        let swap = WordDiff.diff("fox snow", "snow fox")
        #expect(swap.filter { if case .same = $0 { return true } else { return false } }.count == 1)
        #expect(swap.count == 3)
    }

    @Test func wordDiffOfHugeTextsStaysCorrectButCoarse() {
        let a = (0..<2_000).map { "w\($0)" }.joined(separator: " ")
        let b = (0..<2_000).map { "v\($0)" }.joined(separator: " ")
        let diff = WordDiff.diff("start " + a + " end", "start " + b + " end")
        #expect(diff.first == .same("start") && diff.last == .same("end"))
        #expect(diff.count == 4_002)
    }

    // MARK: task difference

    @Test func theDifferenceListsEveryParameterAndFlagsTheChangedOnes() {
        let a = Self.task("a", prompt: "a blue fox", seed: 42, ["guidance": .number(3), "steps": .integer(28)])
        let b = Self.task("b", prompt: "a red fox", seed: 7, ["guidance": .number(4.5), "steps": .integer(28), "raw": .boolean(true)])
        let difference = TaskDifference(a, b)
        #expect(difference.rows.map(\.name) == ["endpoint", "seed", "guidance", "prompt", "raw", "steps"])
        #expect(difference.changed.map(\.name) == ["seed", "guidance", "prompt", "raw"])
        let raw = difference.rows.first { $0.name == "raw" }
        #expect(raw?.left == "—" && raw?.right == "true")
        #expect(difference.prompt == [.same("a"), .removed("blue"), .inserted("red"), .same("fox")])
        #expect(difference.summary == "seed 42 → 7, guidance 3 → 4.5, prompt −blue +red, raw — → true")
    }

    @Test func theSeedIsTheOneTheTaskRanWithAndSameParametersSaySo() {
        // A rerun with the same seed: the parent asked for none (random), the server reported 42.
        let parent = Self.task("p", seed: 42)
        let child = Self.task("c", seed: 42, ["seed": .integer(42)])
        #expect(TaskDifference(parent, child).summary == "same parameters")
        #expect(TaskDifference(parent, child).prompt == nil)
    }

    @Test func secretsAreNeverShownInTheDifference() throws {
        let endpoint = try #require(EndpointRegistry.all.first { $0.fields.contains { $0.kind == .secret } })
        let secret = try #require(endpoint.fields.first { $0.kind == .secret })
        let a = Self.task("a", [secret.name: .text("hunter2")], endpoint: endpoint.id)
        let b = Self.task("b", [secret.name: .text("swordfish")], endpoint: endpoint.id)
        let difference = TaskDifference(a, b)
        #expect(!"\(difference.rows)".contains("hunter2") && !difference.summary.contains("swordfish"))
    }

    // MARK: lineage

    @Test func theLineageWalksParentsWithWhatChangedAtEachStep() {
        let root = Self.task("11111111-root", prompt: "a fox", seed: 1)
        let edit = Self.task("22222222-edit", prompt: "a red fox", seed: 1, parent: root.id, ["seed": .integer(1)])
        let rerun = Self.task("33333333-rerun", prompt: "a red fox", seed: 9, parent: edit.id)
        let known = Dictionary(uniqueKeysWithValues: [root, edit, rerun].map { ($0.id, $0) })
        let lineage = TaskLineage(of: rerun) { known[$0] }
        #expect(lineage.steps.map(\.parentID) == [edit.id, root.id])
        #expect(lineage.lines == ["from 22222222 (flux-dev): seed 1 → 9", "from 11111111 (flux-dev): prompt +red"])
        #expect(lineage.lineCount == 2 && !lineage.truncated)
        #expect(TaskLineage(of: root) { known[$0] }.steps.isEmpty)
    }

    @Test func aMissingParentEndsTheChainAndALongOneIsCut() {
        let orphan = Self.task("child", parent: "gone-0000-parent")
        let lineage = TaskLineage(of: orphan) { _ in nil }
        #expect(lineage.lines == ["from gone-000: no longer on the list"])
        // Ten generations, shown up to the limit.
        var tasks = [Self.task("g0")]
        for i in 1...10 { tasks.append(Self.task("g\(i)", seed: i, parent: "g\(i - 1)")) }
        let known = Dictionary(uniqueKeysWithValues: tasks.map { ($0.id, $0) })
        let long = TaskLineage(of: tasks[10], limit: 3) { known[$0] }
        #expect(long.steps.count == 3 && long.truncated)
        #expect(long.lines.last == "… earlier steps not shown")
    }

    @Test func aCycleInDamagedDataStops() {
        let a = Self.task("a", parent: "b"), b = Self.task("b", parent: "a")
        let known = ["a": a, "b": b]
        let lineage = TaskLineage(of: a) { known[$0] }
        #expect(lineage.steps.map(\.parentID) == ["b"])
    }

    // MARK: store

    @Test func tasksAreFoundByAPrefixOfTheirLocalOrRemoteID() throws {
        let store = try TaskStore()
        try store.save(TaskEntry(id: "abc_1", remoteID: "r-111", endpoint: "flux-dev", parameters: TaskParameters()))
        try store.save(TaskEntry(id: "abcd2", remoteID: "r-222", endpoint: "flux-dev", parameters: TaskParameters()))
        #expect(try store.tasks(idPrefix: "abc").count == 2)
        // `_` and `%` are literal, not LIKE wildcards.
        #expect(try store.tasks(idPrefix: "abc_").map(\.id) == ["abc_1"])
        #expect(try store.tasks(idPrefix: "%").isEmpty)
        #expect(try store.tasks(idPrefix: "r-2").map(\.id) == ["abcd2"])
    }
}
