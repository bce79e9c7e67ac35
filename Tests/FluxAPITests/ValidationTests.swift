import Foundation
import Testing
import TestSupport
@testable import FluxAPI

@Suite struct ValidationTests {
    func endpoint(_ id: String) -> Endpoint { EndpointRegistry.endpoint(named: id)! }

    func issues(_ id: String, _ assignments: [String], images: [String: ImageInfo] = [:]) -> [ValidationIssue] {
        let (parameters, parseIssues) = AssignmentParser.parse(assignments, for: endpoint(id))
        return parseIssues + Validator.validate(endpoint(id), parameters, images: images)
    }

    @Test func aValidRequestHasNoIssues() {
        #expect(issues("flux-dev", ["prompt=a lighthouse", "width=1024", "height=768", "steps=28", "seed=42"]).isEmpty)
        #expect(issues("flux-pro-1.1-ultra", ["prompt=x", "aspect_ratio=21:9", "raw=true"]).isEmpty)
    }

    @Test func reportsEveryProblemAtOnce() {
        let found = issues("flux-dev", ["width=1000", "height=2000", "steps=0", "guidance=9", "safety_tolerance=7", "output_format=gif"])
        let fields = Set(found.map(\.field))
        #expect(fields == ["width", "height", "steps", "guidance", "safety_tolerance", "output_format"])
        #expect(found.allSatisfy { $0.severity == .error })
    }

    @Test func multipleOf32SuggestsNeighbours() {
        let found = issues("flux-pro-1.1", ["width=1000"])
        #expect(found.count == 1)
        #expect(found[0].message == "must be a multiple of 32 (try 992 or 1024)")
    }

    @Test func rangeMessagesNameTheRange() {
        let low = issues("flux-dev", ["steps=0"])
        #expect(low.first?.message == "must be at least 1 (1..50)")
        let high = issues("flux-pro-1.0-fill", ["image=https://example.com/a.png", "guidance=101"])
        #expect(high.first?.message == "must be at most 100 (1.5..100)")
    }

    @Test func requiredFieldsAreReported() {
        let found = issues("finetune", [])
        #expect(Set(found.filter { $0.type == "missing" }.compactMap(\.field)) == ["file_data", "finetune_comment", "mode"])
        let canny = issues("flux-pro-1.0-canny", ["control_image=https://example.com/c.png"])
        #expect(canny.contains { $0.field == "prompt" && $0.type == "missing" })
    }

    @Test func unknownFieldsAreRejectedWithASuggestion() {
        let found = issues("flux-dev", ["promt=x"])
        #expect(found.count == 1)
        #expect(found[0].field == "promt")
        #expect(found[0].message.contains("did you mean prompt?"))
    }

    @Test func typesAreParsedPerField() {
        let found = issues("flux-dev", ["width=wide", "guidance=strong", "prompt_upsampling=maybe"])
        #expect(found.map(\.message).sorted() == [
            "expects a number, got 'strong'", "expects a whole number, got 'wide'", "expects true or false, got 'maybe'",
        ])
    }

    @Test func nullOnlyWhereNullable() {
        #expect(issues("flux-dev", ["seed=null", "steps=null"]).isEmpty)
        let found = issues("flux-dev", ["width=null"])
        #expect(found.first?.field == "width")
        #expect(found.first?.message.contains("cannot be null") == true)
        // A non-nullable text field keeps the word as text.
        let (parameters, _) = AssignmentParser.parse(["prompt=null"], for: endpoint("flux-dev"))
        #expect(parameters["prompt"] == .text("null"))
        let (nullable, _) = AssignmentParser.parse(["prompt=null"], for: endpoint("flux-pro-1.1"))
        #expect(nullable["prompt"] == .null)
    }

    @Test(arguments: [("16:9", true), ("21:9", true), ("9:21", true), ("1:1", true), ("22:9", false), ("9:22", false),
                      ("16x9", false), ("0:1", false), ("a:b", false), ("", false)])
    func aspectRatioMustBeBetween21by9And9by21(ratio: String, ok: Bool) {
        let found = issues("flux-pro-1.1-ultra", ["aspect_ratio=\(ratio)"])
        #expect(found.isEmpty == ok, "\(ratio): \(found)")
    }

    @Test func cannyThresholdsMustBeOrderedCountingDefaults() {
        #expect(issues("flux-pro-1.0-canny", ["prompt=x", "control_image=https://e.com/a.png", "canny_low_threshold=100"]).isEmpty)
        let againstDefault = issues("flux-pro-1.0-canny", ["prompt=x", "control_image=https://e.com/a.png", "canny_low_threshold=300"])
        #expect(againstDefault.count == 1)
        #expect(againstDefault[0].field == "canny_low_threshold")
        #expect(againstDefault[0].message == "low threshold 300 must be below high threshold 200 (the default)")
        let both = issues("flux-pro-1.0-canny-finetuned", ["finetune_id=f", "prompt=x", "control_image=https://e.com/a.png",
                                                           "canny_low_threshold=100", "canny_high_threshold=100"])
        #expect(both.map(\.type) == ["threshold_order"])
    }

    @Test func cannyAndDepthNeedAControlOrPreprocessedImage() {
        for id in ["flux-pro-1.0-canny", "flux-pro-1.0-depth"] {
            let found = issues(id, ["prompt=x"])
            #expect(found.map(\.message) == ["needs a control image or a preprocessed image"], "\(id)")
            #expect(issues(id, ["prompt=x", "preprocessed_image=https://e.com/p.png"]).isEmpty, "\(id)")
        }
        // The fine-tuned variants require control_image itself.
        #expect(issues("flux-pro-1.0-depth-finetuned", ["finetune_id=f", "prompt=x"]).map(\.field) == ["control_image"])
    }

    @Test func maskMustMatchTheImageSize() {
        let image = ImageInfo(format: .png, width: 512, height: 512, byteCount: 10)
        let mask = ImageInfo(format: .png, width: 256, height: 512, byteCount: 10)
        let found = issues("flux-pro-1.0-fill", ["image=https://e.com/i.png", "mask=https://e.com/m.png"],
                           images: ["image": image, "mask": mask])
        #expect(found.map(\.message) == ["is 256x512 but the image is 512x512; they must be the same size"])
        #expect(issues("flux-pro-1.0-fill", ["image=https://e.com/i.png"], images: ["image": image, "mask": image]).isEmpty)
    }

    @Test func warningsDoNotBlock() {
        let found = issues("flux-pro-1.1-ultra", ["image_prompt_strength=0.5", "webhook_secret=s"])
        #expect(found.count == 2)
        #expect(!found.hasErrors)
    }

    @Test func urlsAndLengths() {
        #expect(issues("flux-dev", ["webhook_url=ftp://x"]).first?.message == "must be an http:// or https:// URL")
        let long = "https://e.com/" + String(repeating: "a", count: 2100)
        #expect(issues("flux-dev", ["webhook_url=\(long)"]).first?.type == "string_too_long")
        #expect(issues("flux-pro-finetuned", ["finetune_id="]).first?.message == "cannot be empty")
    }

    @Test func choicesAreCaseInsensitiveAndIntegerChoicesAreIntegers() {
        let (parameters, found) = AssignmentParser.parse(["output_format=PNG", "lora_rank=16", "mode=Style"], for: endpoint("finetune"))
        #expect(found.isEmpty)
        #expect(parameters["output_format"] == .text("PNG"))  // not a finetune field: kept raw for the validator
        #expect(Validator.validate(endpoint("finetune"), parameters).contains { $0.field == "output_format" && $0.type == "extra_forbidden" })
        #expect(parameters["lora_rank"] == .integer(16))
        #expect(parameters["mode"] == .text("style"))
        #expect(issues("finetune", ["lora_rank=8"]).contains { $0.field == "lora_rank" && $0.message == "must be one of 16, 32; got '8'" })
    }

    @Test func assignmentErrors() {
        let (_, found) = AssignmentParser.parse(["prompt", "seed=1", "seed=2", "=x"], for: endpoint("flux-dev"))
        #expect(found.map(\.type) == ["assignment", "duplicate", "assignment"])
    }

    @Test func filesAreInspectedBeforeUpload() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        let image = Fixtures.write(Fixtures.png(width: 64, height: 32), "image.png", in: dir)
        let mask = Fixtures.write(Fixtures.png(width: 32, height: 32), "mask.png", in: dir)
        let empty = Fixtures.write(Data(), "empty.png", in: dir)
        let text = Fixtures.write(Data("hello".utf8), "notes.txt", in: dir)
        func prepare(_ sets: [String]) -> [ValidationIssue] {
            let (p, _) = AssignmentParser.parse(sets, for: endpoint("flux-pro-1.0-fill"))
            if case .failure(.invalidInput(let issues)) = RequestPreparer.prepare(endpoint("flux-pro-1.0-fill"), p) { return issues }
            return []
        }
        #expect(prepare(["image=@\(image.path)", "mask=\(mask.path)"]).map(\.field) == ["mask"])
        #expect(prepare(["image=@\(empty.path)"]).first?.message == "\(empty.path) is empty")
        #expect(prepare(["image=@\(text.path)"]).first?.message == "\(text.path) is not a PNG, JPEG or WebP image")
        #expect(prepare(["image=@\(dir.path)/missing.png"]).first?.message == "no file at \(dir.path)/missing.png")
        #expect(prepare(["image=@\(dir.path)"]).first?.message == "\(dir.path) is a folder, not an image file")
        #expect(prepare(["image=@\(image.path)"]).isEmpty)
    }

    @Test func archivesMustBeZips() {
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        let zip = Fixtures.write(Fixtures.zip([("a.png", Fixtures.png(width: 8, height: 8))]), "data.zip", in: dir)
        let notZip = Fixtures.write(Data("nope".utf8), "data2.zip", in: dir)
        let emptyZip = Fixtures.write(Fixtures.zip([]), "empty.zip", in: dir)
        #expect(ArchiveInspector.problem(path: zip.path) == nil)
        #expect(ArchiveInspector.problem(path: notZip.path) == "\(notZip.path) is not a ZIP archive")
        #expect(ArchiveInspector.problem(path: emptyZip.path) == "\(emptyZip.path) is an empty ZIP archive")
        #expect(ArchiveInspector.problem(path: dir.path)?.contains("is a folder") == true)
    }
}
