import Foundation
import Testing
import TestSupport
import FluxAPI

/// The `flux-tui` executable end to end: against a scripted server (exact JSON on the wire) and
/// against the built-in simulator (the whole submit → wait → download flow).
@Suite(.serialized, .awaitsAfterTest) struct CLITests {
    let home = Fixtures.temporaryDirectory("flux-cli")

    func run(_ args: [String], env extra: [String: String] = [:], timeout: Double = 90) async throws -> ProcessRunner.Output {
        let env = ProcessRunner.environment(home: home, extra: ["FLUX_SIM_TASK_SECONDS": "0.3"].merging(extra) { $1 })
        let output = try await ProcessRunner.run("flux-tui", args, environment: env, timeout: timeout)
        #expect(!output.timedOut, "flux-tui \(args) timed out")
        return output
    }

    @Test func endpointsListsAllThirteen() async throws {
        let out = try await run(["endpoints", "--json"])
        #expect(out.status == 0)
        let list = try #require(try JSONValue.parse(out.stdout).arrayValue)
        #expect(list.compactMap { $0["name"]?.stringValue } == EndpointRegistry.all.map(\.id))
        let text = try await run(["endpoints"])
        #expect(text.stdout.contains("flux-pro-1.0-fill-finetuned"))
        #expect(text.stdout.contains("Fine-tuned models"))
    }

    @Test func describeShowsFieldsWithRanges() async throws {
        let out = try await run(["describe", "flux-dev", "--json"])
        #expect(out.status == 0)
        let json = try JSONValue.parse(out.stdout)
        let width = try #require(json["fields"]?.arrayValue?.first { $0["name"] == .string("width") })
        #expect(width["minimum"]?.doubleValue == 256 && width["multiple_of"] == .int(32) && width["default"] == .int(1024))
        let text = try await run(["describe", "flux-pro-1.0-canny"])
        #expect(text.stdout.contains("canny_low_threshold"))
        #expect(text.stdout.contains("0..500"))
        let bad = try await run(["describe", "flux-deev"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("unknown endpoint 'flux-deev'"))
    }

    @Test func invalidInputExits2ListingEveryProblemAndSendsNothing() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .json(200, #"{"id":"x","polling_url":"p"}"#) }
        afterTest { await server.shutdown() }
        let out = try await run(["submit", "flux-dev", "--set", "width=1000", "--set", "steps=99", "--set", "bogus=1",
                           "--set", "guidance=high", "--server", server.baseURL.absoluteString], env: ["BFL_API_KEY": "k"])
        #expect(out.status == 2)
        for needle in ["width: must be a multiple of 32", "steps: must be at most 50", "bogus: is not a field of flux-dev",
                       "guidance: expects a number, got 'high'", "nothing was sent"] {
            #expect(out.stderr.contains(needle), "missing '\(needle)' in: \(out.stderr)")
        }
        #expect(server.requests.isEmpty)
        let json = try await run(["submit", "flux-pro-1.0-fill", "--json", "--set", "image=@/nonexistent.png"])
        #expect(json.status == 2)
        let object = try JSONValue.parse(json.stdout)
        #expect(object["error"]?.stringValue?.contains("no file at /nonexistent.png") == true)
        #expect(object["id"] == .null)
    }

    /// Every operation, with values of every kind, produces exactly the JSON the contract requires.
    @Test func everyOperationSendsTheExactJSON() async throws {
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        let png = Fixtures.png(width: 64, height: 64)
        let image = Fixtures.write(png, "in.png", in: dir).path
        let zip = Fixtures.zip([("a.png", png), ("a.txt", Data("a photo".utf8))])
        let archive = Fixtures.write(zip, "train.zip", in: dir).path
        let b64 = png.base64EncodedString()
        let cases: [(String, [String], String)] = [
            ("flux-pro-1.1", ["prompt=ein fantastisches bild", "seed=42", "width=1024", "height=768", "prompt_upsampling=true", "output_format=png"],
             #"{"height":768,"output_format":"png","prompt":"ein fantastisches bild","prompt_upsampling":true,"seed":42,"width":1024}"#),
            ("flux-pro", ["prompt=x", "steps=40", "guidance=2.5", "interval=2", "seed=null"],
             #"{"guidance":2.5,"interval":2.0,"prompt":"x","seed":null,"steps":40}"#),
            ("flux-dev", ["steps=28", "seed=42", "guidance=3", "image_prompt=@\(image)"],
             #"{"guidance":3.0,"image_prompt":"\#(b64)","seed":42,"steps":28}"#),
            ("flux-pro-1.1-ultra", ["prompt=A beautiful landscape", "aspect_ratio=21:9", "raw=true", "image_prompt_strength=0.3", "image_prompt=https://e.com/i.png"],
             #"{"aspect_ratio":"21:9","image_prompt":"https://e.com/i.png","image_prompt_strength":0.3,"prompt":"A beautiful landscape","raw":true}"#),
            ("flux-pro-1.0-fill", ["image=@\(image)", "mask=\(image)", "prompt=x", "steps=50", "safety_tolerance=2"],
             #"{"image":"\#(b64)","mask":"\#(b64)","prompt":"x","safety_tolerance":2,"steps":50}"#),
            ("flux-pro-1.0-canny", ["prompt=x", "control_image=@\(image)", "canny_low_threshold=50", "canny_high_threshold=200"],
             #"{"canny_high_threshold":200,"canny_low_threshold":50,"control_image":"\#(b64)","prompt":"x"}"#),
            ("flux-pro-1.0-depth", ["prompt=x", "preprocessed_image=@\(image)", "guidance=15"],
             #"{"guidance":15.0,"preprocessed_image":"\#(b64)","prompt":"x"}"#),
            ("finetune", ["file_data=@\(archive)", "finetune_comment=my-first-finetune", "mode=product", "lora_rank=16", "captioning=false", "iterations=300"],
             #"{"captioning":false,"file_data":"\#(zip.base64EncodedString())","finetune_comment":"my-first-finetune","iterations":300,"lora_rank":16,"mode":"product"}"#),
            ("flux-pro-finetuned", ["finetune_id=my-finetune", "seed=42", "finetune_strength=1.2", "steps=40"],
             #"{"finetune_id":"my-finetune","finetune_strength":1.2,"seed":42,"steps":40}"#),
            ("flux-pro-1.0-depth-finetuned", ["finetune_id=my-finetune", "prompt=x", "control_image=@\(image)", "seed=42"],
             #"{"control_image":"\#(b64)","finetune_id":"my-finetune","prompt":"x","seed":42}"#),
            ("flux-pro-1.0-canny-finetuned", ["finetune_id=my-finetune", "prompt=x", "control_image=@\(image)", "canny_high_threshold=300"],
             #"{"canny_high_threshold":300,"control_image":"\#(b64)","finetune_id":"my-finetune","prompt":"x"}"#),
            ("flux-pro-1.0-fill-finetuned", ["finetune_id=my-finetune", "image=@\(image)", "finetune_strength=0.5"],
             #"{"finetune_id":"my-finetune","finetune_strength":0.5,"image":"\#(b64)"}"#),
            ("flux-pro-1.1-ultra-finetuned", ["finetune_id=my-finetune", "prompt=x", "seed=42", "output_format=jpeg"],
             #"{"finetune_id":"my-finetune","output_format":"jpeg","prompt":"x","seed":42}"#),
            // Built from the OpenAPI document.
            ("flux-2-pro", ["prompt=x", "input_image=@\(image)", "input_image_2=https://e.com/r.png", "width=1024", "height=768", "seed=42"],
             #"{"height":768,"input_image":"\#(b64)","input_image_2":"https://e.com/r.png","prompt":"x","seed":42,"width":1024}"#),
            ("flux-2-flex", ["prompt=x", "steps=30", "guidance=4.5", "prompt_upsampling=false"],
             #"{"guidance":4.5,"prompt":"x","prompt_upsampling":false,"steps":30}"#),
            ("flux-2-max", ["prompt=x", "output_format=webp", "safety_tolerance=5"],
             #"{"output_format":"webp","prompt":"x","safety_tolerance":5}"#),
            ("flux-2-klein-4b", ["prompt=x", "input_image_4=@\(image)"], #"{"input_image_4":"\#(b64)","prompt":"x"}"#),
            ("flux-2-klein-9b", ["prompt=x", "width=512", "height=512"], #"{"height":512,"prompt":"x","width":512}"#),
            ("flux-2-klein-9b-preview", ["prompt=x", "seed=null"], #"{"prompt":"x","seed":null}"#),
            ("flux-2-pro-preview", ["prompt=x", "webhook_url=https://e.com/hook"], #"{"prompt":"x","webhook_url":"https://e.com/hook"}"#),
            ("flux-kontext-pro", ["prompt=x", "input_image=@\(image)", "aspect_ratio=1:1"],
             #"{"aspect_ratio":"1:1","input_image":"\#(b64)","prompt":"x"}"#),
            ("flux-kontext-max", ["prompt=x", "input_image=https://e.com/i.png", "input_image_2=@\(image)"],
             #"{"input_image":"https://e.com/i.png","input_image_2":"\#(b64)","prompt":"x"}"#),
            ("flux-pro-1.0-expand", ["image=@\(image)", "top=64", "right=32", "prompt=x"],
             #"{"image":"\#(b64)","prompt":"x","right":32,"top":64}"#),
        ]
        #expect(Set(cases.map(\.0)) == Set(EndpointRegistry.all.map(\.id)))
        let server = try await ScriptedHTTPServer.start { request, _ in
            .json(200, #"{"id":"task-\#(request.path.split(separator: "/").last ?? "")","polling_url":"http://127.0.0.1:1/x"}"#)
        }
        afterTest { await server.shutdown() }
        for (index, (endpoint, sets, expected)) in cases.enumerated() {
            let args = ["submit", endpoint, "--json", "--server", server.baseURL.absoluteString] + sets.flatMap { ["--set", $0] }
            let out = try await run(args, env: ["BFL_API_KEY": "bfl-test-key"])
            #expect(out.status == 0, "\(endpoint): \(out.stderr)")
            let sent = try #require(server.requests.count > index ? server.requests[index] : nil, "\(endpoint) sent nothing")
            #expect(sent.path == "/v1/\(endpoint)")
            #expect(sent.header("x-key") == "bfl-test-key")
            #expect(String(decoding: sent.body, as: UTF8.self) == expected, "\(endpoint)")
            let printed = try JSONValue.parse(out.stdout)
            #expect(printed == .object(["id": .string("task-\(endpoint)"), "endpoint": .string(endpoint), "status": .string("Pending"),
                                        "seed": sets.contains("seed=42") ? .int(42) : .null, "outputs": .array([]), "error": .null]),
                    "\(endpoint): \(out.stdout)")
        }
    }

    @Test func theKeyIsNeverPrintedAndPlainHTTPIsRefused() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .json(401, #"{"detail":"Invalid key"}"#) }
        afterTest { await server.shutdown() }
        let secret = "bfl-SECRET-0123456789-abcdef"
        let out = try await run(["submit", "flux-dev", "--set", "prompt=x", "--server", server.baseURL.absoluteString],
                          env: ["BFL_API_KEY": secret])
        #expect(out.status == 1)
        #expect(out.stderr.contains("the API key was refused (HTTP 401): Invalid key"))
        #expect(!(out.stdout + out.stderr).contains(secret))
        let insecure = try await run(["finetunes", "list", "--server", "http://api.example.com"], env: ["BFL_API_KEY": secret])
        #expect(insecure.status != 0)
        #expect(insecure.stderr.contains("refusing to send the API key over plain http"))
        #expect(!(insecure.stdout + insecure.stderr).contains(secret))
    }

    @Test func withNoKeyTheSimulatorServesTheWholeFlow() async throws {
        let outputs = home.appendingPathComponent("out")
        let out = try await run(["submit", "flux-dev", "--set", "prompt=a lighthouse", "--set", "width=256", "--set", "height=256",
                           "--wait", "--json", "--output", outputs.path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("using the built-in simulator"))
        let json = try JSONValue.parse(out.stdout)
        #expect(json["status"] == .string("Ready"))
        #expect(json["seed"]?.intValue != nil)
        let path = try #require(json["outputs"]?.arrayValue?.first?.stringValue)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let info = try ImageInspector.inspect(bytes: data)
        #expect(info.width == 256 && info.height == 256)
        let sidecar = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("json")))
        #expect(sidecar["parameters"]?["prompt"] == .string("a lighthouse"))
        #expect(sidecar["seed"] == json["seed"])
        // Plain text mode prints the path on stdout.
        let text = try await run(["submit", "flux-pro-1.1", "--set", "prompt=a boat", "--set", "width=256", "--set", "height=256",
                            "--set", "output_format=png", "--wait", "--output", outputs.path])
        #expect(text.status == 0, "\(text.stderr)")
        let printed = text.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(printed.hasSuffix(".png") && FileManager.default.fileExists(atPath: printed))
    }

    @Test func moderatedAndFailedTasksExit3() async throws {
        let moderated = try await run(["submit", "flux-dev", "--set", "prompt=SIM_MODERATE_REQUEST please", "--wait", "--json",
                                 "--output", home.path])
        #expect(moderated.status == 3, "\(moderated.stderr)")
        #expect(try JSONValue.parse(moderated.stdout)["status"] == .string("Request Moderated"))
        let failed = try await run(["submit", "flux-dev", "--set", "prompt=SIM_FAIL", "--wait"])
        #expect(failed.status == 3)
        #expect(failed.stderr.contains("ended with Error"))
        let unknown = try await run(["result", "no-such-task", "--json"])
        #expect(unknown.status == 3)
        #expect(try JSONValue.parse(unknown.stdout)["status"] == .string("Task not found"))
    }

    /// `result ID --wait` follows a task it did not submit through the same engine: polled to
    /// Ready, downloaded, named after the endpoint given.
    @Test func resultWaitFollowsATaskToItsFile() async throws {
        let png = Fixtures.png(width: 32, height: 32)
        let server = try await ScriptedHTTPServer.start { request, _ in
            switch request.path {
            case "/v1/get_result":
                let base = "http://\(request.header("host") ?? "")"
                return .json(200, #"{"id":"abc","status":"Ready","result":{"sample":"\#(base)/sample.png","seed":7}}"#)
            case "/sample.png": return .respond(status: 200, headers: [("content-type", "image/png")], body: png)
            default: return .json(404, #"{"detail":"Not Found"}"#)
            }
        }
        defer { Task { await server.shutdown() } }
        let outputs = home.appendingPathComponent("followed")
        let out = try await run(["result", "abc", "--wait", "--json", "--endpoint", "flux-dev", "--output", outputs.path,
                                 "--server", server.baseURL.absoluteString], env: ["BFL_API_KEY": "k"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try JSONValue.parse(out.stdout)
        #expect(json["status"] == .string("Ready") && json["seed"] == .int(7) && json["endpoint"] == .string("flux-dev"))
        let path = try #require(json["outputs"]?.arrayValue?.first?.stringValue)
        #expect(URL(fileURLWithPath: path).lastPathComponent.hasPrefix("flux-dev-"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == png)
    }

    @Test func finetuneManagementAgainstTheSimulator() async throws {
        let list = try await run(["finetunes", "list", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(try JSONValue.parse(list.stdout)["finetunes"] == .array([]))
        let missing = try await run(["finetunes", "show", "nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("404"))
    }

    @Test func finetuneCreateZipsAFolderAndWatchesTraining() async throws {
        let dir = Fixtures.temporaryDirectory("ft-folder")
        defer { Fixtures.cleanup(dir) }
        for i in 1...3 {
            Fixtures.write(Fixtures.png(width: 16, height: 16), "img \(i).png", in: dir)
            Fixtures.write(Data("a TOK thing \(i)".utf8), "img \(i).txt", in: dir)
        }
        let out = try await run(["finetune", "create", dir.path, "--set", "finetune_comment=cli test", "--set", "mode=product",
                                 "--set", "iterations=100", "--wait", "--json"], env: ["FLUX_SIM_FINETUNE_SECONDS": "0.5"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try JSONValue.parse(out.stdout)
        #expect(json["status"] == .string("Ready"))
        #expect(json["endpoint"] == .string("finetune"))
        #expect(json["id"]?.stringValue?.isEmpty == false)
        // Problems are listed and nothing is sent.
        Fixtures.write(Data("not a png".utf8), "broken.png", in: dir)
        let bad = try await run(["finetune", "create", dir.path, "--set", "finetune_comment=x"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("broken.png: not a PNG, JPEG or WebP image despite its name"), "\(bad.stderr)")
        #expect(bad.stderr.contains("mode: is required"))
        #expect(bad.stderr.contains("nothing was sent"))
    }

    @Test func withoutATerminalTheUIExplainsItself() async throws {
        let out = try await run([])
        #expect(out.status == 1)
        #expect(out.stderr.contains("needs a terminal"), "\(out.stderr)")
    }
}

/// The config file: settings, precedence, a clear error for a bad file, and a warning when a file
/// holding the key can be read by others.
@Suite(.serialized, .awaitsAfterTest) struct ConfigFileTests {
    let home = Fixtures.temporaryDirectory("flux-config")

    func writeConfig(_ text: String, mode: Int16 = 0o600) throws {
        let dir = home.appendingPathComponent("config/flux-tui")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("config.toml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: NSNumber(value: mode)], ofItemAtPath: file.path)
    }

    func run(_ args: [String], env extra: [String: String] = [:]) async throws -> ProcessRunner.Output {
        try await ProcessRunner.run("flux-tui", args, environment: ProcessRunner.environment(home: home, extra: extra))
    }

    @Test func theFileSuppliesKeyServerAndOutput() async throws {
        defer { Fixtures.cleanup(home) }
        let server = try await ScriptedHTTPServer.start { _, _ in .json(200, #"{"finetunes":[]}"#) }
        afterTest { await server.shutdown() }
        try writeConfig("api_key = \"from-config-file-key\"\nserver = \"\(server.baseURL.absoluteString)\"\n")
        let out = try await run(["finetunes", "list"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(server.requests.first?.header("x-key") == "from-config-file-key")
        #expect(!out.stderr.contains("readable by others"))
        // The environment wins over the file.
        _ = try await run(["finetunes", "list"], env: ["BFL_API_KEY": "from-environment"])
        #expect(server.requests.last?.header("x-key") == "from-environment")
    }

    @Test func aKeyInAFileOthersCanReadIsWarnedAbout() async throws {
        defer { Fixtures.cleanup(home) }
        try writeConfig("api_key = \"planted-config-key-123456\"\nserver = \"http://127.0.0.1:9\"\n", mode: 0o644)
        let out = try await run(["finetunes", "list", "--retry-for", "0"])
        #expect(out.stderr.contains("readable by others"), "\(out.stderr)")
        #expect(out.stderr.contains("chmod 600"))
        #expect(!(out.stdout + out.stderr).contains("planted-config-key-123456"))
    }

    @Test func aBadFileIsAClearError() async throws {
        defer { Fixtures.cleanup(home) }
        try writeConfig("server = \n")
        let out = try await run(["finetunes", "list"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("config.toml:1"), "\(out.stderr)")
        try writeConfig("sever = \"https://x\"\n")
        let typo = try await run(["finetunes", "list"])
        #expect(typo.stderr.contains("unknown setting 'sever'"), "\(typo.stderr)")
    }
}
