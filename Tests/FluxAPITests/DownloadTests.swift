import Foundation
import Testing
import TestSupport
@testable import FluxAPI

/// Downloads land atomically: no partial file ever has a final name.
@Suite(.awaitsAfterTest) struct DownloadTests {
    func finalFiles(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    func hiddenFiles(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix(".") }
    }

    @Test func savesTheImageAndASidecarWithoutTheKeyOrPayloads() async throws {
        let png = Fixtures.png(width: 16, height: 16)
        let server = try await ScriptedHTTPServer.start { _, _ in .respond(status: 200, headers: [("content-type", "image/png")], body: png) }
        afterTest { await server.shutdown() }
        let transport = HTTPTransport()
        afterTest { await transport.shutdown() }
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        let endpoint = EndpointRegistry.endpoint(named: "flux-pro-1.0-fill")!
        let record = TaskRecord(id: "abc/../../123", endpoint: endpoint,
                                parameters: TaskParameters(["image": .file("/in/photo.png"), "webhook_secret": .text("s3cret"), "seed": .integer(9)]),
                                submittedAt: Date(timeIntervalSince1970: 0), cost: 1.5)
        let result = ResultResponse(id: "abc", status: .ready, sampleURL: server.baseURL.absoluteString + "/sample.png", seed: 9,
                                    prompt: "p", duration: 2.5)
        let saver = ResultSaver(downloader: ResultDownloader(transport: transport), naming: OutputNaming(pattern: "{id}-{seed}"))
        let files = try await saver.save(result, record: record, into: dir) { result }
        #expect(files.map(\.lastPathComponent) == ["abc_123-9.png"], "the id cannot climb out of the folder")
        #expect(try Data(contentsOf: files[0]) == png)
        #expect(files[0].deletingLastPathComponent().standardizedFileURL.path == dir.standardizedFileURL.path)
        let sidecar = try JSONValue.parse(try Data(contentsOf: files[0].deletingPathExtension().appendingPathExtension("json")))
        #expect(sidecar["endpoint"] == .string("flux-pro-1.0-fill"))
        #expect(sidecar["seed"] == .int(9))
        #expect(sidecar["parameters"]?["image"] == .string("/in/photo.png"))
        #expect(sidecar["cost"] == .double(1.5))
        #expect(sidecar["timings"]?["server_duration"] == .double(2.5))
        #expect(!sidecar.serialized().contains("s3cret"))
        #expect(server.requests.first?.header("x-key") == nil, "the API key never goes to a sample URL")
        // A second save never overwrites the first.
        let again = try await saver.save(result, record: record, into: dir) { result }
        #expect(again[0].lastPathComponent.hasSuffix("-2.png"))
        #expect(hiddenFiles(dir).isEmpty)
    }

    @Test func truncatedDownloadsAreRetriedAndNeverLeftWithAFinalName() async throws {
        let png = Fixtures.png(width: 32, height: 32)
        let server = try await ScriptedHTTPServer.start { _, n in
            n < 3 ? .truncated(status: 200, headers: [("content-type", "image/png")], body: png.prefix(40), announced: png.count)
                  : .respond(status: 200, headers: [("content-type", "image/png")], body: png)
        }
        afterTest { await server.shutdown() }
        let transport = HTTPTransport()
        afterTest { await transport.shutdown() }
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        let file = try await ResultDownloader(transport: transport).download(server.baseURL.absoluteString + "/s", into: dir, baseName: "out", fallbackExtension: "jpg")
        #expect(file.lastPathComponent == "out.png")
        #expect(try Data(contentsOf: file) == png)
        #expect(server.requests.count == 3)
        #expect(finalFiles(dir) == ["out.png"])
        #expect(hiddenFiles(dir).isEmpty)
    }

    @Test func alwaysTruncatedFailsCleanly() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in
            .truncated(status: 200, headers: [], body: Data(repeating: 1, count: 10), announced: 100)
        }
        afterTest { await server.shutdown() }
        let transport = HTTPTransport()
        afterTest { await transport.shutdown() }
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        var downloader = ResultDownloader(transport: transport)
        downloader.attempts = 2
        await #expect(throws: FluxError.self) {
            _ = try await downloader.download(server.baseURL.absoluteString + "/s", into: dir, baseName: "out", fallbackExtension: "jpg")
        }
        #expect(finalFiles(dir).isEmpty)
        #expect(hiddenFiles(dir).isEmpty)
    }

    @Test func anExpiredSampleURLIsRefreshedOnce() async throws {
        let png = Fixtures.png(width: 8, height: 8)
        let server = try await ScriptedHTTPServer.start { request, _ in
            request.path == "/fresh.png" ? .respond(status: 200, headers: [("content-type", "image/png")], body: png)
                                         : .respond(status: 403, body: Data("<Error>Request has expired</Error>".utf8))
        }
        afterTest { await server.shutdown() }
        let transport = HTTPTransport()
        afterTest { await transport.shutdown() }
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        let endpoint = EndpointRegistry.endpoint(named: "flux-dev")!
        let record = TaskRecord(id: "t", endpoint: endpoint, parameters: TaskParameters(), submittedAt: Date())
        let stale = ResultResponse(id: "t", status: .ready, sampleURL: server.baseURL.absoluteString + "/old.png")
        let fresh = ResultResponse(id: "t", status: .ready, sampleURL: server.baseURL.absoluteString + "/fresh.png")
        let saver = ResultSaver(downloader: ResultDownloader(transport: transport))
        let files = try await saver.save(stale, record: record, into: dir) { fresh }
        #expect(try Data(contentsOf: files[0]) == png)
        // Still expired after refreshing: a clear error, no file.
        let dir2 = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir2) }
        await #expect(throws: FluxError.self) { _ = try await saver.save(stale, record: record, into: dir2) { stale } }
        #expect(finalFiles(dir2).isEmpty)
    }
}
