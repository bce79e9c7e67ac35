import FluxAPI
import Foundation
import ImageCodec
import NIOCore
import NIOPosix

/// Everything needed to draw one result, captured at submit time. Input images stay base64
/// until rendering so that a task that is never downloaded costs no decoding.
struct RenderJob: Sendable {
    enum Kind: Sendable {
        case generate
        case fill(image: String, mask: String?)
        case canny(control: String, low: Int, high: Int)
        case depth(control: String)
        /// Kontext and FLUX.2 with input images, in field order.
        case reference(images: [String])
        case expand(image: String, top: Int, bottom: Int, left: Int, right: Int)
    }

    var kind: Kind
    /// What the synthesizer hashes: the prompt, plus the fine-tune id for fine-tuned endpoints
    /// (so each fine-tune "looks" different for the same prompt and seed).
    var prompt: String
    var seed: Int
    /// Output size; for image-to-image it is the input's size as sniffed at submit, and the
    /// size used when the input cannot be decoded (a URL, WebP).
    var width: Int
    var height: Int
    /// The requested `output_format` (jpeg, png, webp).
    var format: String
}

/// An encoded result, held in memory for the sample URL's lifetime.
struct RenderedSample: Sendable {
    let body: ByteBuffer
    let contentType: String
}

/// Renders on a thread pool of its own: image synthesis and encoding are CPU work that must not
/// run on an event loop or hog Swift's cooperative pool.
final class SampleRenderer: Sendable {
    private let pool: NIOThreadPool

    init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    func render(_ job: RenderJob) async throws -> RenderedSample {
        try await pool.runIfActive { try Self.renderNow(job) }
    }

    /// Runs blocking work (large request bodies) off the cooperative pool.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    static func renderNow(_ job: RenderJob) throws -> RenderedSample {
        let image = synthesize(job)
        let (bytes, contentType) = try ImageSynthesizer.encode(image, format: job.format)
        return RenderedSample(body: ByteBuffer(bytes: bytes), contentType: contentType)
    }

    static func synthesize(_ job: RenderJob) -> RGBAImage {
        switch job.kind {
        case .generate:
            break
        case .fill(let image, let mask):
            if let source = decode(image) {
                return ImageSynthesizer.fill(image: source, mask: mask.flatMap(decode), prompt: job.prompt, seed: job.seed)
            }
        case .canny(let control, let low, let high):
            if let source = decode(control) {
                return ImageSynthesizer.canny(control: source, prompt: job.prompt, low: low, high: high, seed: job.seed)
            }
        case .depth(let control):
            if let source = decode(control) {
                return ImageSynthesizer.depth(control: source, prompt: job.prompt, seed: job.seed)
            }
        case .reference(let images):
            let sources = images.compactMap(decode)
            if !sources.isEmpty {
                return ImageSynthesizer.reference(inputs: sources, prompt: job.prompt, seed: job.seed,
                                                  width: job.width, height: job.height)
            }
        case .expand(let image, let top, let bottom, let left, let right):
            if let source = decode(image) {
                return ImageSynthesizer.expand(image: source, top: top, bottom: bottom, left: left, right: right,
                                               prompt: job.prompt, seed: job.seed)
            }
        }
        // Plain generation, or an input the simulator cannot read (URL, WebP): a fresh picture.
        return ImageSynthesizer.generate(prompt: job.prompt, seed: job.seed, width: job.width, height: job.height)
    }

    /// Decodes an inline base64 (or data URL) PNG/JPEG; nil for anything else.
    static func decode(_ base64: String) -> RGBAImage? {
        var payload = Substring(base64)
        if payload.hasPrefix("data:"), let comma = payload.firstIndex(of: ",") { payload = payload[payload.index(after: comma)...] }
        guard let data = Data(base64Encoded: String(payload), options: .ignoreUnknownCharacters) else { return nil }
        return try? ImageDecoder.decode([UInt8](data))
    }
}
