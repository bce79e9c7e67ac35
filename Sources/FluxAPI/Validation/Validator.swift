import Foundation

/// Checks a request against the registry and returns every problem at once: unknown, missing and
/// out-of-range fields first, then the cross-field rules. Pure: file contents come in as `images`.
public enum Validator {
    /// - Parameters:
    ///   - images: format and size of the image fields that could be inspected (from files or
    ///     inline base64); fields missing here are not checked for size.
    public static func validate(_ endpoint: Endpoint, _ parameters: TaskParameters,
                                images: [String: ImageInfo] = [:]) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        for name in parameters.values.keys.sorted() where endpoint.field(name) == nil {
            issues.append(.error(name, "is not a field of \(endpoint.id)\(suggestion(for: name, in: endpoint))",
                                 type: "extra_forbidden"))
        }
        for field in endpoint.fields {
            issues += check(field, parameters[field.name])
        }
        for rule in endpoint.rules {
            issues += check(rule, endpoint, parameters, images)
        }
        return issues
    }

    /// Checks one field on its own; the form calls this as the user types.
    public static func check(_ field: FieldSpec, _ value: FieldValue?) -> [ValidationIssue] {
        guard let value else {
            return field.required ? [.error(field.name, "is required", type: "missing")] : []
        }
        if value == .null {
            if field.required { return [.error(field.name, "is required and cannot be null", type: "missing")] }
            return field.nullable ? [] : [.error(field.name, "cannot be null", type: "null_not_allowed")]
        }
        var issues: [ValidationIssue] = []
        switch (field.kind, value) {
        case (.integer, .integer(let i)):
            issues += range(field, Double(i))
            if let multiple = field.multipleOf, i % multiple != 0 {
                let lower = i / multiple * multiple
                // Near Int.max the next multiple does not exist (adding would trap).
                let (upper, overflow) = lower.addingReportingOverflow(multiple)
                issues.append(.error(field.name, "must be a multiple of \(multiple) (try \(lower)\(overflow ? "" : " or \(upper)"))",
                                     type: "multiple_of"))
            }
        case (.integer, _):
            issues.append(.error(field.name, "expects a whole number", type: "int_type"))
        case (.number, .number(let d)):
            issues += range(field, d)
        case (.number, .integer(let i)):
            issues += range(field, Double(i))
        case (.number, _):
            issues.append(.error(field.name, "expects a number", type: "float_type"))
        case (.boolean, .boolean):
            break
        case (.boolean, _):
            issues.append(.error(field.name, "expects true or false", type: "bool_type"))
        case (.choice(let values, true), .integer(let i)):
            if !values.contains(String(i)) { issues.append(choiceError(field, values)) }
        case (.choice(let values, false), .text(let s)):
            if !values.contains(s) { issues.append(choiceError(field, values)) }
        case (.choice(let values, _), _):
            issues.append(choiceError(field, values))
        case (.text, .text(let s)), (.secret, .text(let s)):
            issues += length(field, s)
            if field.required && s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && field.minLength == nil {
                issues.append(.error(field.name, "is required and cannot be empty", type: "missing"))
            }
        case (.url, .text(let s)):
            issues += length(field, s)
            if !s.isEmpty && !isHTTPURL(s) {
                issues.append(.error(field.name, "must be an http:// or https:// URL", type: "url_parsing"))
            }
        case (.aspectRatio, .text(let s)):
            issues += aspectRatio(field, s)
        case (.image, .file), (.image, .url), (.image, .base64):
            if case .url(let u) = value, !isHTTPURL(u) {
                issues.append(.error(field.name, "is not a valid URL", type: "url_parsing"))
            }
        case (.archive, .file), (.archive, .base64):
            break
        default:
            issues.append(.error(field.name, "expects \(field.kind.name), got '\(ValueParser.clip(value.displayText))'",
                                 type: "type_error"))
        }
        return issues
    }

    // MARK: cross-field rules

    static func check(_ rule: CrossFieldRule, _ endpoint: Endpoint, _ p: TaskParameters,
                      _ images: [String: ImageInfo]) -> [ValidationIssue] {
        func isSet(_ name: String) -> Bool {
            guard let v = p[name] else { return false }
            return v != .null
        }
        switch rule {
        case .maskMatchesImage:
            guard let image = images["image"], let mask = images["mask"] else { return [] }
            if image.width != mask.width || image.height != mask.height {
                return [.error("mask", "is \(mask.width)x\(mask.height) but the image is \(image.width)x\(image.height); "
                               + "they must be the same size", type: "mask_size")]
            }
            return []
        case .cannyThresholdsOrdered:
            let lowField = endpoint.field("canny_low_threshold"), highField = endpoint.field("canny_high_threshold")
            let low = integer(p["canny_low_threshold"]) ?? lowField?.defaultValue?.intValue
            let high = integer(p["canny_high_threshold"]) ?? highField?.defaultValue?.intValue
            guard let low, let high, low >= high else { return [] }
            let lowNote = isSet("canny_low_threshold") ? "" : " (the default)"
            let highNote = isSet("canny_high_threshold") ? "" : " (the default)"
            let field = isSet("canny_low_threshold") ? "canny_low_threshold" : "canny_high_threshold"
            return [.error(field, "low threshold \(low)\(lowNote) must be below high threshold \(high)\(highNote)",
                           type: "threshold_order")]
        case .needsControlOrPreprocessed:
            if isSet("control_image") || isSet("preprocessed_image") { return [] }
            return [.error("control_image", "needs a control image or a preprocessed image", type: "missing")]
        case .imagePromptStrengthNeedsImagePrompt:
            if isSet("image_prompt_strength") && !isSet("image_prompt") {
                return [.warning("image_prompt_strength", "has no effect without an image_prompt")]
            }
            return []
        case .webhookSecretNeedsURL:
            if isSet("webhook_secret") && !isSet("webhook_url") {
                return [.warning("webhook_secret", "is only used together with webhook_url")]
            }
            return []
        case .outputPixelsAtMost(let limit):
            guard let width = integer(p["width"]), let height = integer(p["height"]), width > 0, height > 0 else { return [] }
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            guard overflow || pixels > limit else { return [] }
            let megapixels = FieldSpec.format(Double(limit) / 1_048_576)
            return [.error("width", "\(width)x\(height) is more than \(megapixels) MP (\(limit) pixels); make the image smaller",
                           type: "too_many_pixels")]
        }
    }

    // MARK: helpers

    private static func integer(_ value: FieldValue?) -> Int? {
        if case .integer(let i) = value { return i }
        return nil
    }

    private static func range(_ field: FieldSpec, _ value: Double) -> [ValidationIssue] {
        if let min = field.minimum, value < min {
            return [.error(field.name, "must be at least \(FieldSpec.format(min))\(rangeNote(field))",
                           type: "greater_than_equal")]
        }
        if let max = field.maximum, value > max {
            return [.error(field.name, "must be at most \(FieldSpec.format(max))\(rangeNote(field))",
                           type: "less_than_equal")]
        }
        return []
    }

    private static func rangeNote(_ field: FieldSpec) -> String {
        guard let min = field.minimum, let max = field.maximum else { return "" }
        return " (\(FieldSpec.format(min))..\(FieldSpec.format(max)))"
    }

    private static func length(_ field: FieldSpec, _ s: String) -> [ValidationIssue] {
        if let min = field.minLength, s.count < min {
            return [.error(field.name, min == 1 ? "cannot be empty" : "needs at least \(min) characters",
                           type: "string_too_short")]
        }
        if let max = field.maxLength, s.count > max {
            return [.error(field.name, "is \(s.count) characters; at most \(max) allowed", type: "string_too_long")]
        }
        return []
    }

    private static func choiceError(_ field: FieldSpec, _ values: [String]) -> ValidationIssue {
        .error(field.name, "must be one of \(values.joined(separator: ", "))", type: "enum")
    }

    static func isHTTPURL(_ s: String) -> Bool {
        guard let components = URLComponents(string: s), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else { return false }
        return true
    }

    /// Parses "W:H" with positive whole numbers.
    public static func parseAspectRatio(_ s: String) -> (width: Int, height: Int)? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let h = Int(parts[1].trimmingCharacters(in: .whitespaces)), w > 0, h > 0, w <= 10_000, h <= 10_000
        else { return nil }
        return (w, h)
    }

    private static func aspectRatio(_ field: FieldSpec, _ s: String) -> [ValidationIssue] {
        guard let (w, h) = parseAspectRatio(s) else {
            return [.error(field.name, "must look like 16:9 (width:height), got '\(ValueParser.clip(s))'",
                           type: "aspect_ratio_format")]
        }
        // Compare w/h with 21/9 and 9/21 in integers to avoid rounding at the edges.
        if w * 9 > h * 21 || w * 21 < h * 9 {
            return [.error(field.name, "\(w):\(h) is outside 21:9 .. 9:21", type: "aspect_ratio_range")]
        }
        return []
    }

    private static func suggestion(for name: String, in endpoint: Endpoint) -> String {
        let candidates = endpoint.fields.map(\.name)
        guard let best = candidates.min(by: { editDistance($0, name) < editDistance($1, name) }),
              editDistance(best, name) <= max(2, name.count / 3) else {
            return ""
        }
        return " (did you mean \(best)?)"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
