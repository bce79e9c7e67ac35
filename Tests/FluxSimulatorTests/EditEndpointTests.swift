import FluxAPI
import FluxSimulator
import Foundation
import ImageCodec
import TestSupport
import Testing

/// The simulator serves the endpoints built from the OpenAPI document with the same validation,
/// and edit endpoints answer with images made from their inputs.
@Suite struct EditEndpointTests {
    /// Mean luminance of the left and right thirds of an image.
    static func thirds(_ image: RGBAImage) -> (left: Double, right: Double) {
        var left = 0.0, right = 0.0, count = 0.0
        for y in 0..<image.height {
            for x in 0..<image.width / 3 {
                let l = image[x, y], r = image[image.width - 1 - x, y]
                left += Double(l.r) + Double(l.g) + Double(l.b)
                right += Double(r.r) + Double(r.g) + Double(r.b)
            }
            count += Double(image.width / 3) * 3
        }
        return (left / count, right / count)
    }

    @Test func expandGrowsTheCanvasAndKeepsTheInputPixels() async throws {
        let files = TestFiles()
        let input = TestFiles.control()
        let path = try files.png(input, "photo.png")
        try await withSimulator(config()) { _, client in
            let final = try await submitAndWait(client, "flux-pro-1.0-expand", [
                "image": .file(path), "top": .integer(16), "bottom": .integer(8), "left": .integer(24),
                "output_format": .text("png"),
            ])
            #expect(final.status == .ready)
            let (_, image) = try await download(client, try #require(final.sampleURL))
            #expect(image.width == 96 + 24 && image.height == 64 + 16 + 8)
            for (x, y) in [(0, 0), (47, 31), (48, 32), (95, 63), (10, 50)] {
                #expect(image[x + 24, y + 16] == input[x, y], "pixel \(x),\(y) of the input changed")
            }
            // The margins are painted, not left transparent.
            #expect(image[0, 0].a == 255 && image[image.width - 1, image.height - 1].a == 255)
        }
    }

    @Test func kontextFollowsItsInputImage() async throws {
        let files = TestFiles()
        let dark = try files.png(TestFiles.control(), "dark-left.png")
        let mirrored = try files.png(TestFiles.control(mirrored: true), "dark-right.png")
        try await withSimulator(config()) { _, client in
            func render(_ path: String) async throws -> RGBAImage {
                let final = try await submitAndWait(client, "flux-kontext-pro", [
                    "prompt": .text("make it a painting"), "input_image": .file(path), "seed": .integer(7),
                    "output_format": .text("png"),
                ])
                return try await download(client, try #require(final.sampleURL)).image
            }
            let a = try await render(dark), b = try await render(mirrored)
            // Same size as the input (no aspect_ratio given), light where the input is light.
            #expect(a.width == 96 && a.height == 64)
            #expect(Self.thirds(a).left + 60 < Self.thirds(a).right)
            #expect(Self.thirds(b).left > Self.thirds(b).right + 60)
        }
    }

    @Test func flux2UsesItsReferencesAtTheRequestedSize() async throws {
        let files = TestFiles()
        let first = try files.png(TestFiles.control(), "first.png")
        let second = try files.png(RGBAImage(width: 40, height: 40, fill: .init(r: 250, g: 20, b: 20)), "second.png")
        try await withSimulator(config()) { _, client in
            func render(_ references: [String: FieldValue]) async throws -> (SubmitResponse, RGBAImage) {
                let submitted = try await client.submit(try prepare("flux-2-pro", references.merging([
                    "prompt": .text("the two together"), "seed": .integer(3), "width": .integer(192), "height": .integer(128),
                    "output_format": .text("png"),
                ]) { $1 }))
                let final = try #require(try await pollUntilFinal(client, submitted).last)
                return (submitted, try await download(client, try #require(final.sampleURL)).image)
            }
            let (submitted, both) = try await render(["input_image": .file(first), "input_image_2": .file(second)])
            #expect(submitted.inputMegapixels != nil)
            #expect(submitted.outputMegapixels == 0.02)
            #expect(both.width == 192 && both.height == 128)
            #expect(Self.thirds(both).left + 60 < Self.thirds(both).right)
            // The red second reference tints the whole picture.
            let (_, firstOnly) = try await render(["input_image": .file(first)])
            #expect(Self.redness(both) > Self.redness(firstOnly) + 20)
        }
    }

    /// Mean of red minus blue over the image.
    static func redness(_ image: RGBAImage) -> Double {
        var sum = 0.0
        for y in 0..<image.height {
            for x in 0..<image.width { sum += Double(image[x, y].r) - Double(image[x, y].b) }
        }
        return sum / Double(image.width * image.height)
    }

    @Test func newEndpointsAreValidatedLikeTheOthers() async throws {
        try await withSimulator(config()) { server, _ in
            let extra = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-2-pro", #"{"prompt": "p", "steps": 20}"#)
            #expect(extra.status == 422)
            #expect(extra.details.map(\.loc) == [["body", "steps"]])
            #expect(extra.details.first?.type == "extra_forbidden")
            let size = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-2-klein-4b", #"{"prompt": "p", "width": 1000}"#)
            #expect(size.status == 422)
            #expect(size.details.first?.type == "multiple_of")
            let missing = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-kontext-max", #"{"input_image": null}"#)
            #expect(missing.status == 422)
            #expect(missing.details.map(\.loc) == [["body", "prompt"]])
            let range = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-1.0-expand", #"{"image": "x", "top": 4096}"#)
            #expect(range.details.contains { $0.loc == ["body", "top"] && $0.type == "less_than_equal" })
        }
    }

    @Test func pricesFollowTheModel() async throws {
        try await withSimulator(config()) { _, client in
            let klein = try await client.submit(try prepare("flux-2-klein-4b", ["prompt": .text("p"), "width": .integer(512), "height": .integer(512)]))
            let max = try await client.submit(try prepare("flux-2-max", ["prompt": .text("p"), "width": .integer(512), "height": .integer(512)]))
            #expect(try #require(klein.cost) < (try #require(max.cost)))
        }
    }

    @Test func theSimulatorServesTheDocumentItWasBuiltFrom() async throws {
        try await withSimulator(config()) { server, _ in
            let answer = try await RawHTTP.request(port: server.port, "GET", "/openapi.json")
            #expect(answer.status == 200)
            #expect(Data(answer.body) == (try BuiltInDocument.data.get()))
        }
    }
}
