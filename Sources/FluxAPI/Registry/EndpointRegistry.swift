import Locking

/// The single source of truth for task operations. Forms, validation, the command line and the
/// simulator all read it. It holds the 13 curated operations (`RegistryContractTests` checks them
/// against the SDK reference) and one endpoint per other task operation of the vendored OpenAPI
/// document (`OpenAPIImporter`). `install(_:)` may swap in a catalog built from a newer document,
/// once, before anything has read the registry (`flux-tui --spec`).
public enum EndpointRegistry {
    public static var all: [Endpoint] { current.endpoints }

    /// Looks up by command-line name (`flux-dev`), path (`/v1/flux-dev`) or SDK operation name.
    public static func endpoint(named name: String) -> Endpoint? { current.endpoint(named: name) }

    public static func endpoint(path: String) -> Endpoint? { current.endpoint(path: path) }

    /// The hand-written operations of tasks-api.md, in the picker's order within their families.
    public static let curated: [Endpoint] = [
        fluxPro11, fluxPro, fluxDev, ultra, fill, canny, depth, finetune,
        fluxProFinetuned, depthFinetuned, cannyFinetuned, fillFinetuned, ultraFinetuned,
    ]

    public static var curatedPaths: Set<String> { Set(curated.map(\.path)) }

    /// The curated operations plus those the vendored document adds.
    public static let builtIn: EndpointCatalog = {
        guard case .success(let document) = BuiltInDocument.loaded else { return EndpointCatalog(curated) }
        return EndpointCatalog(curated + OpenAPIImporter.endpoints(from: document, skipping: curatedPaths).endpoints)
    }()

    /// Why the built-in document's endpoints are missing or incomplete, if they are.
    public static var builtInProblems: [String] {
        switch BuiltInDocument.loaded {
        case .failure(let error): return [error.description]
        case .success(let document): return OpenAPIImporter.endpoints(from: document, skipping: curatedPaths).problems
        }
    }

    /// Replaces the built-in catalog for the rest of the process. Only possible before the
    /// registry is first read, so that every screen, cache and the simulator see one registry;
    /// false (and nothing changes) afterwards.
    @discardableResult
    public static func install(_ catalog: EndpointCatalog) -> Bool {
        replacement.withLock { state in
            guard !state.sealed else { return false }
            state.catalog = catalog
            return true
        }
    }

    private struct Replacement {
        var catalog: EndpointCatalog?
        var sealed = false
    }

    private static let replacement = Locked(Replacement())

    /// Read once, then lock-free: lookups happen for every row a view draws.
    private static let current: EndpointCatalog = replacement.withLock { state in
        state.sealed = true
        return state.catalog ?? builtIn
    }

    private typealias F = CommonFields

    static let fluxPro11 = Endpoint(
        id: "flux-pro-1.1", path: "/v1/flux-pro-1.1", operation: "flux_pro_1_1_v1_flux_pro_1_1_post",
        title: "FLUX 1.1 [pro]", summary: "Fast, high-quality text-to-image generation.",
        family: .generate,
        fields: [F.prompt(nullable: true), F.imagePrompt(), F.width(), F.height(), F.seed(),
                 F.promptUpsampling(), F.safetyTolerance(), F.outputFormat(webp: true)] + F.webhooks,
        rules: [.webhookSecretNeedsURL], retiredOnPublicAPI: false, typicalSeconds: 4)

    static let fluxPro = Endpoint(
        id: "flux-pro", path: "/v1/flux-pro", operation: "flux_pro_v1_flux_pro_post",
        title: "FLUX.1 [pro]", summary: "The original pro model, with steps, guidance and interval.",
        family: .generate,
        fields: [F.prompt(nullable: true), F.imagePrompt(), F.width(), F.height(),
                 F.steps(min: 1, max: 50, default: 40, nullable: true),
                 F.guidance(min: 1.5, max: 5, default: 2.5, nullable: true),
                 FieldSpec("interval", .number, nullable: true, default: .double(2), min: 1, max: 4, advanced: true,
                           help: "Interval: higher values give more varied output, lower more stable."),
                 F.seed(), F.promptUpsampling(), F.safetyTolerance(), F.outputFormat()] + F.webhooks,
        rules: [.webhookSecretNeedsURL], retiredOnPublicAPI: true, typicalSeconds: 8)

    static let fluxDev = Endpoint(
        id: "flux-dev", path: "/v1/flux-dev", operation: "flux_dev_v1_flux_dev_post",
        title: "FLUX.1 [dev]", summary: "The open-weights development model: cheaper, tunable steps.",
        family: .generate,
        fields: [F.prompt(), F.imagePrompt(), F.width(), F.height(),
                 F.steps(min: 1, max: 50, default: 28, nullable: true),
                 F.guidance(min: 1.5, max: 5, default: 3, nullable: true),
                 F.seed(), F.promptUpsampling(), F.safetyTolerance(), F.outputFormat(webp: true)] + F.webhooks,
        rules: [.webhookSecretNeedsURL], retiredOnPublicAPI: false, typicalSeconds: 6)

    static let ultra = Endpoint(
        id: "flux-pro-1.1-ultra", path: "/v1/flux-pro-1.1-ultra",
        operation: "generate_bigblue_v1_flux_pro_1_1_ultra_post",
        title: "FLUX 1.1 [pro] Ultra", summary: "Up to 4 megapixel images, with optional raw mode.",
        family: .ultra,
        fields: [F.prompt(nullable: true), F.aspectRatio(),
                 FieldSpec("raw", .boolean, default: .bool(false),
                           help: "Raw mode: less processed, more natural-looking images."),
                 F.imagePrompt(), F.imagePromptStrength(), F.seed(), F.promptUpsampling(),
                 F.safetyTolerance(), F.outputFormat(webp: true)] + F.webhooks,
        rules: [.imagePromptStrengthNeedsImagePrompt, .webhookSecretNeedsURL],
        retiredOnPublicAPI: false, typicalSeconds: 10)

    static let fill = Endpoint(
        id: "flux-pro-1.0-fill", path: "/v1/flux-pro-1.0-fill", operation: "fill_v1_flux_pro_1_0_fill_post",
        title: "FLUX.1 Fill [pro]", summary: "Inpaint the masked part of an image.",
        family: .fill,
        fields: [F.fillImage(), F.fillMask(),
                 F.prompt(nullable: true, help: "The changes you want in the masked area."),
                 F.steps(min: 15, max: 50, default: 50, nullable: true),
                 F.guidance(min: 1.5, max: 100, default: 60, nullable: true),
                 F.seed(), F.promptUpsampling(nullable: true), F.safetyTolerance(),
                 F.outputFormat(webp: true)] + F.webhooks,
        rules: [.maskMatchesImage, .webhookSecretNeedsURL], retiredOnPublicAPI: false, typicalSeconds: 10)

    static let canny = Endpoint(
        id: "flux-pro-1.0-canny", path: "/v1/flux-pro-1.0-canny",
        operation: "pro_canny_v1_flux_pro_1_0_canny_post",
        title: "FLUX.1 Canny [pro]", summary: "Generate following the edges of a control image.",
        family: .canny,
        fields: [F.prompt(required: true), F.controlImage(required: false), F.preprocessedImage()]
            + F.cannyThresholds()
            + [F.steps(min: 15, max: 50, default: 50, nullable: true),
               F.guidance(min: 1, max: 100, default: 30, nullable: true),
               F.seed(), F.promptUpsampling(nullable: true), F.safetyTolerance(), F.outputFormat()] + F.webhooks,
        rules: [.needsControlOrPreprocessed, .cannyThresholdsOrdered, .webhookSecretNeedsURL],
        retiredOnPublicAPI: true, typicalSeconds: 12)

    static let depth = Endpoint(
        id: "flux-pro-1.0-depth", path: "/v1/flux-pro-1.0-depth",
        operation: "pro_depth_v1_flux_pro_1_0_depth_post",
        title: "FLUX.1 Depth [pro]", summary: "Generate following the depth map of a control image.",
        family: .depth,
        fields: [F.prompt(required: true), F.controlImage(required: false), F.preprocessedImage(),
                 F.steps(min: 15, max: 50, default: 50, nullable: true),
                 F.guidance(min: 1, max: 100, default: 15, nullable: true),
                 F.seed(), F.promptUpsampling(nullable: true), F.safetyTolerance(), F.outputFormat()] + F.webhooks,
        rules: [.needsControlOrPreprocessed, .webhookSecretNeedsURL], retiredOnPublicAPI: true, typicalSeconds: 12)

    static let finetune = Endpoint(
        id: "finetune", path: "/v1/finetune", operation: "finetune_v1_finetune_post",
        title: "Fine-tune", summary: "Train a fine-tuned model from a ZIP of images and captions.",
        family: .finetune,
        fields: [
            FieldSpec("file_data", .archive, required: true,
                      help: "ZIP of training images with optional same-named .txt captions (a .zip path)."),
            FieldSpec("finetune_comment", .text, required: true, minLength: 1,
                      help: "Name or comment for the fine-tune; shown in its details."),
            FieldSpec("mode", .choice(["general", "character", "style", "product"]), required: true,
                      help: "What the fine-tune is about; affects captioning."),
            FieldSpec("trigger_word", .text, default: .string("TOK"),
                      help: "Word that invokes the fine-tuned concept in prompts."),
            FieldSpec("iterations", .integer, default: .int(300), min: 100, max: 1000,
                      help: "Number of training iterations."),
            FieldSpec("learning_rate", .number, nullable: true, min: 0.000001, max: 0.005, advanced: true,
                      help: "Learning rate; server default 1e-5 for full, 1e-4 for lora."),
            FieldSpec("captioning", .boolean, default: .bool(true),
                      help: "Caption images automatically during training."),
            FieldSpec("priority", .choice(["speed", "quality", "high_res_only"]), default: .string("quality"),
                      advanced: true, help: "Prioritise iteration speed or quality."),
            FieldSpec("finetune_type", .choice(["lora", "full"]), default: .string("full"), advanced: true,
                      help: "lora: a LoRA adapter; full: full fine-tuning with post-hoc LoRA extraction."),
            FieldSpec("lora_rank", .choice(["16", "32"], integerValues: true), default: .int(32), advanced: true,
                      help: "Rank of the (extracted) LoRA: 16 or 32."),
        ] + F.webhooks,
        rules: [.webhookSecretNeedsURL], retiredOnPublicAPI: true, typicalSeconds: 600)

    static let fluxProFinetuned = Endpoint(
        id: "flux-pro-finetuned", path: "/v1/flux-pro-finetuned",
        operation: "flux_pro_finetuned_v1_flux_pro_finetuned_post",
        title: "FLUX.1 [pro] fine-tuned", summary: "Text-to-image with one of your fine-tunes.",
        family: .finetuned,
        fields: [F.finetuneID(), F.finetuneStrength(default: 1.1), F.prompt(), F.imagePrompt(),
                 F.width(), F.height(),
                 F.steps(min: 1, max: 50, default: 40, nullable: false),
                 F.guidance(min: 1.5, max: 5, default: 2.5, nullable: false),
                 F.seed(nullable: false), F.promptUpsampling(), F.safetyTolerance(),
                 F.outputFormat(nullable: false)] + F.webhooks,
        rules: [.webhookSecretNeedsURL], retiredOnPublicAPI: true, typicalSeconds: 10)

    static let depthFinetuned = Endpoint(
        id: "flux-pro-1.0-depth-finetuned", path: "/v1/flux-pro-1.0-depth-finetuned",
        operation: "flux_pro_1_0_depth_finetuned_v1_flux_pro_1_0_depth_finetuned_post",
        title: "FLUX.1 Depth [pro] fine-tuned", summary: "Depth-guided generation with one of your fine-tunes.",
        family: .finetuned,
        fields: [F.finetuneID(), F.prompt(required: true), F.controlImage(required: true),
                 F.finetuneStrength(default: 1.1),
                 F.steps(min: 15, max: 50, default: 50, nullable: false),
                 F.guidance(min: 1, max: 100, default: 15, nullable: false),
                 F.seed(), F.promptUpsampling(), F.safetyTolerance(), F.outputFormat()] + F.webhooks,
        rules: [.webhookSecretNeedsURL], retiredOnPublicAPI: true, typicalSeconds: 14)

    static let cannyFinetuned = Endpoint(
        id: "flux-pro-1.0-canny-finetuned", path: "/v1/flux-pro-1.0-canny-finetuned",
        operation: "flux_pro_1_0_canny_finetuned_v1_flux_pro_1_0_canny_finetuned_post",
        title: "FLUX.1 Canny [pro] fine-tuned", summary: "Edge-guided generation with one of your fine-tunes.",
        family: .finetuned,
        fields: [F.finetuneID(), F.prompt(required: true), F.controlImage(required: true),
                 F.finetuneStrength(default: 1.1)] + F.cannyThresholds()
            + [F.steps(min: 15, max: 50, default: 50, nullable: false),
               F.guidance(min: 1, max: 100, default: 30, nullable: false),
               F.seed(), F.promptUpsampling(), F.safetyTolerance(), F.outputFormat()] + F.webhooks,
        rules: [.cannyThresholdsOrdered, .webhookSecretNeedsURL], retiredOnPublicAPI: true, typicalSeconds: 14)

    static let fillFinetuned = Endpoint(
        id: "flux-pro-1.0-fill-finetuned", path: "/v1/flux-pro-1.0-fill-finetuned",
        operation: "flux_pro_1_0_fill_finetuned_v1_flux_pro_1_0_fill_finetuned_post",
        title: "FLUX.1 Fill [pro] fine-tuned", summary: "Inpainting with one of your fine-tunes.",
        family: .finetuned,
        fields: [F.finetuneID(), F.fillImage(), F.fillMask(), F.finetuneStrength(default: 1.1),
                 F.prompt(help: "The changes you want in the masked area."),
                 F.steps(min: 15, max: 50, default: 50, nullable: false),
                 F.guidance(min: 1.5, max: 100, default: 60, nullable: false),
                 F.seed(), F.promptUpsampling(), F.safetyTolerance(), F.outputFormat(webp: true)] + F.webhooks,
        rules: [.maskMatchesImage, .webhookSecretNeedsURL], retiredOnPublicAPI: false, typicalSeconds: 12)

    static let ultraFinetuned = Endpoint(
        id: "flux-pro-1.1-ultra-finetuned", path: "/v1/flux-pro-1.1-ultra-finetuned",
        operation: "generate_bigblue_finetuned_v1_flux_pro_1_1_ultra_finetuned_post",
        title: "FLUX 1.1 [pro] Ultra fine-tuned", summary: "Ultra-resolution generation with one of your fine-tunes.",
        family: .finetuned,
        fields: [F.finetuneID(), F.finetuneStrength(default: 1.2), F.prompt(nullable: true), F.aspectRatio(),
                 F.imagePrompt(), F.imagePromptStrength(), F.seed(), F.promptUpsampling(),
                 F.safetyTolerance(), F.outputFormat(webp: true)] + F.webhooks,
        rules: [.imagePromptStrengthNeedsImagePrompt, .webhookSecretNeedsURL],
        retiredOnPublicAPI: false, typicalSeconds: 12)
}

import Foundation
