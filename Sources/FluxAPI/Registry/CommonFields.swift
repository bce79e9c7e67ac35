/// Field definitions shared by several endpoints, so each is written once. Ranges and defaults come
/// from the public OpenAPI description where it covers the endpoint, otherwise from api-notes.md.
enum CommonFields {
    static func prompt(required: Bool = false, nullable: Bool = false, default value: String? = "",
                       help: String = "Text prompt for image generation.") -> FieldSpec {
        FieldSpec("prompt", .text, required: required, nullable: nullable,
                  default: required ? nil : value.map(JSONValue.string), help: help)
    }

    static func imagePrompt() -> FieldSpec {
        FieldSpec("image_prompt", .image, nullable: true,
                  help: "Optional image to remix with Flux Redux (file path or URL).")
    }

    static func width(default value: Int = 1024) -> FieldSpec {
        FieldSpec("width", .integer, default: .int(value), min: 256, max: 1440, multipleOf: 32,
                  help: "Width of the generated image in pixels. Must be a multiple of 32.")
    }

    static func height(default value: Int = 768) -> FieldSpec {
        FieldSpec("height", .integer, default: .int(value), min: 256, max: 1440, multipleOf: 32,
                  help: "Height of the generated image in pixels. Must be a multiple of 32.")
    }

    static func steps(min: Double, max: Double, default value: Int, nullable: Bool) -> FieldSpec {
        FieldSpec("steps", .integer, nullable: nullable, default: .int(value), min: min, max: max,
                  help: "Number of steps for the image generation process.")
    }

    static func guidance(min: Double, max: Double, default value: Double, nullable: Bool) -> FieldSpec {
        FieldSpec("guidance", .number, nullable: nullable, default: .double(value), min: min, max: max,
                  help: "Guidance strength: higher follows the prompt more closely at the cost of realism.")
    }

    static func promptUpsampling(nullable: Bool = false) -> FieldSpec {
        FieldSpec("prompt_upsampling", .boolean, nullable: nullable, default: .bool(false), advanced: true,
                  help: "Rewrite the prompt automatically for more creative generation.")
    }

    static func seed(nullable: Bool = true) -> FieldSpec {
        FieldSpec("seed", .integer, nullable: nullable,
                  help: "Seed for reproducibility; leave empty for a random one.")
    }

    static func safetyTolerance() -> FieldSpec {
        FieldSpec("safety_tolerance", .integer, default: .int(2), min: 0, max: 6, advanced: true,
                  help: "Moderation tolerance for input and output: 0 most strict, 6 least strict.")
    }

    /// The OpenAPI description lists webp for the endpoints it still covers; the SDK document,
    /// the only source for the others, says jpeg or png.
    static func outputFormat(nullable: Bool = true, webp: Bool = false) -> FieldSpec {
        FieldSpec("output_format", .choice(webp ? ["jpeg", "png", "webp"] : ["jpeg", "png"]),
                  nullable: nullable, default: .string("jpeg"),
                  help: "Output format for the generated image.")
    }

    static func webhookURL() -> FieldSpec {
        FieldSpec("webhook_url", .url, nullable: true, minLength: 1, maxLength: 2083, advanced: true,
                  help: "URL to receive webhook notifications.")
    }

    static func webhookSecret() -> FieldSpec {
        FieldSpec("webhook_secret", .secret, nullable: true, advanced: true,
                  help: "Optional secret for webhook signature verification.")
    }

    static var webhooks: [FieldSpec] { [webhookURL(), webhookSecret()] }

    static func finetuneID() -> FieldSpec {
        FieldSpec("finetune_id", .text, required: true, minLength: 1,
                  help: "ID of the fine-tuned model you want to use.")
    }

    static func finetuneStrength(default value: Double) -> FieldSpec {
        FieldSpec("finetune_strength", .number, default: .double(value), min: 0, max: 2,
                  help: "Strength of the fine-tuned model: 0 no influence, 1 full influence, up to 2.")
    }

    static func aspectRatio() -> FieldSpec {
        FieldSpec("aspect_ratio", .aspectRatio, default: .string("16:9"),
                  help: "Aspect ratio of the image between 21:9 and 9:21.")
    }

    static func imagePromptStrength() -> FieldSpec {
        FieldSpec("image_prompt_strength", .number, default: .double(0.1), min: 0, max: 1,
                  help: "Blend between the prompt and the image prompt.")
    }

    static func fillImage() -> FieldSpec {
        FieldSpec("image", .image, required: true,
                  help: "The image to modify (file path or URL); may carry an alpha mask.")
    }

    static func fillMask() -> FieldSpec {
        FieldSpec("mask", .image, nullable: true,
                  help: "Black and white mask, same size as the image: white areas are repainted. "
                      + "Optional if the image has an alpha mask.")
    }

    static func controlImage(required: Bool) -> FieldSpec {
        FieldSpec("control_image", .image, required: required, nullable: !required,
                  help: "Image to use as control input.")
    }

    static func preprocessedImage() -> FieldSpec {
        FieldSpec("preprocessed_image", .image, nullable: true,
                  help: "Pre-processed control image that bypasses the preprocessing step.")
    }

    static func cannyThresholds() -> [FieldSpec] {
        [
            FieldSpec("canny_low_threshold", .integer, nullable: true, default: .int(50), min: 0, max: 500,
                      help: "Low threshold for Canny edge detection."),
            FieldSpec("canny_high_threshold", .integer, nullable: true, default: .int(200), min: 0, max: 500,
                      help: "High threshold for Canny edge detection."),
        ]
    }
}
