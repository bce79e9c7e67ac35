import FluxAPI
import FluxSimulator
import Foundation
import ImageCodec
import TestSupport
import Testing

@Suite struct SubmitTests {
    /// A valid body for any endpoint: small sizes, PNG output, generated input images.
    static func validValues(_ endpoint: Endpoint, files: TestFiles, finetuneID: String?) throws -> [String: FieldValue] {
        var v: [String: FieldValue] = [:]
        if endpoint.field("prompt") != nil { v["prompt"] = .text("a lighthouse at dusk") }
        if endpoint.field("width") != nil { v["width"] = .integer(256); v["height"] = .integer(256) }
        if endpoint.field("aspect_ratio") != nil { v["aspect_ratio"] = .text("1:1") }
        if endpoint.field("output_format") != nil { v["output_format"] = .text("png") }
        if endpoint.field("image") != nil { v["image"] = .file(try files.png(TestFiles.control(), "image.png")) }
        if endpoint.field("mask") != nil {
            v["mask"] = .file(try files.png(RGBAImage(width: 96, height: 64, fill: .white), "mask.png"))
        }
        if endpoint.field("top") != nil { v["top"] = .integer(16); v["left"] = .integer(32) }
        if endpoint.field("input_image") != nil { v["input_image"] = .file(try files.png(TestFiles.control(), "reference.png")) }
        if endpoint.field("control_image") != nil { v["control_image"] = .file(try files.png(TestFiles.control(), "control.png")) }
        if endpoint.field("finetune_id") != nil { v["finetune_id"] = .text(try #require(finetuneID)) }
        if endpoint.createsFinetune {
            v["file_data"] = .file(files.trainingZip())
            v["finetune_comment"] = .text("test fine-tune")
            v["mode"] = .text("character")
        }
        return v
    }

    static func expectedSize(_ endpoint: Endpoint) -> (Int, Int) {
        if endpoint.field("top") != nil { return (96 + 32, 64 + 16) }  // expand: the input plus its margins
        if endpoint.field("width") != nil { return (256, 256) }
        if endpoint.field("aspect_ratio") != nil { return ImageSynthesizer.aspectSize(ratio: "1:1", megapixels: 0.1)! }
        if endpoint.field("image") != nil || endpoint.field("control_image") != nil { return (96, 64) }
        return (256, 256)
    }

    static func trainedFinetune(_ client: FluxClient, files: TestFiles) async throws -> String {
        let endpoint = try #require(EndpointRegistry.endpoint(named: "finetune"))
        let submitted = try await client.submit(try prepare("finetune", try validValues(endpoint, files: files, finetuneID: nil)))
        let final = try #require(try await pollUntilFinal(client, submitted).last)
        #expect(final.status == .ready)
        return submitted.id
    }

    @Test(arguments: EndpointRegistry.all.map(\.id))
    func everyEndpointAcceptsAValidBodyAndFinishes(_ id: String) async throws {
        let endpoint = try #require(EndpointRegistry.endpoint(named: id))
        let files = TestFiles()
        try await withSimulator(config()) { server, client in
            let finetuneID = endpoint.usesFinetune ? try await Self.trainedFinetune(client, files: files) : nil
            let submitted = try await client.submit(try prepare(id, try Self.validValues(endpoint, files: files, finetuneID: finetuneID)))
            #expect(!submitted.id.isEmpty)
            if endpoint.createsFinetune {
                #expect(submitted.pollingURL == nil)  // /v1/finetune answers {"finetune_id"} only
            } else {
                #expect(submitted.pollingURL == "\(server.baseURL.absoluteString)/v1/get_result?id=\(submitted.id)")
                #expect((submitted.cost ?? 0) > 0)
                #expect(submitted.outputMegapixels != nil)
            }
            let final = try #require(try await pollUntilFinal(client, submitted).last)
            #expect(final.status == .ready)
            #expect(final.progress == 1)
            if endpoint.createsFinetune {
                #expect(final.result?["finetune_id"]?.stringValue == submitted.id)
                return
            }
            let sample = try #require(final.sampleURL)
            #expect(sample.hasPrefix("\(server.baseURL.absoluteString)/samples/"))
            #expect(sample.hasSuffix("/\(submitted.id).png"))
            let (bytes, image) = try await download(client, sample)
            #expect(ImageFormat.sniff(bytes) == .png)
            let (w, h) = Self.expectedSize(endpoint)
            #expect(image.width == w && image.height == h)
        }
    }

    @Test func answersCarryCostAndMegapixels() async throws {
        try await withSimulator(config()) { _, client in
            let submitted = try await client.submit(try prepare("flux-pro-1.1", ["prompt": .text("x")]))
            // Default 1024x768 at 4 credits per megapixel.
            #expect(submitted.outputMegapixels == 0.79)
            #expect(submitted.cost == 3.15)
        }
    }

    @Test func webhookSubmitAnswersPendingWithoutPollingURL() async throws {
        try await withSimulator(config()) { _, client in
            let submitted = try await client.submit(try prepare("flux-dev", [
                "prompt": .text("x"), "width": .integer(256), "height": .integer(256),
                "webhook_url": .text("https://example.com/hook"), "webhook_secret": .text("s3cret"),
            ]))
            #expect(submitted.pollingURL == nil)
            #expect(submitted.status == "Pending")
            // Polled on the server URL instead.
            #expect(try await pollUntilFinal(client, submitted).last?.status == .ready)
        }
    }

    @Test func warningsDoNotStopARequest() async throws {
        try await withSimulator(config()) { server, _ in
            // webhook_secret without webhook_url is only a warning in the client core.
            let response = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.1",
                                                  #"{"prompt":"x","width":256,"height":256,"webhook_secret":"s"}"#)
            #expect(response.status == 200)
            #expect(response.json?["polling_url"]?.stringValue != nil)
        }
    }

    // MARK: validation

    @Test func unknownFieldsAnswerFastAPIStyle422() async throws {
        try await withSimulator(config()) { server, client in
            let raw = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.1", #"{"prompt":"x","bogus":1}"#)
            #expect(raw.status == 422)
            #expect(raw.headers["content-type"] == "application/json")
            let details = raw.details
            #expect(details.count == 1)
            #expect(details.first?.loc == ["body", "bogus"])
            #expect(details.first?.type == "extra_forbidden")

            // The client core reads the same answer into typed issues.
            let endpoint = try #require(EndpointRegistry.endpoint(named: "flux-pro-1.1"))
            await #expect {
                try await client.submit(endpoint: endpoint, body: Data(#"{"prompt":"x","bogus":1}"#.utf8), retry: RetryPolicy.none)
            } throws: { error in
                guard case FluxError.validation(let issues, _) = error else { return false }
                return issues.map(\.field) == ["bogus"] && issues.first?.type == "extra_forbidden"
            }
        }
    }

    @Test func typesRangesAndCrossFieldRulesAreChecked() async throws {
        try await withSimulator(config()) { server, _ in
            let ranges = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-dev",
                                                #"{"width":100,"height":300,"steps":"many","guidance":9}"#)
            #expect(ranges.status == 422)
            let byField = Dictionary(ranges.details.map { ($0.loc.last ?? "", $0.type) },
                                     uniquingKeysWith: { a, _ in a })
            #expect(byField["width"] == "greater_than_equal")
            #expect(byField["height"] == "multiple_of")
            #expect(byField["steps"] == "int_parsing")
            #expect(byField["guidance"] == "less_than_equal")

            let png = Fixtures.png(width: 8, height: 8).base64EncodedString()
            let canny = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.0-canny",
                                               #"{"prompt":"x","control_image":"\#(png)","canny_low_threshold":300,"canny_high_threshold":100}"#)
            #expect(canny.status == 422)
            #expect(canny.details.map(\.type) == ["threshold_order"])

            let missing = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.0-depth", #"{"prompt":"x"}"#)
            #expect(missing.details.map(\.loc) == [["body", "control_image"]])
        }
    }

    @Test func base64ImagesAreSniffed() async throws {
        try await withSimulator(config()) { server, _ in
            let notAnImage = Data("definitely not an image, just text".utf8).base64EncodedString()
            let bad = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.0-fill",
                                             #"{"image":"\#(notAnImage)"}"#)
            #expect(bad.status == 422)
            #expect(bad.details.map(\.type) == ["image_data"])

            let image = Fixtures.png(width: 64, height: 32).base64EncodedString()
            let mask = Fixtures.png(width: 32, height: 32).base64EncodedString()
            let sizes = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.0-fill",
                                               #"{"image":"\#(image)","mask":"\#(mask)"}"#)
            #expect(sizes.details.map(\.type) == ["mask_size"])
        }
    }

    @Test func malformedJSONAndMissingBody() async throws {
        try await withSimulator(config()) { server, _ in
            let broken = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.1", #"{"prompt": "x",,}"#)
            #expect(broken.status == 422)
            let detail = try #require(broken.details.first)
            #expect(detail.type == "json_invalid")
            #expect(detail.loc == ["body", "0"])

            let empty = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.1", "")
            #expect(empty.status == 422)
            #expect(empty.details.first?.type == "missing")

            let notObject = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.1", "[1,2]")
            #expect(notObject.status == 422)
            #expect(notObject.details.first?.loc == ["body"])
        }
    }

    @Test func finetunedEndpointsNeedAnExistingTrainedFinetune() async throws {
        try await withSimulator(config { $0.finetuneSeconds = 30 }) { server, client in
            let unknown = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-finetuned",
                                                 #"{"finetune_id":"nope","prompt":"x"}"#)
            #expect(unknown.status == 422)
            let detail = try #require(unknown.details.first)
            #expect(detail.loc == ["body", "finetune_id"])
            #expect(detail.msg == "Finetune nope not found")

            let files = TestFiles()
            let training = try await client.submit(try prepare("finetune", [
                "file_data": .file(files.trainingZip()), "finetune_comment": .text("slow"), "mode": .text("style"),
            ]))
            let early = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-finetuned",
                                               #"{"finetune_id":"\#(training.id)","prompt":"x"}"#)
            #expect(early.status == 422)
            #expect(early.details.first?.type == "finetune_not_ready")

            // Another key does not see this key's fine-tunes.
            let other = try await RawHTTP.request(port: server.port, "POST", "/v1/flux-pro-finetuned",
                                                  headers: ["x-key": "someone-else"],
                                                  body: Array(#"{"finetune_id":"\#(training.id)","prompt":"x"}"#.utf8))
            #expect(other.details.first?.msg == "Finetune \(training.id) not found")
        }
    }

    @Test func bodiesAboveTheLimitAnswer413() async throws {
        try await withSimulator(config { $0.maxBodyBytes = 1000 }) { server, _ in
            let prompt = String(repeating: "a", count: 5000)
            let response = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.1", #"{"prompt":"\#(prompt)"}"#)
            #expect(response.status == 413)
            #expect(response.json?["detail"]?.stringValue?.contains("1000") == true)
        }
    }

    // MARK: auth and routing

    @Test func missingOrEmptyKeyAnswers403() async throws {
        try await withSimulator(config()) { server, _ in
            for headers in [[String: String](), ["x-key": ""], ["x-key": "   "]] {
                let response = try await RawHTTP.request(port: server.port, "GET", "/v1/credits", headers: headers)
                #expect(response.status == 403)
                #expect(response.json == .object(["detail": .string("Not authenticated")]))
            }
            let submit = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-dev", #"{"prompt":"x"}"#, key: nil)
            #expect(submit.status == 403)
        }
        // The real client without a key gets the same.
        try await withSimulator(config(), key: "") { _, client in
            await #expect { try await client.credits() } throws: { ($0 as? FluxError)?.status == 403 }
        }
    }

    @Test func unknownPathsAndWrongMethods() async throws {
        try await withSimulator(config()) { server, _ in
            let unknown = try await RawHTTP.request(port: server.port, "GET", "/v1/nothing-here")
            #expect(unknown.status == 404)
            #expect(unknown.json == .object(["detail": .string("Not Found")]))

            let wrong = try await RawHTTP.request(port: server.port, "GET", "/v1/flux-pro-1.1")
            #expect(wrong.status == 405)
            #expect(wrong.headers["allow"] == "POST")
            let wrongToo = try await RawHTTP.json(port: server.port, "POST", "/v1/get_result?id=x", "{}")
            #expect(wrongToo.status == 405)

            let noID = try await RawHTTP.request(port: server.port, "GET", "/v1/get_result")
            #expect(noID.status == 422)
            #expect(noID.details.first?.loc == ["query", "id"])

            let requestID = try await RawHTTP.request(port: server.port, "GET", "/v1/credits")
            #expect(requestID.headers["x-request-id"]?.isEmpty == false)
        }
    }
}
