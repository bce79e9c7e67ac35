import Foundation
import Testing
import TestSupport
@testable import FluxAPI

@Suite struct EncodingTests {
    func body(_ id: String, _ sets: [String]) throws -> String {
        let endpoint = try #require(EndpointRegistry.endpoint(named: id))
        let (parameters, issues) = AssignmentParser.parse(sets, for: endpoint)
        #expect(issues.isEmpty)
        return String(decoding: try RequestEncoder.encode(endpoint, parameters), as: UTF8.self)
    }

    @Test func typesGoOutAsTheRegistrySays() throws {
        #expect(try body("flux-dev", ["prompt=a \"lighthouse\"\n", "width=1024", "steps=28", "guidance=3", "prompt_upsampling=yes", "seed=42"])
                == #"{"guidance":3.0,"prompt":"a \"lighthouse\"\n","prompt_upsampling":true,"seed":42,"steps":28,"width":1024}"#)
        #expect(try body("finetune", ["lora_rank=16", "learning_rate=0.0001"]) == #"{"learning_rate":0.0001,"lora_rank":16}"#)
    }

    @Test func absentFieldsAreOmittedAndNullIsExplicit() throws {
        #expect(try body("flux-pro-1.1", []) == "{}")
        #expect(try body("flux-pro-1.1", ["seed=null", "prompt=null"]) == #"{"prompt":null,"seed":null}"#)
    }

    @Test func filesAreBase64EncodedAndURLsPassedThrough() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        let png = Fixtures.png(width: 4, height: 4)
        let file = Fixtures.write(png, "a b.png", in: dir)
        let text = try body("flux-pro-1.0-fill", ["image=@\(file.path)", "mask=https://example.com/m.png"])
        #expect(text == "{\"image\":\"\(png.base64EncodedString())\",\"mask\":\"https://example.com/m.png\"}")
        let parsed = try JSONValue.parse(text)
        #expect(Data(base64Encoded: parsed["image"]!.stringValue!) == png)
    }

    @Test func previewShortensPayloadsAndMasksSecrets() throws {
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-pro-1.0-fill"))
        let preview = RequestEncoder.preview(endpoint, TaskParameters(["image": .file("/tmp/x.png"), "webhook_secret": .text("hunter2"), "steps": .integer(20)]))
        #expect(preview.contains("\"<base64 of /tmp/x.png>\""))
        #expect(!preview.contains("hunter2"))
        #expect(preview.contains("\"steps\": 20"))
    }

    @Test func recordsKeepPathsNeverPayloadsOrSecrets() throws {
        let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-pro-1.0-fill"))
        let record = TaskParameters(["image": .file("/data/in.png"), "mask": .base64(String(repeating: "A", count: 4000)),
                                     "webhook_secret": .text("hunter2")]).recordJSON(for: endpoint)
        let text = record.serialized()
        #expect(record["image"] == .string("/data/in.png"))
        #expect(!text.contains("AAAA"))
        #expect(!text.contains("hunter2"))
    }

    @Test func jsonValueRoundTripsAndEscapes() throws {
        let value = JSONValue.object(["a": .array([.int(1), .double(1.5), .bool(false), .null]), "b": .string("é\u{1}\"\\")])
        let text = value.serialized()
        #expect(text == #"{"a":[1,1.5,false,null],"b":"é\u0001\"\\"}"#)
        #expect(try JSONValue.parse(text) == value)
        #expect(throws: JSONValueError.self) { try JSONValue.parse("{\"a\":") }
    }

    @Test func imageHeadersAreSniffed() throws {
        #expect(try ImageInspector.inspect(bytes: Fixtures.png(width: 300, height: 200)) == ImageInfo(format: .png, width: 300, height: 200, byteCount: Fixtures.png(width: 300, height: 200).count))
        let jpeg = Fixtures.jpegHeader(width: 1024, height: 768)
        #expect(try ImageInspector.inspect(bytes: jpeg).width == 1024)
        #expect(try ImageInspector.inspect(bytes: jpeg).height == 768)
        let webp = try ImageInspector.inspect(bytes: Fixtures.webpHeader(width: 640, height: 480))
        #expect(webp.format == .webp && webp.width == 640 && webp.height == 480)
        #expect(throws: ImageInspectionError.notAnImage("image")) { try ImageInspector.inspect(bytes: Data("GIF89a......".utf8)) }
        #expect(throws: ImageInspectionError.empty("image")) { try ImageInspector.inspect(bytes: Data()) }
        #expect(throws: ImageInspectionError.truncated("image")) { try ImageInspector.inspect(bytes: Fixtures.png(width: 2, height: 2).prefix(20)) }
        #expect(throws: ImageInspectionError.truncated("image")) { try ImageInspector.inspect(bytes: jpeg.prefix(12)) }
    }

    @Test func base64ImagesAreSniffedFromTheirHead() {
        let png = Fixtures.png(width: 40, height: 30)
        #expect(RequestPreparer.inspectBase64Image(png.base64EncodedString()).info?.width == 40)
        #expect(RequestPreparer.inspectBase64Image("data:image/png;base64," + png.base64EncodedString()).info?.height == 30)
        #expect(RequestPreparer.inspectBase64Image("%%%").problem == "is not valid base64 image data")
    }
}

@Suite struct PolicyTests {
    @Test func backoffFollowsTheSDKSchedule() {
        let policy = RetryPolicy(jitter: 0)
        #expect(policy.delay(attempt: 1, retryAfter: nil) == 0.5)
        #expect(policy.delay(attempt: 2, retryAfter: nil) == 0.75)
        #expect(policy.delay(attempt: 3, retryAfter: nil) == 1.125)
        #expect(policy.delay(attempt: 40, retryAfter: nil) == 60)
        #expect(policy.delay(attempt: 2, retryAfter: 7) == 7)
        let jittered = RetryPolicy(jitter: 0.2)
        #expect(jittered.delay(attempt: 1, retryAfter: nil, unit: 0) == 0.4)
        #expect(jittered.delay(attempt: 1, retryAfter: nil, unit: 0.999_999) > 0.599)
    }

    @Test func retryAfterAcceptsSecondsAndDates() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryPolicy.parseRetryAfter("3", now: now) == 3)
        #expect(RetryPolicy.parseRetryAfter("Tue, 14 Nov 2023 22:13:30 GMT", now: now) == 10)
        #expect(RetryPolicy.parseRetryAfter("soon", now: now) == nil)
        #expect(RetryPolicy.parseRetryAfter(nil) == nil)
    }

    @Test func aSubmitIsOnlyRepeatedWhenTheServerCannotHaveAcceptedIt() {
        #expect(RetryPolicy.decide(.status(429), safety: .createsTask) == .retry)
        #expect(RetryPolicy.decide(.status(503), safety: .createsTask) == .retry)
        #expect(RetryPolicy.decide(.notSent("refused"), safety: .createsTask) == .retry)
        #expect(RetryPolicy.decide(.status(500), safety: .createsTask) == .uncertain)
        #expect(RetryPolicy.decide(.status(502), safety: .createsTask) == .uncertain)
        #expect(RetryPolicy.decide(.status(504), safety: .createsTask) == .uncertain)
        #expect(RetryPolicy.decide(.lostAfterSending("reset"), safety: .createsTask) == .uncertain)
        #expect(RetryPolicy.decide(.status(422), safety: .createsTask) == .fail)
        #expect(RetryPolicy.decide(.status(401), safety: .idempotent) == .fail)
        #expect(RetryPolicy.decide(.status(500), safety: .idempotent) == .retry)
        #expect(RetryPolicy.decide(.lostAfterSending("timeout"), safety: .idempotent) == .retry)
        #expect(RetryPolicy.decide(.notSent("refused"), safety: .idempotent, retryConnectionErrors: false) == .fail)
    }

    @Test func pollScheduleUsesProgressToLandJustAfterCompletion() {
        let s = PollSchedule.standard
        #expect(s.nextDelay(elapsed: 0, progress: nil, typical: 6, polls: 0) == 3)
        // A duration learned on this server: the first poll waits all of it (one request when the task is done by then).
        #expect(abs(s.nextDelay(elapsed: 0.1, progress: nil, typical: 2, polls: 0, learned: true) - 1.9) < 1e-9)
        // 40% after 2 s: 3 s remain.
        let d = s.nextDelay(elapsed: 2, progress: 0.4, typical: 6, polls: 1)
        #expect(d > 3 && d < 3.4)
        #expect(s.nextDelay(elapsed: 100, progress: nil, typical: 6, polls: 9) == 5)
        #expect(s.nextDelay(elapsed: 1, progress: 0.99, typical: 6, polls: 3) == s.minInterval)
        // Far from the end, polls refresh the estimate halfway there, at most every 30 s, and
        // never more often than every maxInterval: 2% after 12 s puts the end 588 s away.
        #expect(s.nextDelay(elapsed: 12, progress: 0.02, typical: 6, polls: 4) == 30)
        // The first 1% already counts (servers report whole percents).
        #expect(s.nextDelay(elapsed: 6, progress: 0.01, typical: 6, polls: 3) == 30)
        #expect(s.nextDelay(elapsed: 30, progress: 0.5, typical: 6, polls: 5) == 15)
        #expect(s.nextDelay(elapsed: 8, progress: 0.5, typical: 6, polls: 5) == 5)
        #expect(s.nextDelay(elapsed: 4, progress: 0.5, typical: 6, polls: 5) > 4 && s.nextDelay(elapsed: 4, progress: 0.5, typical: 6, polls: 5) < 5)
        // Without progress the interval grows with age.
        #expect(s.nextDelay(elapsed: 8, progress: nil, typical: 6, polls: 2) < s.nextDelay(elapsed: 14, progress: nil, typical: 6, polls: 3))
    }

    @Test(arguments: [("../../etc/passwd", "_etc_passwd"), ("a/b\\c", "a_b_c"), ("", "task"), ("...", "task"),
                      (".hidden", "hidden"), ("ok-id_1.2", "ok-id_1.2"), ("日本", "task"), ("写真 1", "_1"), ("a\u{0}b", "a_b"),
                      ("-rf", "rf")])
    func fileNamesAreSanitised(raw: String, expected: String) {
        #expect(FileNameSanitizer.sanitize(raw) == expected)
    }

    @Test func namingPatternsAreSanitisedAsAWhole() {
        let naming = OutputNaming(pattern: "{endpoint}/{id}-{seed}")
        let name = naming.baseName(id: "../x", endpoint: "flux-dev", seed: 7)
        #expect(name == "flux-dev_x-7")
        #expect(!name.contains("/"))
        #expect(OutputNaming(pattern: "{short_id}").baseName(id: "0123456789abcdef", endpoint: "e", seed: nil) == "01234567")
    }

    @Test func keysAreMaskedEverywhere() {
        let key = APIKey("bfl_0123456789abcdefSECRET")!
        #expect("\(key)" == "bfl_…CRET")
        #expect(String(reflecting: key) == "APIKey(bfl_…CRET)")
        #expect(!"\(key)".contains("0123456789"))
        #expect(APIKey("  ") == nil)
        #expect(APIKey.fromEnvironment(["TESTDK_API_KEY_HEADER": "k2"])?.headerValue == "k2")
        #expect(APIKey.fromEnvironment(["BFL_API_KEY": "k1", "TESTDK_API_KEY_HEADER": "k2"])?.headerValue == "k1")
    }

    @Test func plainHTTPIsOnlyForLoopback() throws {
        #expect(throws: Never.self) { try ServerPolicy.checkKeyMayBeSent(to: URL(string: "http://127.0.0.1:8080")!, allowInsecure: false) }
        #expect(throws: Never.self) { try ServerPolicy.checkKeyMayBeSent(to: URL(string: "http://localhost:1")!, allowInsecure: false) }
        #expect(throws: Never.self) { try ServerPolicy.checkKeyMayBeSent(to: URL(string: "http://[::1]:1")!, allowInsecure: false) }
        #expect(throws: FluxError.insecureServer("http://api.example.com")) {
            try ServerPolicy.checkKeyMayBeSent(to: URL(string: "http://api.example.com")!, allowInsecure: false)
        }
        #expect(throws: FluxError.insecureServer("http://127.0.0.1.evil.com")) {
            try ServerPolicy.checkKeyMayBeSent(to: URL(string: "http://127.0.0.1.evil.com")!, allowInsecure: false)
        }
        #expect(throws: Never.self) { try ServerPolicy.checkKeyMayBeSent(to: URL(string: "http://api.example.com")!, allowInsecure: true) }
        #expect(try ServerPolicy.parseServerURL("localhost:8080/").absoluteString == "http://localhost:8080")
        #expect(try ServerPolicy.parseServerURL("api.eu.bfl.ai").absoluteString == "https://api.eu.bfl.ai")
        #expect(throws: FluxError.self) { try ServerPolicy.parseServerURL("ftp://x") }
    }
}
