import FluxAPI
import FluxSimulator
import Foundation
import TestSupport
import Testing

@Suite struct FaultInjectionTests {
    static let fastRetries = RetryPolicy(initialInterval: 0.01, factor: 1.5, maxInterval: 0.05, maxElapsed: 10, jitter: 0)
    static let small: [String: FieldValue] = ["prompt": .text("faulty"), "width": .integer(256), "height": .integer(256)]

    static func faults(_ text: String) throws -> FaultConfiguration { try FaultConfiguration.parse(text) }

    @Test func latencyIsAddedToEveryAnswer() async throws {
        try await withSimulator(config { $0.faults = FaultConfiguration(latency: 0.3) }) { _, client in
            let started = ContinuousClock.now
            _ = try await client.credits()
            #expect(ContinuousClock.now - started >= .milliseconds(250))
        }
    }

    @Test func serverErrorsAreAMixOf500_502And503WithoutSideEffects() async throws {
        try await withSimulator(config { $0.faults = try! Self.faults("error5xx=1,seed=1") }) { server, _ in
            var statuses: [Int] = []
            for _ in 0..<24 {
                let response = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.1", #"{"prompt":"x"}"#)
                statuses.append(response.status)
                switch response.status {
                case 503: #expect(response.headers["retry-after"] == "1")
                case 502: #expect(response.headers["content-type"] == "text/html")
                case 500: #expect(response.json?["detail"] != nil)
                default: Issue.record("unexpected status \(response.status)")
                }
            }
            #expect(Set(statuses) == [500, 502, 503])
            #expect(server.statistics.injectedErrors == 24)
            #expect(server.statistics.tasksCreated == 0)  // an injected error never did the work
        }
    }

    @Test func aSeedReplaysTheSameFaults() async throws {
        func run() async throws -> [Int] {
            try await withSimulator(config { $0.faults = try! Self.faults("error5xx=0.5,drop=0.2,seed=42") }) { server, _ in
                var statuses: [Int] = []
                for _ in 0..<16 {
                    let response = try await RawHTTP.request(port: server.port, "GET", "/v1/credits")
                    statuses.append(response.dropped ? -1 : response.status)
                }
                return statuses
            }
        }
        let first = try await run()
        #expect(Set(first).count >= 3)  // some drops, some errors, some successes
        #expect(try await run() == first)
    }

    @Test func theClientRidesOutServerErrorsOnPolls() async throws {
        let faults = try Self.faults("error5xx=0.5,seed=3,retry_after=0")
        try await withSimulator(config(), retryPolicy: Self.fastRetries) { server, client in
            let submitted = try await client.submit(try prepare("flux-pro-1.1", Self.small))
            server.setFaults(faults)
            let final = try await pollUntilFinal(client, submitted)
            #expect(final.last?.status == .ready)
            #expect(server.statistics.injectedErrors > 0)
            #expect(server.statistics.tasksCreated == 1)
        }
    }

    @Test func droppedConnectionsGetNoAnswerButTheWorkIsDone() async throws {
        try await withSimulator(config { $0.faults = FaultConfiguration(dropRate: 1) }, retryPolicy: Self.fastRetries) { server, client in
            let raw = try await RawHTTP.request(port: server.port, "GET", "/v1/credits")
            #expect(raw.dropped)

            // A submit whose answer is lost: the client must not resend it.
            await #expect { try await client.submit(try prepare("flux-pro-1.1", Self.small)) } throws: { error in
                if case FluxError.submitUncertain = error { return true }
                return false
            }
            #expect(server.statistics.tasksCreated == 1)
            #expect(server.statistics.injectedDrops == 2)

            await #expect { try await client.result(id: "x", retry: RetryPolicy.none) } throws: { error in
                if case FluxError.transport = error { return true }
                return false
            }
        }
    }

    @Test func truncatedDownloadsPromiseMoreThanTheySend() async throws {
        try await withSimulator(config { $0.faults = FaultConfiguration(truncateRate: 1) }) { server, client in
            // API calls are never truncated, only sample downloads.
            let result = try await submitAndWait(client, "flux-pro-1.1", Self.small)
            let url = try #require(result.sampleURL)
            let raw = try await RawHTTP.request(port: server.port, "GET", try #require(URL(string: url)?.path), headers: [:])
            #expect(raw.status == 200)
            let declared = try #require(raw.declaredLength)
            #expect(raw.body.count < declared)
            #expect(raw.body.count > 0)

            await #expect { try await download(client, url) } throws: { error in
                if case FluxError.download = error { return true }
                return false
            }
            #expect(server.statistics.injectedTruncations == 2)

            server.setFaults(.none)
            #expect(try await download(client, url).image.width == 256)
        }
    }

    @Test func theServerCanGoAwayAndComeBackWithItsState() async throws {
        try await withSimulator(config { $0.taskSeconds = 0.3 }, retryPolicy: Self.fastRetries) { server, client in
            let submitted = try await client.submit(try prepare("flux-pro-1.1", Self.small))
            await server.suspend()
            #expect(!server.isListening)
            await #expect { try await client.result(id: submitted.id, retry: RetryPolicy.none) } throws: { error in
                if case FluxError.transport = error { return true }
                return false
            }
            try await server.resume()
            #expect(server.isListening)
            #expect(try await pollUntilFinal(client, submitted).last?.status == .ready)

            // A short outage while the client polls with retries: it just waits it out.
            let outage = Task { try await server.pause(for: 0.4) }
            try await Task.sleep(for: .milliseconds(50))
            #expect(try await client.result(id: submitted.id).status == .ready)
            try await outage.value
            #expect(server.statistics.tasksCreated == 1)
        }
    }

    // MARK: configuration

    @Test func faultSpecsParse() throws {
        let parsed = try FaultConfiguration.parse("latency=200ms,error5xx=0.2,drop=0.1,truncate=10%,seed=42")
        #expect(parsed == FaultConfiguration(latency: 0.2, serverErrorRate: 0.2, dropRate: 0.1, truncateRate: 0.1, seed: 42))
        #expect(try FaultConfiguration.parse("") == .none)
        #expect(try FaultConfiguration.parse("latency=1.5s").latency == 1.5)
        #expect(throws: FaultParseError.unknownKey("explode")) { try FaultConfiguration.parse("explode=1") }
        #expect(throws: FaultParseError.badValue("drop", "2")) { try FaultConfiguration.parse("drop=2") }
        #expect(throws: FaultParseError.malformed("drop")) { try FaultConfiguration.parse("drop") }
        #expect(parsed.summary == "latency=200ms,error5xx=0.2,drop=0.1,truncate=0.1,seed=42")
    }

    @Test func configurationComesFromTheEnvironment() throws {
        let environment = [
            "FLUX_SIM_TIME_SCALE": "0.1", "FLUX_SIM_TASK_SECONDS": "250ms", "FLUX_SIM_CREDITS": "12.5",
            "FLUX_SIM_SAMPLE_TTL": "2m", "FLUX_SIM_ACTIVE_LIMIT": "3", "FLUX_SIM_FAULTS": "drop=0.5,seed=1",
            "FLUX_SIM_FINETUNE_SECONDS": "", "FLUX_SIM_PORT": "8123", "FLUX_SIM_MAX_BODY_MB": "1",
            "UNRELATED": "x",
        ]
        let config = try SimulatorConfiguration.parseEnvironment(environment)
        #expect(config.timeScale == 0.1)
        #expect(config.taskSeconds == 0.25)
        #expect(config.finetuneSeconds == nil)
        #expect(config.credits == 12.5)
        #expect(config.sampleLifetime == 120)
        #expect(config.activeTaskLimit == 3)
        #expect(config.port == 8123)
        #expect(config.maxBodyBytes == 1024 * 1024)
        #expect(config.faults == FaultConfiguration(dropRate: 0.5, seed: 1))
        #expect(SimulatorConfiguration.fromEnvironment(environment) == config)
        #expect(SimulatorConfiguration.fromEnvironment([:]) == SimulatorConfiguration())

        #expect(throws: SimulatorConfigurationError.self) { try SimulatorConfiguration.parseEnvironment(["FLUX_SIM_CREDITS": "lots"]) }
        #expect(throws: SimulatorConfigurationError.self) { try SimulatorConfiguration.parseEnvironment(["FLUX_SIM_FAULTS": "drop=x"]) }
        #expect(throws: SimulatorConfigurationError.self) { try SimulatorConfiguration.parseEnvironment(["FLUX_SIM_PORT": "70000"]) }

        // The lenient reader skips what it cannot read and keeps the rest; the problems are listed.
        let mixed = ["FLUX_SIM_CREDITS": "lots", "FLUX_SIM_ACTIVE_LIMIT": "0", "FLUX_SIM_TIME_SCALE": "2"]
        #expect(SimulatorConfiguration.fromEnvironment(mixed) == SimulatorConfiguration(timeScale: 2))
        let problems = SimulatorConfiguration.environmentProblems(mixed).map(\.description)
        #expect(problems.count == 2)
        #expect(problems.first?.hasPrefix("FLUX_SIM_ACTIVE_LIMIT=0 is not valid") == true)
    }

    @Test func defaultTimingFollowsTheRegistry() async throws {
        // No fixed time: typicalSeconds x timeScale (flux-pro-1.1: 4 s x 0.05 = 0.2 s).
        try await withSimulator(SimulatorConfiguration(timeScale: 0.05)) { _, client in
            let result = try await submitAndWait(client, "flux-pro-1.1", Self.small)
            #expect(result.status == .ready)
            #expect(abs((result.duration ?? 0) - 0.2) < 1e-9)
        }
    }

    @Test func aFixedPortIsReusedAfterShutdown() async throws {
        let first = try await SimulatorServer.start(config())
        let port = first.port
        #expect(first.baseURL.absoluteString == "http://127.0.0.1:\(port)")
        try await first.shutdown()
        try await first.shutdown()  // idempotent
        let second = try await SimulatorServer.start(config { $0.port = port })
        #expect(second.port == port)
        let done = Task { await second.waitUntilShutdown() }
        try await second.shutdown()
        await done.value
    }
}
