/// The size of the image a request asks for, in megapixels, worked out from its parameters
/// before anything is sent: what an estimate scales with.
public enum OutputSize {
    /// One megapixel, the API's size when a request names none (1024x1024 is 1.05 MP).
    public static let defaultMegapixels = 1.0
    /// What FLUX1.1 [pro] Ultra renders for an aspect ratio: about four megapixels.
    public static let ultraMegapixels = 4.0

    /// Width x height where given (or defaulted by the field), the input image's size for edits
    /// of an image whose size is known, four megapixels for the Ultra endpoints' aspect ratios,
    /// else one megapixel. Nil for a fine-tune training, which makes no image.
    public static func megapixels(_ endpoint: Endpoint, _ parameters: TaskParameters, images: [String: ImageInfo] = [:]) -> Double? {
        if endpoint.createsFinetune { return nil }
        func dimension(_ name: String) -> Int? {
            if case .integer(let v)? = parameters[name] { return v }
            if case .int(let v)? = endpoint.field(name)?.defaultValue { return v }
            return nil
        }
        if let width = dimension("width"), let height = dimension("height"), width > 0, height > 0 {
            return Double(width * height) / 1_000_000
        }
        for name in ["image", "input_image", "control_image"] {
            if let info = images[name], info.width > 0, info.height > 0 { return Double(info.width * info.height) / 1_000_000 }
        }
        if endpoint.id.contains("ultra") { return ultraMegapixels }
        return defaultMegapixels
    }
}
