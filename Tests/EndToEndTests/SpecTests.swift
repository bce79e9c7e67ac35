import FluxAPI
import Foundation
import TestSupport
import Testing

/// Today's endpoints from the command line, `spec diff`, and `--spec` / `spec = "..."` at start-up.
@Suite(.serialized) struct SpecTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let vendored = repo.appendingPathComponent("Sources/FluxAPI/Resources/bfl-openapi.json")

    let home = Fixtures.temporaryDirectory("flux-spec")

    func run(_ args: [String], timeout: Double = 90) async throws -> ProcessRunner.Output {
        let env = ProcessRunner.environment(home: home, extra: ["FLUX_SIM_TASK_SECONDS": "0.3"])
        let output = try await ProcessRunner.run("flux-tui", args, environment: env, timeout: timeout)
        #expect(!output.timedOut, "flux-tui \(args) timed out")
        return output
    }

    /// The vendored document with a field re-ranged, one removed, one endpoint added and one gone.
    func newerDocument() throws -> URL {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.vendored)) as! [String: Any]
        var components = json["components"] as! [String: Any]
        var schemas = components["schemas"] as! [String: Any]
        var expand = schemas["FluxProExpandInputs"] as! [String: Any]
        var properties = expand["properties"] as! [String: Any]
        properties["seed"] = nil
        expand["properties"] = properties
        schemas["FluxProExpandInputs"] = expand
        components["schemas"] = schemas
        json["components"] = components
        var paths = json["paths"] as! [String: Any]
        paths["/v1/flux-3-pro"] = paths["/v1/flux-2-pro"]
        paths["/v1/flux-2-klein-4b"] = nil
        json["paths"] = paths
        let url = home.appendingPathComponent("newer-openapi.json")
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        return url
    }

    @Test func describeAndSubmitAKontextTaskWithAnInputImage() async throws {
        let describe = try await run(["describe", "flux-2-pro"])
        #expect(describe.status == 0)
        for needle in ["FLUX.2 [PRO]", "POST /v1/flux-2-pro", "input_image_8", ">= 64, multiple of 16", "width x height at most 4194304 pixels"] {
            #expect(describe.stdout.contains(needle), "missing \(needle) in:\n\(describe.stdout)")
        }
        let output = home.appendingPathComponent("out")
        let photo = Self.repo.appendingPathComponent("samples/photo.png").path
        let submit = try await run(["submit", "flux-kontext-pro", "--set", "prompt=make it snow", "--set", "input_image=@\(photo)",
                                    "--wait", "--output", output.path])
        #expect(submit.status == 0, "\(submit.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: output.path)
        #expect(files.contains { $0.hasPrefix("flux-kontext-pro-") && $0.hasSuffix(".png") }, "\(files)")
        #expect(files.contains { $0.hasSuffix(".json") })
    }

    @Test func specDiffExitsZeroWithoutDriftAndFourWithIt() async throws {
        let same = try await run(["spec", "diff", Self.vendored.path])
        #expect(same.status == 0)
        #expect(same.stdout == "no drift: the registry matches the document\n")
        // No argument: the server's /openapi.json (here the simulator's).
        let server = try await run(["spec", "diff"])
        #expect(server.status == 0, "\(server.stderr)")
        let drift = try await run(["spec", "diff", try newerDocument().path])
        #expect(drift.status == 4)
        #expect(drift.stdout == """
            + flux-3-pro: new endpoint in the document
            ~ flux-pro-1.0-expand:
                - seed: removed
            - flux-2-klein-4b: no longer in the document

            """)
    }

    @Test func aBrokenOrUnreachableDocumentIsOneLine() async throws {
        let broken = home.appendingPathComponent("broken.json")
        try Data(#"{"openapi": "3.1.0", "paths": "#.utf8).write(to: broken)
        let closed = try ClosedPort()
        defer { closed.close() }
        for source in [broken.path, home.appendingPathComponent("missing.json").path, "http://127.0.0.1:\(closed.port)/openapi.json"] {
            let out = try await run(["spec", "diff", source])
            #expect(out.status == 1, "\(source): \(out.stdout)")
            let lines = out.stderr.split(separator: "\n").filter { !$0.contains("simulator") }
            #expect(lines.count == 1 && lines[0].hasPrefix("flux-tui: "), "\(out.stderr)")
        }
    }

    @Test func theAppLoadsANewerDocumentAtStartUpAndSaysSo() async throws {
        guard let tmux = Tmux(label: "spec") else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        let newer = try newerDocument()
        let env = ProcessRunner.environment(home: home, extra: ["LANG": "C.UTF-8", "TERM": "xterm-256color"])
        guard tmux.start([ProcessRunner.executable("flux-tui").path, "--spec", newer.path], width: 160, height: 60, environment: env) else {
            Issue.record("tmux did not start flux-tui")
            return
        }
        let started = await tmux.wait(timeout: 90) { $0.contains("Endpoints") && $0.contains("differs from the built-in API") }
        #expect(started.ok, "no drift notice:\n\(started.screen)")
        #expect(started.screen.contains("flux-3-pro"))
        tmux.keys("q")
        _ = await tmux.wait { _ in !tmux.isAlive }
        tmux.kill()

        // The same from the config file; a broken document is named and the built-in endpoints are used.
        let config = home.appendingPathComponent("config/flux-tui")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try Data("spec = \"\(home.path)/nothing-here.json\"\n".utf8).write(to: config.appendingPathComponent("config.toml"))
        guard let again = Tmux(label: "spec-config") else { return }
        defer { again.kill() }
        guard again.start([ProcessRunner.executable("flux-tui").path], width: 160, height: 60, environment: env) else {
            Issue.record("tmux did not start flux-tui")
            return
        }
        let fallback = await again.wait(timeout: 90) { $0.contains("Endpoints") && $0.contains("using the built-in endpoints") }
        #expect(fallback.ok, "no error notice:\n\(fallback.screen)")
        #expect(fallback.screen.contains("flux-2-klein-4b"))
    }
}
