import DeterministicRandom
import FluxAPI
import Foundation
import Testing
import TestSupport

/// `--sweep FIELD=LIST|RANGE|@FILE` and the task list a sweep plans: parsing, typing by the
/// endpoint's fields, the product's order and size, and every refusal with its message.
@Suite struct SweepTests {
    let dev = EndpointRegistry.endpoint(named: "flux-dev")!

    func axis(_ text: String, directory: URL? = nil) -> Result<SweepAxis, SweepError> {
        directory.map { SweepAxis.parse(text, for: dev, directory: $0) } ?? SweepAxis.parse(text, for: dev)
    }

    @Test func listsAndRangesAreTypedByTheField() throws {
        #expect(try axis("seed=1..4").get().values == [.integer(1), .integer(2), .integer(3), .integer(4)])
        #expect(try axis("guidance=2, 3.5 ,5").get().values == [.number(2), .number(3.5), .number(5)])
        #expect(try axis("guidance=2..3:0.25").get().values == [2, 2.25, 2.5, 2.75, 3].map(FieldValue.number))
        // Steps are multiplied, not accumulated: ten steps of 0.1 end exactly on 1.
        #expect(try axis("guidance=0..1:0.1").get().values.last == .number(1))
        #expect(try axis("seed=7..7").get().values == [.integer(7)])
        #expect(try axis("output_format=jpeg,png").get().values == [.text("jpeg"), .text("png")])
        // Text keeps its spaces: " a cat" is what was typed.
        #expect(try axis("prompt=a cat, a dog").get().values == [.text("a cat"), .text(" a dog")])
    }

    @Test func promptsComeFromAFileOneALine() throws {
        let dir = Fixtures.temporaryDirectory("sweep-file")
        defer { Fixtures.cleanup(dir) }
        _ = Fixtures.write(Data("a red fox, at dusk\r\n\n  \na lighthouse\n".utf8), "prompts.txt", in: dir)
        #expect(try axis("prompt=@prompts.txt", directory: dir).get().values == [.text("a red fox, at dusk"), .text("a lighthouse")])
        _ = Fixtures.write(Data("\n \n".utf8), "empty.txt", in: dir)
        let empty = try #require(axis("prompt=@empty.txt", directory: dir).failure)
        #expect(empty.description.contains("empty.txt has no values"))
        let missing = try #require(axis("prompt=@nope.txt", directory: dir).failure)
        #expect(missing.description == "--sweep prompt: the file \(dir.appendingPathComponent("nope.txt").path) does not exist")
    }

    @Test func badSweepsSayWhatIsWrong() throws {
        let cases: [(String, String)] = [
            ("seed=8..1", "--sweep seed: the range 8..1 is reversed; ranges go up: 1..8"),
            ("seed=1..", "--sweep seed: '1..' is not FROM..TO or FROM..TO:STEP with numbers"),
            ("guidance=2..5:0", "--sweep guidance: the step in '2..5:0' must be a number above 0"),
            ("seed=1..2:0.5", "--sweep seed: takes whole numbers; '1..2:0.5' is not a range of them"),
            ("seed=1..100000", "--sweep seed: the range 1..100000 has 100000 values, more than the 10000 tasks a batch may have"),
            ("prompt=a..b", "--sweep prompt: a range needs a number field; give a list (a,b,c) or @FILE instead of 'a..b'"),
            ("seed=1,,3", "--sweep seed: '1,,3' has an empty value; separate values with single commas"),
            ("seed=1,x", "--sweep seed: expects a whole number, got 'x' (value 2)"),
            ("webhook_url=https://a,https://b", "--sweep webhook_url: cannot be swept: it is the same for every task of a batch (set it with --set)"),
            ("webhook_secret=a,b", "--sweep webhook_secret: cannot be swept: it is the same for every task of a batch (set it with --set)"),
            ("colour=red", "--sweep colour: flux-dev has no field colour"),
            ("seed", "'--sweep seed' is not FIELD=LIST, FIELD=FROM..TO or FIELD=@FILE"),
        ]
        for (text, message) in cases {
            let error = try #require(axis(text).failure, "\(text) was accepted")
            #expect(error.description == message)
        }
    }

    @Test func theProductVariesTheLastAxisFastest() throws {
        let plan = try SweepPlan(endpoint: dev, base: TaskParameters(["prompt": .text("p")]),
                                 axes: [axis("seed=1,2").get(), axis("guidance=3,4,5").get()])
        #expect(plan.taskCount == 6)
        #expect(plan.variedFields == ["seed", "guidance"])
        let tasks = plan.parameters()
        #expect(tasks.map { [$0["seed"]!, $0["guidance"]!] } == [
            [.integer(1), .number(3)], [.integer(1), .number(4)], [.integer(1), .number(5)],
            [.integer(2), .number(3)], [.integer(2), .number(4)], [.integer(2), .number(5)],
        ])
        #expect(tasks.allSatisfy { $0["prompt"] == .text("p") })
    }

    @Test func repeatsGetFreshSeedsInTheFieldsRange() throws {
        let plan = try SweepPlan(endpoint: dev, base: TaskParameters(["prompt": .text("p")]), axes: [axis("guidance=3,4").get()], repeats: 50)
        var random = SeededRandom(seed: 7)
        let tasks = plan.parameters(using: &random)
        #expect(tasks.count == 100)
        #expect(plan.variedFields == ["guidance", "seed"])
        let seeds = tasks.compactMap { task -> Int? in if case .integer(let s)? = task["seed"] { return s } else { return nil } }
        #expect(seeds.count == 100)
        #expect(Set(seeds).count > 95, "seeds repeat: \(seeds)")
        #expect(seeds.allSatisfy { (0...4_294_967_295).contains($0) })
        #expect(tasks.prefix(50).allSatisfy { $0["guidance"] == .number(3) })
    }

    @Test func plansThatCannotRunAreRefused() throws {
        let seeds = try axis("seed=1..200").get()
        let guidance = try axis("guidance=1..60:1").get()
        let base = TaskParameters(["prompt": .text("p")])
        func refusal(_ make: () throws(SweepError) -> SweepPlan) -> String? {
            do { _ = try make(); return nil } catch { return error.description }
        }
        #expect(refusal { () throws(SweepError) in try SweepPlan(endpoint: dev, base: base, axes: [seeds, guidance]) }
            == "200 seed x 60 guidance is more than the 10000 tasks a batch may have")
        #expect(refusal { () throws(SweepError) in try SweepPlan(endpoint: dev, base: base, axes: [seeds, seeds]) }
            == "--sweep seed: is swept twice; give one list")
        #expect(refusal { () throws(SweepError) in try SweepPlan(endpoint: dev, base: TaskParameters(["seed": .integer(1)]), axes: [seeds]) }
            == "--sweep seed: is both set (--set) and swept (--sweep); keep one")
        #expect(refusal { () throws(SweepError) in try SweepPlan(endpoint: dev, base: base, axes: [seeds], repeats: 2) }
            == "--sweep seed: --repeat chooses the seeds; drop the seed from --set/--sweep or drop --repeat")
        #expect(refusal { () throws(SweepError) in try SweepPlan(endpoint: dev, base: base, axes: [], repeats: 0) }
            == "--repeat needs a count of 1 or more, got 0")
        // A list (here from a file) longer than a batch may be is refused like a range.
        let long = SweepAxis(field: "prompt", values: (0...10_000).map { .text("p\($0)") })
        #expect(refusal { () throws(SweepError) in try SweepPlan(endpoint: dev, base: TaskParameters(), axes: [long]) }
            == "10001 prompt is more than the 10000 tasks a batch may have")
        #expect(refusal { () throws(SweepError) in try SweepPlan(endpoint: dev, base: base, axes: [], repeats: 10_001) }
            == "10001 repeats is more than the 10000 tasks a batch may have")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
