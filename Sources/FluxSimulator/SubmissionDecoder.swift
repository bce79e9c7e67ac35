import FluxAPI
import Foundation
import NIOCore

/// A request refused before it reaches the state, with the answer to send.
struct SubmitRejection: Error, Sendable {
    let response: SimResponse
}

/// Turns a submit body into a `Submission`: JSON parsing, validation by the client core's
/// `RequestBodyReader` (the same rules the client checks before sending), the fine-tune archive
/// check, output size and cost. Pure and synchronous, so large bodies can run on a thread pool.
enum SubmissionDecoder {
    /// Prices come from the client's `PriceTable`: the simulator charges what the app estimates
    /// before it has learned real charges.
    static let creditsPerIteration = PriceTable.creditsPerIteration

    static func parse(_ body: ByteBuffer) -> Result<JSONValue, SubmitRejection> {
        guard body.readableBytes > 0 else {
            return .failure(SubmitRejection(response: Router.validationError([
                Router.detail(loc: ["body"], "Field required", type: "missing"),
            ])))
        }
        do {
            // Parse in place: a fine-tune upload can be hundreds of MB.
            let json = try body.withUnsafeReadableBytes { raw in
                try JSONValue.parse(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: raw.baseAddress!),
                                         count: raw.count, deallocator: .none))
            }
            return .success(json)
        } catch {
            let reason: String
            if case JSONValueError.malformed(let why) = error { reason = why } else { reason = "\(error)" }
            var detail = Router.detail(loc: [.string("body"), .int(0)], "JSON decode error", type: "json_invalid")
            if case .object(var members) = detail {
                members["ctx"] = .object(["error": .string(reason)])
                detail = .object(members)
            }
            return .failure(SubmitRejection(response: Router.validationError([detail])))
        }
    }

    static func decode(_ endpoint: Endpoint, body: ByteBuffer, config: SimulatorConfiguration)
        -> Result<Submission, SubmitRejection> {
        let json: JSONValue
        switch parse(body) {
        case .success(let value): json = value
        case .failure(let rejection): return .failure(rejection)
        }
        let (parameters, images, issues) = RequestBodyReader.read(endpoint, body: json)
        // Warnings (a webhook secret without a URL, say) do not stop a request, as on the API.
        var errors = issues.errors.map(issueDetail)
        var archive: ZipInspector.Summary?
        if endpoint.createsFinetune, case .base64(let data)? = parameters["file_data"] {
            switch ZipInspector.inspect(base64: data) {
            case .success(let summary): archive = summary
            case .failure(let problem):
                errors.append(Router.detail(loc: ["body", "file_data"], problem.description, type: "archive_data"))
            }
        }
        if !errors.isEmpty { return .failure(SubmitRejection(response: Router.validationError(errors))) }
        return .success(submission(endpoint, parameters, images, archive: archive, config: config))
    }

    static func issueDetail(_ issue: ValidationIssue) -> JSONValue {
        let loc: [String] = issue.field.map { ["body", $0] } ?? ["body"]
        return Router.detail(loc: loc, issue.message, type: issue.type)
    }

    private static func submission(_ endpoint: Endpoint, _ p: TaskParameters, _ images: [String: ImageInfo],
                                   archive: ZipInspector.Summary?, config: SimulatorConfiguration) -> Submission {
        func text(_ name: String) -> String? { if case .text(let s)? = p[name] { return s }; return nil }
        func int(_ name: String) -> Int? { if case .integer(let i)? = p[name] { return i }; return nil }
        func base64(_ name: String) -> String? { if case .base64(let s)? = p[name] { return s }; return nil }
        func fallback(_ name: String, _ value: Int) -> Int { endpoint.field(name)?.defaultValue?.intValue ?? value }
        let webhook = text("webhook_url").flatMap { $0.isEmpty ? nil : $0 }

        if endpoint.createsFinetune {
            let comment = text("finetune_comment") ?? ""
            let iterations = int("iterations") ?? fallback("iterations", 300)
            return Submission(
                endpoint: endpoint, job: nil, prompt: nil, seed: nil,
                cost: Router.round2(Double(iterations) * creditsPerIteration), inputMegapixels: nil,
                outputMegapixels: nil, webhookURL: webhook, markerText: comment, usesFinetune: nil,
                finetuneDetails: finetuneDetails(endpoint, p, archive: archive), iterations: iterations)
        }

        let prompt = text("prompt") ?? ""
        let finetuneID = text("finetune_id")
        var size = (width: int("width") ?? fallback("width", 1024), height: int("height") ?? fallback("height", 768))
        var inputSize: (width: Int, height: Int)?
        var kind = RenderJob.Kind.generate
        func sized(_ info: ImageInfo?) {
            guard let info else { return }
            size = (info.width, info.height)
            inputSize = size
        }
        // Reference images (Kontext, FLUX.2) in field order: input_image, input_image_2, ...
        let references = endpoint.fields.filter { $0.kind == .image && $0.name.hasPrefix("input_image") }.map(\.name)
        if let expand = expansion(endpoint, p, images) {
            size = expand.size
            inputSize = (images["image"]?.width ?? 0, images["image"]?.height ?? 0)
            kind = expand.kind
        } else if !references.isEmpty {
            let given = references.compactMap { images[$0] }
            if let first = given.first { inputSize = (first.width, first.height) }
            if let w = int("width"), let h = int("height"), w > 0, h > 0 {
                size = (w, h)
            } else if let ratio = text("aspect_ratio"), let ratioSize = ImageSynthesizer.aspectSize(ratio: ratio, megapixels: config.ultraMegapixels) {
                size = ratioSize
            } else if let first = given.first {
                size = (first.width, first.height)
            } else {
                size = (1024, 1024)  // the API's size when neither dimensions nor an input image are given
            }
            let inline = references.compactMap(base64)
            if !inline.isEmpty { kind = .reference(images: inline) }
        } else if endpoint.field("aspect_ratio") != nil {
            let ratio = text("aspect_ratio") ?? endpoint.field("aspect_ratio")?.defaultValue?.stringValue ?? "16:9"
            size = ImageSynthesizer.aspectSize(ratio: ratio, megapixels: config.ultraMegapixels) ?? (1024, 576)
        } else if endpoint.field("image") != nil {
            sized(images["image"])
            if let image = base64("image") { kind = .fill(image: image, mask: base64("mask")) }
        } else if endpoint.field("canny_low_threshold") != nil {
            sized(images["control_image"] ?? images["preprocessed_image"])
            if let control = base64("control_image") ?? base64("preprocessed_image") {
                kind = .canny(control: control, low: int("canny_low_threshold") ?? fallback("canny_low_threshold", 50),
                              high: int("canny_high_threshold") ?? fallback("canny_high_threshold", 200))
            }
        } else if endpoint.field("control_image") != nil {
            sized(images["control_image"] ?? images["preprocessed_image"])
            if let control = base64("control_image") ?? base64("preprocessed_image") { kind = .depth(control: control) }
        }
        let format = text("output_format") ?? endpoint.field("output_format")?.defaultValue?.stringValue ?? "jpeg"
        let renderPrompt = finetuneID.map { "\($0) \(prompt)" } ?? prompt
        let job = RenderJob(kind: kind, prompt: renderPrompt, seed: int("seed") ?? 0,
                            width: size.width, height: size.height, format: format)
        let outputMP = Router.round2(Double(size.width * size.height) / 1_000_000)
        let rate = PriceTable.rate(for: endpoint.id).credits
        return Submission(
            endpoint: endpoint, job: job, prompt: text("prompt"), seed: int("seed"),
            cost: max(0.01, Router.round2(rate * Double(size.width * size.height) / 1_000_000)),
            inputMegapixels: inputSize.map { Router.round2(Double($0.width * $0.height) / 1_000_000) },
            outputMegapixels: outputMP, webhookURL: webhook, markerText: prompt, usesFinetune: finetuneID,
            finetuneDetails: nil, iterations: nil)
    }

    /// Expand: the input grows by top/bottom/left/right (defaults 0) and is repainted around.
    private static func expansion(_ endpoint: Endpoint, _ p: TaskParameters, _ images: [String: ImageInfo])
        -> (size: (width: Int, height: Int), kind: RenderJob.Kind)? {
        let sides = ["top", "bottom", "left", "right"]
        guard endpoint.field("image") != nil, sides.allSatisfy({ endpoint.field($0) != nil }),
              let input = images["image"], case .base64(let image)? = p["image"] else { return nil }
        let margins = sides.map { side -> Int in
            if case .integer(let i)? = p[side] { return i }
            return endpoint.field(side)?.defaultValue?.intValue ?? 0
        }
        return ((input.width + margins[2] + margins[3], input.height + margins[0] + margins[1]),
                .expand(image: image, top: margins[0], bottom: margins[1], left: margins[2], right: margins[3]))
    }

    /// The settings finetune_details reports: what was sent, else the registry's defaults.
    private static func finetuneDetails(_ endpoint: Endpoint, _ p: TaskParameters,
                                        archive: ZipInspector.Summary?) -> [String: JSONValue] {
        var details: [String: JSONValue] = [:]
        for name in ["finetune_comment", "trigger_word", "mode", "finetune_type", "lora_rank", "iterations",
                     "learning_rate", "priority", "captioning"] {
            if let value = p[name]?.inlineJSON, value != .null {
                details[name] = value
            } else if let value = endpoint.field(name)?.defaultValue {
                details[name] = value
            }
        }
        if details["learning_rate"] == nil {
            details["learning_rate"] = .double(details["finetune_type"]?.stringValue == "lora" ? 1e-4 : 1e-5)
        }
        if let archive {
            details["image_count"] = .int(archive.images)
            details["caption_count"] = .int(archive.captions)
        }
        return details
    }
}
