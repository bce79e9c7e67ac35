import FluxAPI
import Foundation
import TaskStore
import TestSupport
import Testing
@testable import FluxApp

/// Secrets and files (tracker issue 8): a planted API key and webhook secret never reach the
/// screen, stdout/stderr, sidecars, outputs or the task database; a config file holding a key
/// that others can read gets a warning; nothing a server says can put a file outside the output
/// folder; the key never goes over plain http to a non-loopback host.
@Suite(.serialized, .awaitsAfterTest) struct SecretsAndFilesTests {
    let home = Fixtures.temporaryDirectory("flux-secrets")

    func run(_ args: [String], env extra: [String: String] = [:], timeout: Double = 60) async throws -> ProcessRunner.Output {
        let env = ProcessRunner.environment(home: home, extra: extra)
        let output = try await ProcessRunner.run("flux-tui", args, environment: env, timeout: timeout)
        #expect(!output.timedOut, "flux-tui \(args) timed out")
        return output
    }

    /// A scripted API for one task: submit answers `id` (JSON-escaped), polls answer Ready with a
    /// sample on the same server, the sample is `image`.
    static func scriptedAPI(id: String = "sec-1", image: Data, pollingURL: Bool = true) async throws -> ScriptedHTTPServer {
        let idJSON = JSONValue.string(id).serialized()
        return try await ScriptedHTTPServer.start { request, _ in
            let base = "http://" + (request.header("host") ?? "127.0.0.1")
            switch request.path {
            case let path where path.hasPrefix("/v1/flux"):
                let polling = pollingURL ? #","polling_url":"\#(base)/v1/get_result?id=poll-token""# : ""
                return .json(200, #"{"id":\#(idJSON)\#(polling)}"#)
            case "/v1/get_result":
                return .json(200, #"{"id":\#(idJSON),"status":"Ready","progress":1,"result":{"sample":"\#(base)/samples/out.png","seed":11}}"#)
            case "/samples/out.png":
                return .respond(status: 200, headers: [("content-type", "image/png")], body: image)
            default:
                return .json(404, #"{"detail":"Not Found"}"#)
            }
        }
    }

    /// Every regular file under `root` whose bytes contain `needle`.
    static func files(under root: URL, containing needle: String) -> [String] {
        let bytes = Data(needle.utf8)
        var hits: [String] = []
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                  let data = try? Data(contentsOf: url) else { continue }
            if data.range(of: bytes) != nil { hits.append(url.path) }
        }
        return hits
    }

    static func allFiles(under root: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }

    // MARK: the command line

    @Test func plantedKeyAndWebhookSecretAppearNowhereButOnTheWire() async throws {
        defer { Fixtures.cleanup(home) }
        let key = "planted-key-\(UUID().uuidString)"
        let secret = "planted-webhook-\(UUID().uuidString)"
        let image = Fixtures.png(width: 32, height: 32)
        let server = try await Self.scriptedAPI(image: image)
        afterTest { await server.shutdown() }
        let outputs = home.appendingPathComponent("out")
        var streams = ""
        for json in [true, false] {
            var args = ["submit", "flux-dev", "--set", "prompt=secret test", "--set", "webhook_url=https://hooks.example.com/flux",
                        "--set", "webhook_secret=\(secret)", "--wait", "--output", outputs.path, "--server", server.baseURL.absoluteString]
            if json { args.append("--json") }
            let out = try await run(args, env: ["BFL_API_KEY": key])
            #expect(out.status == 0, "\(out.stderr)")
            streams += out.stdout + out.stderr
        }
        // A failing call prints errors; those must not carry the values either.
        let dry = try await run(["submit", "flux-dev", "--set", "webhook_secret=\(secret)", "--set", "width=1", "--dry-run"],
                                env: ["BFL_API_KEY": key])
        streams += dry.stdout + dry.stderr
        let preview = try await run(["submit", "flux-dev", "--set", "webhook_url=https://h.example.com", "--set", "webhook_secret=\(secret)", "--dry-run"],
                                    env: ["BFL_API_KEY": key])
        #expect(preview.status == 0, "\(preview.stderr)")
        streams += preview.stdout + preview.stderr

        // On the wire, where they belong: the key in x-key to the API, the secret in the body.
        let submits = server.requests.filter { $0.path == "/v1/flux-dev" }
        #expect(submits.count == 2)
        #expect(submits.allSatisfy { $0.header("x-key") == key })
        #expect(submits.allSatisfy { String(decoding: $0.body, as: UTF8.self).contains(secret) })
        // Never to the sample URL (signed storage).
        let samples = server.requests.filter { $0.path.hasPrefix("/samples/") }
        #expect(!samples.isEmpty && samples.allSatisfy { $0.header("x-key") == nil })

        // Nowhere else: stdout, stderr, sidecars, images, anything under the home folder.
        for value in [key, secret] {
            #expect(!streams.contains(value), "printed: \(value)")
            #expect(Self.files(under: home, containing: value).isEmpty, "written to \(Self.files(under: home, containing: value))")
        }
        let sidecars = Self.allFiles(under: outputs).filter { $0.pathExtension == "json" }
        #expect(sidecars.count == 2)
        for sidecar in sidecars {
            let json = try JSONValue.parse(try Data(contentsOf: sidecar))
            #expect(json["parameters"]?["webhook_secret"] == .string("(set, not recorded)"))
        }
    }

    @Test func aConfigFileWithAKeyThatOthersCanReadGetsAWarning() async throws {
        defer { Fixtures.cleanup(home) }
        let key = "planted-config-key-\(UUID().uuidString)"
        let server = try await Self.scriptedAPI(image: Fixtures.png(width: 8, height: 8))
        afterTest { await server.shutdown() }
        let config = home.appendingPathComponent("config/flux-tui/config.toml")
        try FileManager.default.createDirectory(at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("api_key = \"\(key)\"\n".utf8).write(to: config)
        let args = ["submit", "flux-dev", "--set", "prompt=x", "--server", server.baseURL.absoluteString]

        chmod(config.path, 0o644)
        let open = try await run(args)
        #expect(open.status == 0, "\(open.stderr)")
        #expect(open.stderr.contains("readable by others"), "no warning for a world-readable key file: \(open.stderr)")
        #expect(open.stderr.contains("chmod 600"))
        #expect(!(open.stdout + open.stderr).contains(key))
        #expect(server.requests.last?.header("x-key") == key, "the key from the file is used")

        chmod(config.path, 0o640)
        let group = try await run(args)
        #expect(group.stderr.contains("readable by others"), "group-readable is readable by others too: \(group.stderr)")

        chmod(config.path, 0o600)
        let closed = try await run(args)
        #expect(closed.status == 0)
        #expect(!closed.stderr.contains("readable by others"), "\(closed.stderr)")
        #expect(!(closed.stdout + closed.stderr).contains(key))
    }

    @Test func hostileIDsFromTheServerCannotPutFilesOutsideTheOutputFolder() async throws {
        defer { Fixtures.cleanup(home) }
        let image = Fixtures.png(width: 8, height: 8)
        let outputs = home.appendingPathComponent("sandbox/out")
        let tag = UUID().uuidString.prefix(6)
        let hostile = ["../../x", "../../../../../../../../tmp/flux-escape-\(tag)", "/etc/flux-owned", "/tmp/flux-abs-\(tag)",
                       "a\u{0}b", "..", ".", "...", "-rf", "--output=/tmp", "x/../../y", "\u{202E}gnp.exe", "~/escape",
                       "$(touch pwned)", "id\nwith\nnewlines", String(repeating: "../", count: 300) + "deep"]
        // One server for every case: the prompt says which id to answer with; polls come back
        // either on the polling URL (a token) or on /v1/get_result?id=<the hostile id>.
        let ids = hostile
        let server = try await ScriptedHTTPServer.start { request, _ in
            let base = "http://" + (request.header("host") ?? "127.0.0.1")
            let query = URLComponents(string: "http://x" + request.uri)?.queryItems?.first { $0.name == "id" }?.value ?? ""
            switch request.path {
            case "/v1/flux-pro-1.1":
                let prompt = (try? JSONValue.parse(request.body))?["prompt"]?.stringValue ?? ""
                guard let index = Int(prompt), ids.indices.contains(index) else { return .json(422, #"{"detail":"bad prompt"}"#) }
                let polling = index % 2 == 0 ? #","polling_url":"\#(base)/v1/get_result?id=poll-\#(index)""# : ""
                return .json(200, #"{"id":\#(JSONValue.string(ids[index]).serialized())\#(polling)}"#)
            case "/v1/get_result":
                let index = query.hasPrefix("poll-") ? Int(query.dropFirst(5)) : ids.firstIndex(of: query)
                guard let index else { return .json(200, #"{"id":"?","status":"Task not found"}"#) }
                let id = JSONValue.string(ids[index]).serialized()
                return .json(200, #"{"id":\#(id),"status":"Ready","progress":1,"result":{"sample":"\#(base)/samples/out.png","seed":11}}"#)
            case "/samples/out.png":
                return .respond(status: 200, headers: [("content-type", "image/png")], body: image)
            default:
                return .json(404, #"{"detail":"Not Found"}"#)
            }
        }
        afterTest { await server.shutdown() }
        let env = ProcessRunner.environment(home: home, extra: ["BFL_API_KEY": "k"])
        // Every id with one of two patterns; four runs at a time (each waits for its first poll).
        let patterns = ["{id}", "../{id}/x-{short_id}"]
        let cases = hostile.indices.map { ($0, patterns[$0 % 2]) }
        let results = try await withThrowingTaskGroup(of: (Int, String, ProcessRunner.Output).self) { group in
            var pending = cases[...]
            var all: [(Int, String, ProcessRunner.Output)] = []
            func launch(_ index: Int, _ pattern: String) {
                group.addTask {
                    let out = try await ProcessRunner.run(
                        "flux-tui", ["submit", "flux-pro-1.1", "--set", "prompt=\(index)", "--wait", "--json", "--output", outputs.path,
                                     "--name", pattern, "--server", server.baseURL.absoluteString], environment: env, timeout: 60)
                    return (index, pattern, out)
                }
            }
            for _ in 0..<4 { if let (index, pattern) = pending.popFirst() { launch(index, pattern) } }
            for try await result in group {
                all.append(result)
                if let (index, pattern) = pending.popFirst() { launch(index, pattern) }
            }
            return all
        }
        #expect(results.count == cases.count)
        for (index, pattern, out) in results {
            let id = hostile[index].debugDescription
            #expect(out.status == 0 && !out.timedOut, "id \(id) pattern \(pattern): \(out.stderr)")
            let paths = (try? JSONValue.parse(out.stdout))?["outputs"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(paths.count == 1, "id \(id) pattern \(pattern): \(out.stdout)")
            for path in paths {
                let url = URL(fileURLWithPath: path)
                #expect(url.deletingLastPathComponent().standardizedFileURL.path == outputs.standardizedFileURL.path,
                        "id \(id) with \(pattern) wrote \(path)")
                let name = url.lastPathComponent
                #expect(!name.hasPrefix(".") && !name.hasPrefix("-") && !name.contains("\u{0}") && !name.contains("\n"), "\(name.debugDescription)")
                #expect(FileManager.default.fileExists(atPath: path))
            }
        }
        // Nothing outside the output folder: the whole sandbox holds only files directly in it.
        let written = Self.allFiles(under: home.appendingPathComponent("sandbox"))
        #expect(written.count == cases.count * 2, "one image and one sidecar per run")
        for file in written {
            #expect(file.deletingLastPathComponent().standardizedFileURL.path == outputs.standardizedFileURL.path, "\(file.path)")
        }
        for target in ["/tmp/flux-escape-\(tag)", "/tmp/flux-abs-\(tag)", "/etc/flux-owned"] {
            for ext in ["", ".png", ".json", ".jpg"] {
                #expect(!FileManager.default.fileExists(atPath: target + ext), "escaped to \(target + ext)")
            }
        }
        // `result --wait` takes the id from the user and names files with it too.
        let out = try await run(["result", "../../x", "--wait", "--json", "--output", outputs.path, "--name", "../{id}",
                                 "--server", server.baseURL.absoluteString], env: ["BFL_API_KEY": "k"])
        #expect(out.status == 0, "\(out.stderr)")
        let path = try #require(try JSONValue.parse(out.stdout)["outputs"]?.arrayValue?.first?.stringValue)
        #expect(URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path == outputs.standardizedFileURL.path)
    }

    @Test func theKeyIsRefusedForPlainHTTPToAnotherHostBeforeAnyConnection() async throws {
        defer { Fixtures.cleanup(home) }
        let key = "planted-insecure-\(UUID().uuidString)"
        // `.invalid` never resolves: a refusal must come from the policy, not from a failed lookup.
        for server in ["http://flux-test.invalid", "http://flux-test.invalid:8080/base", "http://10.255.255.1", "http://[2001:db8::1]:80"] {
            let out = try await run(["submit", "flux-dev", "--set", "prompt=x", "--wait", "--server", server], env: ["BFL_API_KEY": key])
            #expect(out.status == 1, "\(server): \(out.stderr)")
            #expect(out.stderr.contains("refusing to send the API key over plain http"), "\(server): \(out.stderr)")
            #expect(!out.stderr.contains("cannot resolve") && !out.stderr.contains("cannot reach"), "\(server): \(out.stderr)")
            #expect(!(out.stdout + out.stderr).contains(key))
        }
        // A polling URL on another host over http is refused the same way (the key would go there).
        let evil = try await ScriptedHTTPServer.start { _, _ in
            .json(200, #"{"id":"t","polling_url":"http://flux-test.invalid/v1/get_result?id=t"}"#)
        }
        afterTest { await evil.shutdown() }
        let out = try await run(["submit", "flux-dev", "--set", "prompt=x", "--wait", "--server", evil.baseURL.absoluteString],
                                env: ["BFL_API_KEY": key])
        #expect(out.status == 1)
        #expect(out.stderr.contains("refusing to send the API key over plain http to http://flux-test.invalid"), "\(out.stderr)")
        #expect(evil.requests.count == 1, "only the submit went out")
    }

    @Test func imagesThatCannotBeSentAreRefusedBeforeAnyConnection() async throws {
        defer { Fixtures.cleanup(home) }
        let server = try await ScriptedHTTPServer.start { _, _ in .json(200, #"{"id":"x"}"#) }
        afterTest { await server.shutdown() }
        let dir = home.appendingPathComponent("inputs with spaces")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let huge = dir.appendingPathComponent("huge photo.png")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: Fixtures.png(width: 8, height: 8)))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 22 * 1024 * 1024)
        try handle.close()
        let fake = Fixtures.write(Data("%PDF-1.7 not an image".utf8), "-fake.png", in: dir)
        let empty = Fixtures.write(Data(), "empty 写真.png", in: dir)
        let cases = [(huge.path, "larger than the 21 MiB"), (fake.path, "is not a PNG, JPEG or WebP image"), (empty.path, "is empty"),
                     (dir.path, "is a folder"), (dir.appendingPathComponent("..").path, "is a folder")]
        for (path, message) in cases {
            let out = try await run(["submit", "flux-pro-1.0-fill", "--set", "image=@\(path)", "--set", "prompt=x",
                                     "--server", server.baseURL.absoluteString], env: ["BFL_API_KEY": "k"])
            #expect(out.status == 2, "\(path): \(out.stderr)")
            #expect(out.stderr.contains(message), "\(path): \(out.stderr)")
            #expect(out.stderr.contains("nothing was sent"))
        }
        #expect(server.requests.isEmpty, "an unusable image was uploaded")
    }

    /// Text a server sends (error details, statuses, ids) is printed on the user's terminal; escape
    /// sequences in it could retitle the window, clear the screen or worse. The app's screen
    /// buffer turns control characters into spaces; the command line turns them into "?".
    @Test
    func serverTextCannotInjectTerminalEscapes() async throws {
        defer { Fixtures.cleanup(home) }
        let evil = "boom \u{1B}]0;pwned\u{7} \u{1B}[2J cleared"
        let text = JSONValue.string(evil).serialized()
        let server = try await ScriptedHTTPServer.start { request, _ in
            switch request.path {
            case "/v1/flux-dev": return .json(400, #"{"detail":\#(text)}"#)
            case "/v1/flux-pro-1.1": return .json(200, #"{"id":\#(text)}"#)
            default: return .json(200, #"{"id":"t","status":\#(text),"progress":0.5}"#)
            }
        }
        afterTest { await server.shutdown() }
        let env = ["BFL_API_KEY": "k"]
        let failed = try await run(["submit", "flux-dev", "--set", "prompt=x", "--server", server.baseURL.absoluteString], env: env)
        let submitted = try await run(["submit", "flux-pro-1.1", "--set", "prompt=x", "--server", server.baseURL.absoluteString], env: env)
        let status = try await run(["result", "t", "--server", server.baseURL.absoluteString], env: env)
        for out in [failed, submitted, status] {
            let printed = out.stdout + out.stderr
            #expect(!printed.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "raw escapes printed: \(printed.debugDescription)")
        }
        // The text still reaches the user, each control character shown as "?", with the usual exit codes.
        let shown = "boom ?]0;pwned? ?[2J cleared"
        #expect(failed.status == 1 && failed.stderr.contains(shown), "\(failed.status): \(failed.stderr.debugDescription)")
        #expect(submitted.status == 0 && submitted.stdout.contains(shown), "\(submitted.status): \(submitted.stdout.debugDescription)")
        #expect(status.status == 0 && status.stdout.contains("t: \(shown) 50%"), "\(status.status): \(status.stdout.debugDescription)")
    }

    // MARK: the interactive app

    static func line(_ field: String, in screen: String) -> String {
        screen.components(separatedBy: "\n").first { $0.contains("│  \(field) ") || $0.contains("│› \(field) ") } ?? ""
    }

    @Test func theAppNeverShowsTheKeyAndMasksTheWebhookSecret() async throws {
        guard let tmux = Tmux(label: "secrets") else { Issue.record("tmux is not installed"); return }
        defer { tmux.kill(); Fixtures.cleanup(home) }
        let key = "planted-app-key-\(UUID().uuidString)"
        let secret = "planted-app-webhook-\(UUID().uuidString)"
        let simulator = try await BackgroundProcess.simulator(environment: ["FLUX_SIM_TASK_SECONDS": "1", "HOME": home.path])
        defer { simulator.kill() }
        let server = try #require(simulator.baseURL)
        let environment = [
            "HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "LANG": "C.UTF-8", "TERM": "xterm-256color",
            "BFL_API_KEY": key, "TESTDK_API_KEY_HEADER": "", "FLUX_SERVER_URL": "",
        ]
        var screens: [String] = []
        guard await AppDriver.launch(tmux, server: server, environment: environment) else { return }
        screens.append(tmux.capture())
        await AppDriver.open(tmux, "flux-dev")
        await AppDriver.fill(tmux, "flux-dev", ["prompt": "secret app test", "width": "256", "height": "256",
                                                 "webhook_url": "https://hooks.example.com/x", "webhook_secret": secret],
                              settled: { Self.line("webhook_secret", in: $0).contains(String(repeating: "•", count: secret.count)) }) { screen in
            screens.append(screen)
            // Typed into the form, the secret shows as bullets, one per character.
            let line = Self.line("webhook_secret", in: screen)
            #expect(line.contains(String(repeating: "•", count: secret.count)) && !line.contains("planted"),
                    "webhook_secret is not masked: \(line)\n\(screen)")
        }
        let ready = await tmux.wait(timeout: 30) { $0.contains("✓ Ready") }
        screens.append(ready.screen)
        #expect(ready.ok, "task not Ready:\n\(ready.screen)")
        // Every pane of the task list, with and without details.
        for _ in 0..<2 {
            tmux.keys("Enter")
            try await Task.sleep(for: .milliseconds(400))
            screens.append(tmux.capture())
        }
        // The form again (still filled) and its JSON preview.
        tmux.keys("1")
        tmux.keys("Enter")
        screens.append(await tmux.wait { $0.contains("POST /v1/flux-dev ") }.screen)
        tmux.keys("C-p")
        let preview = await tmux.wait { $0.contains("JSON body for") }
        screens.append(preview.screen)
        #expect(preview.screen.contains("webhook_url"), "preview not shown:\n\(preview.screen)")

        for (index, screen) in screens.enumerated() {
            #expect(!screen.contains(key), "screen \(index) shows the API key:\n\(screen)")
            #expect(!screen.contains(secret), "screen \(index) shows the webhook secret:\n\(screen)")
        }
        tmux.keys("Escape")
        tmux.keys("Escape")
        tmux.keys("q")
        _ = await AppDriver.waitUntil(10) { !tmux.isAlive }

        // The database (with its WAL and shared-memory files) and the outputs hold neither value.
        let data = home.appendingPathComponent("data")
        let store = try TaskStore(path: data.appendingPathComponent("flux-tui/tasks.sqlite").path)
        let stored = try #require(try store.tasks().first)
        #expect(stored.phase == .done)
        #expect(stored.parameters["webhook_secret"] == nil)
        #expect(stored.parameters["webhook_url"] == .text("https://hooks.example.com/x"))
        for value in [key, secret] {
            #expect(Self.files(under: home, containing: value).isEmpty, "written to \(Self.files(under: home, containing: value))")
        }
        #expect(!Self.allFiles(under: data).filter { $0.lastPathComponent.hasPrefix("tasks.sqlite") }.isEmpty)
    }
}
