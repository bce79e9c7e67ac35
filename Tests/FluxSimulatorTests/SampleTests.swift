import FluxAPI
import FluxSimulator
import Foundation
import ImageCodec
import TestSupport
import Testing

@Suite struct SampleTests {
    @Test func downloadsAreRealImagesOfTheRequestedSizeAndFormat() async throws {
        try await withSimulator(config()) { _, client in
            let jpeg = try await submitAndWait(client, "flux-pro-1.1", ["prompt": .text("a"), "width": .integer(320), "height": .integer(256)])
            let (jpegBytes, jpegImage) = try await download(client, try #require(jpeg.sampleURL))
            #expect(ImageFormat.sniff(jpegBytes) == .jpeg)  // output_format defaults to jpeg
            #expect(jpegImage.width == 320 && jpegImage.height == 256)

            let png = try await submitAndWait(client, "flux-dev", ["prompt": .text("b"), "output_format": .text("png")])
            let (pngBytes, pngImage) = try await download(client, try #require(png.sampleURL))
            #expect(ImageFormat.sniff(pngBytes) == .png)
            #expect(pngImage.width == 1024 && pngImage.height == 768)  // the registry's defaults

            // No WebP encoder: webp is delivered as PNG, and the URL says so.
            let webp = try await submitAndWait(client, "flux-pro-1.1", ["prompt": .text("c"), "output_format": .text("webp"),
                                                                        "width": .integer(256), "height": .integer(256)])
            #expect(webp.sampleURL?.hasSuffix(".png") == true)
            #expect(ImageFormat.sniff(try await download(client, try #require(webp.sampleURL)).bytes) == .png)
        }
    }

    @Test func ultraUsesTheAspectRatioAtTheConfiguredMegapixels() async throws {
        try await withSimulator(config { $0.ultraMegapixels = 0.25 }) { _, client in
            let result = try await submitAndWait(client, "flux-pro-1.1-ultra", ["prompt": .text("wide"), "aspect_ratio": .text("21:9")])
            let image = try await download(client, try #require(result.sampleURL)).image
            let expected = try #require(ImageSynthesizer.aspectSize(ratio: "21:9", megapixels: 0.25))
            #expect(image.width == expected.width && image.height == expected.height)
            #expect(image.width > image.height)
        }
    }

    @Test func samePromptAndSeedGiveTheSameBytes() async throws {
        try await withSimulator(config()) { _, client in
            let values: [String: FieldValue] = ["prompt": .text("a red fox"), "seed": .integer(99),
                                                "width": .integer(256), "height": .integer(256)]
            let first = try await submitAndWait(client, "flux-pro-1.1", values)
            let second = try await submitAndWait(client, "flux-pro-1.1", values)
            let other = try await submitAndWait(client, "flux-pro-1.1", values.merging(["seed": .integer(100)]) { _, b in b })
            #expect(first.sampleURL != second.sampleURL)
            let a = try await download(client, try #require(first.sampleURL)).bytes
            let b = try await download(client, try #require(second.sampleURL)).bytes
            let c = try await download(client, try #require(other.sampleURL)).bytes
            #expect(a == b)
            #expect(a != c)
        }
    }

    @Test func fillKeepsWhatTheMaskKeeps() async throws {
        let files = TestFiles()
        let input = TestFiles.control()
        try await withSimulator(config()) { _, client in
            // A black mask repaints nothing: the PNG result is the input, pixel for pixel.
            let kept = try await submitAndWait(client, "flux-pro-1.0-fill", [
                "image": .file(try files.png(input, "in.png")), "output_format": .text("png"),
                "mask": .file(try files.png(RGBAImage(width: 96, height: 64, fill: .black), "black.png")),
            ])
            #expect(try await download(client, try #require(kept.sampleURL)).image == input)

            // A white mask repaints everything.
            let painted = try await submitAndWait(client, "flux-pro-1.0-fill", [
                "image": .file(try files.png(input, "in.png")), "output_format": .text("png"),
                "mask": .file(try files.png(RGBAImage(width: 96, height: 64, fill: .white), "white.png")),
            ])
            let image = try await download(client, try #require(painted.sampleURL)).image
            #expect(image.width == 96 && image.height == 64)
            #expect(image != input)
        }
    }

    /// Mean brightness of a column range.
    static func brightness(_ image: RGBAImage, columns: Range<Int>) -> Double {
        var total = 0
        for y in 0..<image.height {
            for x in columns {
                let p = image[x, y]
                total += Int(p.r) + Int(p.g) + Int(p.b)
            }
        }
        return Double(total) / Double(image.height * columns.count * 3)
    }

    @Test func cannyFollowsTheEdgesOfTheControlImage() async throws {
        let files = TestFiles()
        try await withSimulator(config()) { _, client in
            let result = try await submitAndWait(client, "flux-pro-1.0-canny", [
                "prompt": .text("edges"), "seed": .integer(1), "output_format": .text("png"),
                "control_image": .file(try files.png(TestFiles.control(), "control.png")),
            ])
            let image = try await download(client, try #require(result.sampleURL)).image
            #expect(image.width == 96 && image.height == 64)
            // The light/dark boundary sits at x = 48: bright edge pixels there, dim backdrop far away.
            #expect(Self.brightness(image, columns: 46..<51) > 2 * Self.brightness(image, columns: 5..<20))
        }
    }

    @Test func depthFollowsTheBrightnessOfTheControlImage() async throws {
        let files = TestFiles()
        try await withSimulator(config()) { _, client in
            var images: [RGBAImage] = []
            for mirrored in [false, true] {
                let result = try await submitAndWait(client, "flux-pro-1.0-depth", [
                    "prompt": .text("depth"), "seed": .integer(1), "output_format": .text("png"),
                    "control_image": .file(try files.png(TestFiles.control(mirrored: mirrored), "c\(mirrored).png")),
                ])
                images.append(try await download(client, try #require(result.sampleURL)).image)
            }
            // Light half of the input -> the "near" (light) end of the depth map.
            #expect(Self.brightness(images[0], columns: 60..<96) > Self.brightness(images[0], columns: 0..<36))
            #expect(Self.brightness(images[1], columns: 0..<36) > Self.brightness(images[1], columns: 60..<96))
        }
    }

    @Test func sampleURLsExpireWith403() async throws {
        // Long enough that the first download is surely in time on a loaded machine.
        try await withSimulator(config { $0.sampleLifetime = 3 }) { server, client in
            let result = try await submitAndWait(client, "flux-pro-1.1", ["prompt": .text("soon gone"),
                                                                          "width": .integer(256), "height": .integer(256)])
            let url = try #require(result.sampleURL)
            _ = try await download(client, url)  // valid at first
            try await Task.sleep(for: .milliseconds(3200))
            await #expect { try await download(client, url) } throws: { error in
                if case FluxError.resultExpired = error { return true }
                return false
            }
            let path = try #require(URL(string: url)?.path)
            let raw = try await RawHTTP.request(port: server.port, "GET", path, headers: [:])
            #expect(raw.status == 403)
            #expect(raw.headers["content-type"] == "application/xml")
            #expect(raw.text.contains("<Code>AuthenticationFailed</Code>"))
            // get_result still reports the same (now dead) URL.
            #expect(try await client.result(id: result.id).sampleURL == url)

            let unknown = try await RawHTTP.request(port: server.port, "GET", "/samples/abc/def.png", headers: [:])
            #expect(unknown.status == 404)
        }
    }
}
