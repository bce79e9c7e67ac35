/// What a client needs that the OpenAPI document does not say, each written once with its source.
/// `OpenAPIImporter` applies these to every endpoint it builds; the contract test lists them as
/// the only permitted differences from the document.
enum SchemaSupplements {
    /// The picker's family, from the path's naming scheme (the document has one tag, "Models").
    static func family(forID id: String) -> EndpointFamily {
        if id.hasPrefix("flux-2-") { return .flux2 }
        if id.contains("kontext") { return .kontext }
        if id.hasSuffix("-expand") { return .expand }
        if id.hasSuffix("-fill") { return .fill }
        if id.contains("ultra") { return .ultra }
        return .other
    }

    /// Median seconds per task, the poller's first guess (learned per endpoint afterwards).
    /// Source: BFL's model pages ("klein: sub-second", "pro: under 10 s", "max: under 15 s",
    /// "flex: slower, more steps"); Kontext and Expand as measured for FLUX.1 [pro] tools.
    static func typicalSeconds(forID id: String, family: EndpointFamily) -> Double {
        if id.contains("klein") { return 2 }
        if id.hasPrefix("flux-2-flex") { return 20 }
        if id.hasPrefix("flux-2-max") { return 15 }
        switch family {
        case .flux2: return 10
        case .kontext: return id.contains("max") ? 12 : 8
        case .expand, .fill: return 10
        default: return 8
        }
    }

    /// FLUX.2 output sizes: sides in multiples of 16, at most 4 MP (2048 x 2048). Source: BFL's
    /// FLUX.2 documentation (docs.bfl.ai, FLUX.2 overview: "any aspect ratio, multiples of 16,
    /// 64x64 up to 4MP"); the document only gives `minimum: 64`.
    static let flux2SideMultiple = 16
    static let flux2MaximumPixels = 2048 * 2048

    static func multipleOf(field: String, family: EndpointFamily) -> Int? {
        family == .flux2 && (field == "width" || field == "height") ? flux2SideMultiple : nil
    }

    static func rules(family: EndpointFamily, fieldNames: Set<String>) -> [CrossFieldRule] {
        var rules: [CrossFieldRule] = []
        if family == .flux2 && fieldNames.isSuperset(of: ["width", "height"]) {
            rules.append(.outputPixelsAtMost(flux2MaximumPixels))
        }
        if fieldNames.contains("mask") && fieldNames.contains("image") { rules.append(.maskMatchesImage) }
        if fieldNames.isSuperset(of: ["webhook_url", "webhook_secret"]) { rules.append(.webhookSecretNeedsURL) }
        return rules
    }

    /// Fields most people never touch; forms show them after the others (as for the curated 13).
    static func isAdvanced(_ name: String) -> Bool {
        if ["safety_tolerance", "prompt_upsampling", "webhook_url", "webhook_secret", "input_image_blob_path"].contains(name) {
            return true
        }
        // Reference images beyond the second are rarely used; they stay reachable at the end.
        if let n = referenceImageNumber(name) { return n > 2 }
        return false
    }

    /// Image fields take a file path or an https URL and are sent as base64 or the URL. The
    /// document types them as plain strings ("Base64 encoded image or URL"), so they are
    /// recognised by name: the curated endpoints' image fields and `input_image`, `input_image_2`..
    static func isImage(_ name: String) -> Bool {
        ["image", "mask", "image_prompt", "control_image", "preprocessed_image"].contains(name)
            || referenceImageNumber(name) != nil
    }

    /// 1 for `input_image`, n for `input_image_n`; nil for anything else (`input_image_blob_path`).
    static func referenceImageNumber(_ name: String) -> Int? {
        if name == "input_image" { return 1 }
        guard name.hasPrefix("input_image_"), let n = Int(name.dropFirst("input_image_".count)), n > 1 else { return nil }
        return n
    }

    /// Forms list fields in this order (the document's JSON objects carry no order): the image
    /// to edit first (as for Fill), then the prompt; names not listed follow alphabetically,
    /// advanced fields last.
    static let fieldOrder: [String] = [
        "image", "mask", "prompt", "top", "bottom", "left", "right", "input_image",
        "input_image_2", "input_image_3", "input_image_4", "input_image_5", "input_image_6",
        "input_image_7", "input_image_8", "image_prompt", "image_prompt_strength", "control_image",
        "preprocessed_image", "width", "height", "aspect_ratio", "raw", "steps", "guidance", "seed",
        "output_format", "prompt_upsampling", "safety_tolerance", "webhook_url", "webhook_secret",
    ]

    static func ordered(_ fields: [FieldSpec]) -> [FieldSpec] {
        let rank = Dictionary(uniqueKeysWithValues: fieldOrder.enumerated().map { ($1, $0) })
        return fields.sorted { a, b in
            if a.advanced != b.advanced { return !a.advanced }
            let ra = rank[a.name] ?? Int.max, rb = rank[b.name] ?? Int.max
            return ra != rb ? ra < rb : a.name < b.name
        }
    }
}
