import FluxAPI
import Foundation
import TestSupport
import Testing

/// Bad input (tracker issue 8): seeded random and hand-picked hostile values through every
/// field's parser and validator, every response decoder, and the image-file checks. The rule in
/// every case: no crash, and a problem comes back as a clear message naming what is wrong.
///
/// The generator is seeded (`FLUX_FUZZ_SEED` overrides the default), so a failure replays.
@Suite(.awaitsAfterTest) struct BadInputTests {

    static let seed: UInt64 = ProcessInfo.processInfo.environment["FLUX_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0xF1_0C5

    /// Text people (or a paste) could put in a field, chosen to break parsers.
    static let hostileTexts: [String] = [
        "", " ", "  \t ", "null", "NULL", " null ", "nil", "none", "undefined",
        "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity", "1e309", "-1e309", "1e-400", "4.9e-324",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "99999999999999999999999999999999999999", "1e18", "9e15", "-0", "+5", "0x10", "0b11", "1_000", "1,5", "1.5.5",
        "٣", "１２", "Ⅻ", "½", " 42 ", "\t1\n", "42abc", "3.0", "3.", ".5", "1e2",
        "true", "TRUE", "yes", "on", "1", "0", "tru", "maybe",
        "\u{0}", "a\u{0}b", "\u{7}\u{8}\u{1B}[2J", "\u{202E}evil", "💥", "👩‍👩‍👧‍👦", "e\u{301}", "\u{FEFF}",
        "16:9", "21:9", "9:21", "22:9", "0:0", "-1:1", "1:-1", "99999999999:1", "10000:1", "1:", ":", "::", "1:1:1", " 16 : 9 ",
        "http://", "https://", "http://[::1", "https://exa mple.com", "HTTPS://EXAMPLE.COM/a.png", "javascript:alert(1)",
        "file:///etc/passwd", "ftp://x/y", "//example.com/a.png",
        "@", "@@", "@/", "base64:", "base64:!!!", "BASE64:AAAA", "data:image/png;base64,AAAA",
        "~", "~/", "~root", ".", "..", "../../../../etc/passwd", "/", "/dev/null", "/dev/zero", "/proc/self/mem", "-rf", "--set",
        String(repeating: "a", count: 100_000), String(repeating: "9", count: 5_000), String(repeating: "é", count: 3_000),
        String(repeating: "🙂", count: 2_100),
    ]

    static func randomText(_ rng: inout SeededRandom) -> String {
        let length: Int
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: length = 0
        case 1: length = Int.random(in: 200...3000, using: &rng)
        default: length = Int.random(in: 1...24, using: &rng)
        }
        var out = String.UnicodeScalarView()
        for _ in 0..<length {
            let value: UInt32
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: value = UInt32.random(in: 0...0x1F, using: &rng)
            case 1: value = UInt32.random(in: 0x80...0x7FF, using: &rng)
            case 2: value = [0x200D, 0x202E, 0x301, 0xFE0F, 0xFEFF, 0x1F600, 0x10FFFF].randomElement(using: &rng)!
            case 3: value = UInt32.random(in: 0x1_0000...0x10_FFFF, using: &rng)
            case 4: value = UInt32(Array("0123456789.-+eE:".unicodeScalars).randomElement(using: &rng)!.value)
            default: value = UInt32.random(in: 0x20...0x7E, using: &rng)
            }
            if let scalar = Unicode.Scalar(value) { out.append(scalar) }
        }
        return String(out)
    }

    static func randomValue(_ rng: inout SeededRandom) -> FieldValue {
        let numbers: [Double] = [.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                 .leastNonzeroMagnitude, 0, -0.0, 1e15, 9.2e18, 3.5, -3.5]
        let integers: [Int] = [.max, .min, .max - 1, .min + 1, 0, -1, 31, 33, 1_000_000_007]
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: return .integer(Bool.random(using: &rng) ? integers.randomElement(using: &rng)! : Int.random(in: .min ... .max, using: &rng))
        case 1: return .number(Bool.random(using: &rng) ? numbers.randomElement(using: &rng)! : Double.random(in: -1e6...1e6, using: &rng))
        case 2: return .boolean(Bool.random(using: &rng))
        case 3: return .text(randomText(&rng))
        case 4: return .file("/nonexistent-fuzz/" + randomText(&rng))
        case 5: return .url(randomText(&rng))
        case 6: return .base64(randomText(&rng))
        default: return .null
        }
    }

    /// A message people can act on: not empty, not a raw Swift dump. (It may quote what was
    /// typed, so its length follows the input's.)
    static func isClear(_ issue: ValidationIssue) -> Bool {
        !issue.message.trimmingCharacters(in: .whitespaces).isEmpty && !issue.message.contains("Optional(")
            && !issue.message.contains("Swift.")
    }

    // MARK: fields

    @Test func everyFieldOfEveryEndpointParsesAndValidatesHostileTextWithoutCrashing() {
        var rng = SeededRandom(seed: Self.seed)
        var checked = 0
        for endpoint in EndpointRegistry.all {
            for field in endpoint.fields {
                let inputs = Self.hostileTexts + (0..<60).map { _ in Self.randomText(&rng) }
                for text in inputs {
                    switch ValueParser.parse(text, for: field) {
                    case .success(let value):
                        for issue in Validator.check(field, value) {
                            #expect(issue.field == field.name && Self.isClear(issue),
                                    "\(endpoint.id).\(field.name) '\(text.prefix(40))': \(issue) [seed \(Self.seed)]")
                        }
                    case .failure(let issue):
                        #expect(issue.severity == .error && issue.field == field.name && Self.isClear(issue),
                                "\(endpoint.id).\(field.name) '\(text.prefix(40))': \(issue) [seed \(Self.seed)]")
                    }
                    checked += 1
                }
                // Typed values of every kind, including ones no parser produces (NaN, Int.max).
                for _ in 0..<40 {
                    let value = Self.randomValue(&rng)
                    for issue in Validator.check(field, value) {
                        #expect(issue.field == field.name && Self.isClear(issue), "\(endpoint.id).\(field.name) \(value): \(issue)")
                    }
                }
            }
        }
        #expect(checked > 10_000)
    }

    @Test func hugeIntegersGetARangeMessageNotAnOverflow() {
        // `width=9223372036854775807` once trapped computing the "try N or N+32" hint.
        let width = EndpointRegistry.endpoint(named: "flux-dev")!.field("width")!
        for raw in ["9223372036854775807", "9223372036854775806", "-9223372036854775807", "-9223372036854775808"] {
            guard case .success(let value) = ValueParser.parse(raw, for: width) else {
                Issue.record("\(raw) should parse as an integer")
                continue
            }
            let issues = Validator.check(width, value)
            #expect(issues.contains { $0.type == "less_than_equal" || $0.type == "greater_than_equal" }, "\(issues)")
            #expect(issues.allSatisfy(Self.isClear))
        }
        for raw in ["1e400", "99999999999999999999"] {
            guard case .failure(let issue) = ValueParser.parse(raw, for: width) else { Issue.record("\(raw) parsed"); continue }
            #expect(issue.message.contains("expects a whole number"))
        }
    }

    @Test func randomAssignmentListsAreParsedAndValidatedWithEveryProblemNamed() {
        var rng = SeededRandom(seed: Self.seed &+ 1)
        for endpoint in EndpointRegistry.all {
            let names = endpoint.fields.map(\.name) + ["", " ", "=", "bogus", "prompt ", "PROMPT", "seed\u{0}", "🙂"]
            for _ in 0..<150 {
                var assignments: [String] = []
                for _ in 0..<Int.random(in: 0...8, using: &rng) {
                    let name = names.randomElement(using: &rng)!
                    let value = Bool.random(using: &rng) ? Self.hostileTexts.randomElement(using: &rng)! : Self.randomText(&rng)
                    switch Int.random(in: 0..<6, using: &rng) {
                    case 0: assignments.append(name + value)  // no "="
                    case 1: assignments.append("=" + value)
                    default: assignments.append(name + "=" + value)
                    }
                }
                let (parameters, issues) = AssignmentParser.parse(assignments, for: endpoint)
                for issue in issues { #expect(Self.isClear(issue), "\(endpoint.id) \(assignments.map { $0.prefix(30) }): \(issue)") }
                // Files named here do not exist: the preparer must say so, never read or send anything.
                switch RequestPreparer.prepare(endpoint, parameters) {
                case .success(let prepared):
                    for warning in prepared.warnings { #expect(Self.isClear(warning)) }
                    _ = RequestEncoder.preview(endpoint, parameters)
                case .failure(.invalidInput(let problems)):
                    #expect(!problems.isEmpty && problems.allSatisfy(Self.isClear), "\(problems)")
                case .failure(let other):
                    Issue.record("unexpected \(other)")
                }
            }
        }
    }

    // MARK: server answers

    static let hostileBodies: [String] = [
        "", " ", "null", "true", "0", "\"Ready\"", "[]", "{}", "[{}]", "{\"id\":null}", "{\"id\":5}", "{\"id\":\"\"}",
        "{\"id\":\"x\"", "{\"id\":\"x\"}}", "{\"id\":\"x\",}", "{'id':'x'}", "{\"id\":\"x\" \"status\":\"Ready\"}",
        "NaN", "{\"progress\":NaN,\"status\":\"Pending\"}", "{\"status\":\"Pending\",\"progress\":Infinity}",
        "{\"status\":\"Pending\",\"progress\":1e400}", "{\"status\":\"Pending\",\"progress\":-1e400}",
        "{\"status\":\"Pending\",\"progress\":1e308}", "{\"status\":\"Pending\",\"progress\":-5}", "{\"status\":\"Pending\",\"progress\":\"50%\"}",
        "{\"id\":\"a\",\"status\":[\"Ready\"]}", "{\"id\":\"a\",\"status\":{\"s\":\"Ready\"}}", "{\"status\":5}",
        "{\"id\":\"a\",\"status\":\"Ready\",\"result\":\"http://x/y.png\"}", "{\"id\":\"a\",\"status\":\"Ready\",\"result\":[1,2]}",
        "{\"id\":\"a\",\"status\":\"Ready\",\"result\":{\"sample\":5,\"seed\":\"x\",\"start_time\":\"y\"}}",
        "{\"id\":\"a\",\"status\":\"Ready\",\"result\":{\"sample\":null,\"seed\":1e300}}",
        "{\"id\":\"a\",\"status\":\"Ready\",\"result\":{\"seed\":123456789012345678901234567890}}",
        "{\"id\":\"a\",\"status\":\"Error\",\"details\":\"boom\"}", "{\"id\":\"a\",\"status\":\"Error\",\"details\":{\"error\":5}}",
        "{\"id\":\"a\",\"status\":\"Request Moderated\",\"details\":{\"Moderation Reasons\":[1,null,{}]}}",
        "{\"id\":\"a\",\"status\":\"Request Moderated\",\"details\":{\"Moderation Reasons\":\"nope\"}}",
        "{\"id\":\"\\u0000\",\"status\":\"\\u0000\"}", "{\"id\":\"\\ud800\",\"status\":\"\\udfff\"}", "{\"id\":\"\\uZZZZ\"}",
        "{\"id\":\"a\",\"id\":\"b\",\"status\":\"Ready\",\"status\":\"Pending\"}",
        "\u{FEFF}{\"id\":\"bom\",\"status\":\"Ready\"}", "{\"id\":\"x\"}garbage", "<html><body>502 Bad Gateway</body></html>",
        "{\"id\":\"x\",\"polling_url\":5,\"cost\":\"lots\",\"input_mp\":[],\"output_mp\":{}}",
        "{\"finetune_id\":\"ft\",\"id\":7}", "{\"id\":\"\(String(repeating: "x", count: 200_000))\",\"status\":\"Ready\"}",
        "[" + String(repeating: "[", count: 600) + String(repeating: "]", count: 601),
        String(repeating: "[", count: 100_000), String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_000),
        "123456789012345678901234567890", "-1e400", "1e400",
    ]

    static func decodeEverything(_ data: Data, label: String) {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            let text = String(describing: error)
            #expect(text.hasPrefix("malformed JSON") && text.count < 2_000, "\(label): \(text.prefix(200))")
            return
        }
        _ = json.serialized()
        do {
            let result = try ResultResponse.decode(json)
            if let p = result.progress { #expect(p.isFinite && (0...1).contains(p), "\(label): progress \(p)") }
            _ = result.failureReason
        } catch {
            #expect(!error.description.isEmpty && error.description.hasPrefix("the server sent a response that could not be read"),
                    "\(label): \(error)")
        }
        do {
            let submit = try SubmitResponse.decode(json)
            #expect(!submit.id.isEmpty)
        } catch {
            #expect(error.description.hasPrefix("the server sent a response that could not be read"), "\(label): \(error)")
        }
    }

    @Test func hostileAndRandomResponsesDecodeOrFailWithAClearMessage() {
        for (index, body) in Self.hostileBodies.enumerated() {
            Self.decodeEverything(Data(body.utf8), label: "body #\(index) \(body.prefix(60))")
        }
        // Invalid UTF-8, UTF-16 and random bytes.
        let raw: [[UInt8]] = [
            [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00], [0x7B, 0x22, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D],
            [0x7B, 0x22, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D], [0xC0, 0xAF], [0x00], [0x80, 0x80, 0x80],
        ]
        for (index, bytes) in raw.enumerated() { Self.decodeEverything(Data(bytes), label: "raw #\(index)") }
        var rng = SeededRandom(seed: Self.seed &+ 2)
        let alphabet = Array("{}[]\":,0123456789.eE+-tfnrulas\\ \u{0}\u{FF}é".utf8)
        for index in 0..<2_000 {
            let count = Int.random(in: 0...64, using: &rng)
            let bytes: [UInt8] = index % 2 == 0
                ? (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
                : (0..<count).map { _ in alphabet.randomElement(using: &rng)! }
            Self.decodeEverything(Data(bytes), label: "random #\(index) \(bytes) [seed \(Self.seed)]")
        }
        // Mutations of a valid answer: one byte changed at a time.
        let valid = Array(#"{"id":"abc","status":"Ready","progress":0.5,"result":{"sample":"https://x/y.png","seed":42}}"#.utf8)
        for position in valid.indices {
            for replacement: UInt8 in [0x00, 0x22, 0x7B, 0x5D, 0xFF] {
                var bytes = valid
                bytes[position] = replacement
                Self.decodeEverything(Data(bytes), label: "mutation \(position)")
            }
        }
    }

    @Test func hostileAnswersThroughTheRealTransportBecomeClearErrors() async throws {
        let bodies: [(Int, String)] = [
            (200, ""), (200, "not json"), (200, "[]"), (200, #"{"status":5}"#), (200, "{\"id\":\"x\""),
            (502, "<html><body><h1>502 Bad Gateway</h1></body></html>"), (418, #"{"detail":{"nested":[1,2,3]}}"#),
            (422, #"{"detail":[{"loc":5,"msg":null},{"loc":["body",0]},"oops"]}"#), (422, #"{"detail":"plain"}"#),
            (200, String(repeating: "[", count: 10_000)),
        ]
        let script = bodies
        let server = try await ScriptedHTTPServer.start { request, _ in
            let index = Int(request.uri.split(separator: "=").last ?? "") ?? Int(request.header("x-case") ?? "") ?? 0
            let (status, body) = script[min(index, script.count - 1)]
            return .json(status, body)
        }
        let client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("k"), retryPolicy: .none))
        afterTest { await client.shutdown(); await server.shutdown() }
        for index in bodies.indices {
            do {
                let result = try await client.result(id: String(index))
                if let p = result.progress { #expect((0...1).contains(p)) }
            } catch let error as FluxError {
                let text = error.description
                #expect(!text.isEmpty && text.count < 2_000 && !text.contains("Optional("), "case \(index): \(text)")
                if case .malformedResponse = error { #expect(text.hasPrefix("the server sent a response that could not be read")) }
            }
        }
    }

    // MARK: image files

    @Test func imageFilesThatAreNotUsableImagesAreRefusedBeforeUpload() throws {
        let dir = Fixtures.temporaryDirectory("bad-images")
        defer { Fixtures.cleanup(dir) }
        let png = Fixtures.png(width: 32, height: 32)
        let cases: [(String, Data, String)] = [
            ("notes.png", Data("just some text, not an image\n".utf8), "is not a PNG, JPEG or WebP image"),
            ("empty.png", Data(), "is empty"),
            ("cut.png", png.prefix(10), "header is cut short"),
            ("cut-ihdr.png", png.prefix(20), "header is cut short"),
            ("soi.jpg", Data([0xFF, 0xD8]), "header is cut short"),
            ("nosof.jpg", Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00]), "header is cut short"),
            ("riff.webp", Data("RIFF\u{0}\u{0}\u{0}\u{0}WEBP".utf8), "header is cut short"),
            ("archive.png", Fixtures.zip([("a.txt", Data("x".utf8))]), "is not a PNG, JPEG or WebP image"),
            ("zero-size.png", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + [UInt8](repeating: 0, count: 13)),
             "is not a PNG, JPEG or WebP image"),
        ]
        let fill = EndpointRegistry.endpoint(named: "flux-pro-1.0-fill")!
        for (name, data, message) in cases {
            let path = Fixtures.write(data, name, in: dir).path
            let problem = Self.imageProblem(fill, path)
            #expect(problem?.contains(message) == true, "\(name): \(problem ?? "accepted")")
            #expect(problem?.contains(path) == true, "the message names the file: \(problem ?? "")")
        }

        // Over the limit: a sparse file (no disk used), refused from its size without reading it.
        let huge = dir.appendingPathComponent("huge.png")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: png))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: UInt64(ImageInspector.maxImageBytes + 1))
        try handle.close()
        let tooLarge = Self.imageProblem(fill, huge.path)
        #expect(tooLarge?.contains("larger than the 21 MiB an image field accepts") == true, "\(tooLarge ?? "accepted")")

        // A folder, a missing file, a device.
        #expect(Self.imageProblem(fill, dir.path)?.contains("is a folder, not an image file") == true)
        #expect(Self.imageProblem(fill, dir.appendingPathComponent("nope.png").path)?.contains("no file at") == true)
        #expect(Self.imageProblem(fill, "/dev/zero")?.contains("is empty") == true)

        // Inline base64 that is not an image.
        switch RequestPreparer.prepare(fill, TaskParameters(["image": .base64("!!!! not base64")])) {
        case .failure(.invalidInput(let issues)): #expect(issues.contains { $0.field == "image" && $0.message.contains("not valid base64") })
        default: Issue.record("base64 garbage accepted")
        }
    }

    /// The preparer's message for the `image` field, or nil when it accepted the file.
    static func imageProblem(_ endpoint: Endpoint, _ path: String) -> String? {
        switch RequestPreparer.prepare(endpoint, TaskParameters(["image": .file(path)])) {
        case .success: return nil
        case .failure(.invalidInput(let issues)): return issues.first { $0.field == "image" }?.message ?? "\(issues)"
        case .failure(let other): return "\(other)"
        }
    }

    @Test func oddFileNamesWorkAsImagePaths() throws {
        let dir = Fixtures.temporaryDirectory("odd names")
        defer { Fixtures.cleanup(dir) }
        let png = Fixtures.png(width: 16, height: 16)
        let names = ["my photo.png", "фото.png", "写真 📷.png", "e\u{301}te\u{301}.png", "..png", "...", "-rf.png", "--set=x.png",
                     " leading.png", "new\nline.png", "tab\there.png", "#hash.png", "$(touch pwned).png",
                     "'quote'.png", "\"double\".png", "*.png", "back\\slash.png", "a:b.png", "@at.png", "~tilde.png"]
        let fill = EndpointRegistry.endpoint(named: "flux-pro-1.0-fill")!
        let imageField = fill.field("image")!
        let expected = png.base64EncodedString()
        for name in names {
            let url = Fixtures.write(png, name, in: dir)
            #expect(FileManager.default.fileExists(atPath: url.path), "fixture \(name)")
            // "@path" always means the file; a name that itself starts with "@" needs "@@".
            for typed in [url.path, "@" + url.path] {
                guard case .success(let value) = ValueParser.parse(typed, for: imageField) else {
                    Issue.record("\(name): not parsed")
                    continue
                }
                #expect(value == .file(url.path), "\(name): \(value)")
                switch RequestPreparer.prepare(fill, TaskParameters(["image": value, "prompt": .text("odd")])) {
                case .success(let prepared):
                    #expect(prepared.images["image"]?.width == 16)
                    let body = try JSONValue.parse(try prepared.body())
                    #expect(body["image"]?.stringValue == expected, "\(name): the file's bytes are sent")
                case .failure(let error):
                    Issue.record("\(name): \(error)")
                }
            }
        }
        // "@@name" is how to name a file that itself starts with "@".
        #expect((try? ValueParser.parse("@@at.png", for: imageField).get()) == .file("@at.png"))
        #expect((try? ValueParser.parse("@" + dir.appendingPathComponent("@at.png").path, for: imageField).get())
                == .file(dir.appendingPathComponent("@at.png").path))
        // Surrounding blanks are trimmed from typed paths (pasted paths often carry them), so a name
        // ending in a space is not found: a clear message, never another file.
        let trailing = Fixtures.write(png, "trailing.png ", in: dir)
        if case .success(let value) = ValueParser.parse(trailing.path, for: imageField) {
            #expect(value == .file(String(trailing.path.dropLast())))
            #expect(Self.imageProblem(fill, String(trailing.path.dropLast()))?.contains("no file at") == true)
        }
        // ".." and "." are folders: a message, never a read of the parent folder.
        for path in ["..", ".", dir.path + "/.."] {
            #expect(Self.imageProblem(fill, path)?.contains("is a folder") == true, "\(path)")
        }
        // A folder given where a fine-tune's training data is expected is scanned as a training set.
        let finetune = EndpointRegistry.endpoint(named: "finetune")!
        switch RequestPreparer.prepare(finetune, TaskParameters(["file_data": .file(dir.path), "finetune_comment": .text("odd"),
                                                                 "mode": .text("style")])) {
        case .success(let prepared):
            #expect(prepared.dataset?.folder.standardizedFileURL.path == dir.standardizedFileURL.path)
            #expect(prepared.dataset?.images.isEmpty == false)
        case .failure(let error): Issue.record("the training folder was refused: \(error)")
        }
    }
}
