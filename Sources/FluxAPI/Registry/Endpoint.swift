/// The families the endpoint picker groups operations by.
/// The order of the cases is the picker's order.
public enum EndpointFamily: String, Sendable, CaseIterable, Codable {
    case generate = "Generate"
    case ultra = "Ultra"
    case flux2 = "FLUX.2"
    case kontext = "Kontext"
    case fill = "Fill"
    case expand = "Expand"
    case canny = "Canny"
    case depth = "Depth"
    case finetune = "Fine-tune"
    case finetuned = "Fine-tuned models"
    /// Task endpoints of a newer OpenAPI document that no rule above places.
    case other = "Other"
}

/// Rules that involve more than one field; the validator implements each.
public enum CrossFieldRule: Sendable, Equatable {
    /// `mask` must have the same dimensions as `image`.
    case maskMatchesImage
    /// `canny_low_threshold` must be below `canny_high_threshold` (defaults count).
    case cannyThresholdsOrdered
    /// At least one of `control_image` / `preprocessed_image`.
    case needsControlOrPreprocessed
    /// `image_prompt_strength` does nothing without `image_prompt` (a warning).
    case imagePromptStrengthNeedsImagePrompt
    /// A webhook secret without a webhook URL is never used (a warning).
    case webhookSecretNeedsURL
    /// `width` x `height` (when both are set) may not exceed this many pixels.
    case outputPixelsAtMost(Int)
}

/// One API operation: where it lives, what it is called, and the fields it takes.
public struct Endpoint: Sendable, Equatable, Identifiable {
    /// Command-line name: the path without `/v1/` (`flux-pro-1.1`).
    public let id: String
    public let path: String
    /// The SDK's operation name (`flux_pro_1_1_v1_flux_pro_1_1_post`).
    public let operation: String
    public let title: String
    public let summary: String
    public let family: EndpointFamily
    public let fields: [FieldSpec]
    public let rules: [CrossFieldRule]
    /// The public service retired it in late 2025; other deployments and the simulator keep it.
    public let retiredOnPublicAPI: Bool
    /// Median seconds a task takes; the poller's first guess before progress arrives.
    public let typicalSeconds: Double

    public init(id: String, path: String, operation: String, title: String, summary: String, family: EndpointFamily,
                fields: [FieldSpec], rules: [CrossFieldRule], retiredOnPublicAPI: Bool, typicalSeconds: Double) {
        self.id = id
        self.path = path
        self.operation = operation
        self.title = title
        self.summary = summary
        self.family = family
        self.fields = fields
        self.rules = rules
        self.retiredOnPublicAPI = retiredOnPublicAPI
        self.typicalSeconds = typicalSeconds
    }

    public func field(_ name: String) -> FieldSpec? { fields.first { $0.name == name } }

    public var requiredFields: [FieldSpec] { fields.filter(\.required) }

    /// True for endpoints whose result is a fine-tune (training) rather than an image.
    public var createsFinetune: Bool { family == .finetune }

    /// True when the endpoint runs a fine-tuned model (`finetune_id` required).
    public var usesFinetune: Bool { field("finetune_id") != nil }
}
