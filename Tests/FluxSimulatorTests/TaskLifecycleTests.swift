import FluxAPI
import FluxSimulator
import Foundation
import ImageCodec
import TestSupport
import Testing

@Suite struct TaskLifecycleTests {
    static let small: [String: FieldValue] = ["width": .integer(256), "height": .integer(256)]

    static func values(_ prompt: String, _ extra: [String: FieldValue] = [:]) -> [String: FieldValue] {
        small.merging(["prompt": .text(prompt)]) { a, _ in a }.merging(extra) { _, b in b }
    }

    @Test func pendingWithRisingProgressThenReady() async throws {
        try await withSimulator(config { $0.taskSeconds = 3 }) { _, client in
            let submitted = try await client.submit(try prepare("flux-pro-1.1", Self.values("progress")))
            let seen = try await pollUntilFinal(client, submitted, interval: 0.04)
            let running = seen.dropLast()
            #expect(running.allSatisfy { $0.status == .running("Pending") })
            let progress = running.compactMap(\.progress)
            #expect(progress.count == running.count)
            #expect(progress.allSatisfy { (0..<1).contains($0) })
            #expect(zip(progress, progress.dropFirst()).allSatisfy { $0 <= $1 })
            #expect(Set(progress).count >= 2)
            let ready = try #require(seen.last)
            #expect(ready.status == .ready)
            #expect(ready.progress == 1)
            #expect(ready.prompt == "progress")
            #expect(ready.details == nil)
            let start = try #require(ready.startTime), end = try #require(ready.endTime)
            #expect(end > start)
            #expect(ready.duration == 3)
        }
    }

    @Test func theRawResultHasTheDocumentedShape() async throws {
        try await withSimulator(config()) { server, client in
            let submitted = try await client.submit(try prepare("flux-dev", Self.values("shape", ["seed": .integer(7)])))
            try await pollUntilFinal(client, submitted)
            let raw = try await RawHTTP.request(port: server.port, "GET", "/v1/get_result?id=\(submitted.id)")
            let json = try #require(raw.json)
            #expect(json["id"]?.stringValue == submitted.id)
            #expect(json["status"]?.stringValue == "Ready")
            #expect(json["progress"]?.doubleValue == 1)
            #expect(json["details"] == .null)
            #expect(json["preview"] == .null)
            let result = try #require(json["result"]?.objectValue)
            #expect(Set(result.keys) == ["sample", "prompt", "seed", "start_time", "end_time", "duration"])
            #expect(result["seed"]?.intValue == 7)
            // The same URL on every read.
            let again = try await client.result(id: submitted.id)
            #expect(again.sampleURL == result["sample"]?.stringValue)
        }
    }

    @Test func unknownIDsAnswerTaskNotFoundWith200() async throws {
        try await withSimulator(config()) { server, client in
            let result = try await client.result(id: "no-such-task")
            #expect(result.status == .notFound)
            let raw = try await RawHTTP.request(port: server.port, "GET", "/v1/get_result?id=no-such-task")
            #expect(raw.status == 200)
            #expect(raw.json == .object(["id": .string("no-such-task"), "status": .string("Task not found")]))
        }
    }

    @Test func aSeedIsPickedWhenNoneIsGiven() async throws {
        try await withSimulator(config()) { _, client in
            let picked = try await submitAndWait(client, "flux-pro-1.1", Self.values("no seed"))
            #expect(picked.seed != nil)
            let given = try await submitAndWait(client, "flux-pro-1.1", Self.values("seed", ["seed": .integer(4242)]))
            #expect(given.seed == 4242)
        }
    }

    @Test func markersGiveEveryOutcome() async throws {
        try await withSimulator(config()) { _, client in
            let request = try await submitAndWait(client, "flux-pro-1.1", Self.values("a \(SimulatorMarker.moderateRequest)"))
            #expect(request.status == .requestModerated)
            #expect(request.details?["Moderation Reasons"]?.arrayValue?.isEmpty == false)
            #expect(request.sampleURL == nil)

            let content = try await submitAndWait(client, "flux-dev", Self.values("b \(SimulatorMarker.moderateContent)"))
            #expect(content.status == .contentModerated)
            #expect(content.failureReason?.hasPrefix("Content Moderated: ") == true)

            let failed = try await submitAndWait(client, "flux-pro", Self.values("c \(SimulatorMarker.fail)"))
            #expect(failed.status == .error)
            #expect(failed.details?["error"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func generatingMarkerReportsTheInProgressStatus() async throws {
        try await withSimulator(config { $0.taskSeconds = 1.5 }) { _, client in
            let submitted = try await client.submit(try prepare("flux-pro-1.1", Self.values("d \(SimulatorMarker.generating)")))
            let seen = try await pollUntilFinal(client, submitted)
            #expect(seen.first?.status == .running("Generating"))
            #expect(seen.last?.status == .ready)
        }
    }

    @Test func moreThanTheActiveLimitAnswers429WithRetryAfter() async throws {
        try await withSimulator(config { $0.activeTaskLimit = 2; $0.taskSeconds = 60 }) { server, client in
            let request = try prepare("flux-pro-1.1", Self.values("busy"))
            _ = try await client.submit(request)
            _ = try await client.submit(request)
            await #expect { try await client.submit(request, retry: RetryPolicy.none) } throws: {
                ($0 as? FluxError)?.status == 429
            }
            let raw = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.1", #"{"prompt":"x"}"#)
            #expect(raw.status == 429)
            #expect(raw.headers["retry-after"] == "1")
            #expect(raw.json?["detail"]?.stringValue?.isEmpty == false)
            // The limit is per key.
            let other = try await RawHTTP.request(port: server.port, "POST", "/v1/flux-pro-1.1",
                                                  headers: ["x-key": "other-key"], body: Array(#"{"prompt":"x"}"#.utf8))
            #expect(other.status == 200)
            #expect(server.statistics.rejectedSubmits == 2)
        }
    }

    @Test func finishedTasksFreeTheirSlot() async throws {
        try await withSimulator(config { $0.activeTaskLimit = 1; $0.taskSeconds = 1 }) { server, client in
            let request = try prepare("flux-pro-1.1", Self.values("one at a time"))
            for round in 1...2 {
                let submitted = try await client.submit(request, retry: RetryPolicy.none)
                // The one slot is taken while the task runs (a second submit comes well inside its second) ...
                await #expect { try await client.submit(request, retry: RetryPolicy.none) } throws: {
                    ($0 as? FluxError)?.status == 429
                }
                #expect(try await pollUntilFinal(client, submitted).last?.status == .ready)
                // ... and free again once it is Ready.
                #expect(server.statistics.rejectedSubmits == round)
            }
            let last = try await client.submit(request, retry: RetryPolicy.none)
            #expect(try await pollUntilFinal(client, last).last?.status == .ready)
            #expect(server.statistics.rejectedSubmits == 2)
        }
    }

    @Test func creditsAreSpentAndRunOutWith402() async throws {
        try await withSimulator(config { $0.credits = 5 }) { server, client in
            #expect(try await client.credits() == 5)
            let request = try prepare("flux-pro-1.1", ["prompt": .text("costly")])  // 3.15 credits
            _ = try await client.submit(request)
            #expect(try await client.credits() == 1.85)
            await #expect { try await client.submit(request, retry: RetryPolicy.none) } throws: {
                ($0 as? FluxError)?.status == 402
            }
            #expect(try await client.credits() == 1.85)
            let raw = try await RawHTTP.request(port: server.port, "GET", "/v1/credits")
            #expect(raw.json == .object(["credits": .double(1.85)]))
        }
    }
}
