import ImageCodec
import Testing

@Suite struct ImageScalerTests {
    private func grey(_ values: [UInt8], width: Int) -> RGBAImage {
        RGBAImage(width: width, height: values.count / width, pixels: values.flatMap { [$0, $0, $0, 255] })
    }

    private func greys(_ image: RGBAImage) -> [UInt8] {
        stride(from: 0, to: image.pixels.count, by: 4).map { image.pixels[$0] }
    }

    @Test func halvingAveragesEachTwoByTwoBlockExactly() {
        let image = grey([
            10, 20, 100, 200,
            30, 40, 0, 100,
            1, 2, 250, 250,
            3, 6, 250, 246,
        ], width: 4)
        let scaled = ImageScaler.scale(image, toWidth: 2, height: 2)
        #expect(scaled.width == 2 && scaled.height == 2)
        #expect(greys(scaled) == [25, 100, 3, 249])
        #expect(scaled.isOpaque)
    }

    @Test func blackAndWhiteAverageToMidGrey() {
        let scaled = ImageScaler.scale(grey([0, 255], width: 2), toWidth: 1, height: 1)
        let value = scaled.pixels[0]
        #expect(value == 127 || value == 128)
        #expect(scaled.pixels[0] == scaled.pixels[1] && scaled.pixels[1] == scaled.pixels[2])
    }

    @Test func partialPixelsGetFractionalWeights() {
        // 3 -> 2: output 0 covers source 0 fully and half of source 1, output 1 the rest.
        // Nearest-pixel sampling would give 0 and 180 (or 90).
        let scaled = ImageScaler.scale(grey([0, 90, 180], width: 3), toWidth: 2, height: 1)
        #expect(greys(scaled) == [30, 150])
    }

    @Test func columnAndRowWeightsCombine() {
        let scaled = ImageScaler.scale(grey([0, 90, 180, 0, 90, 180], width: 3), toWidth: 2, height: 1)
        #expect(greys(scaled) == [30, 150])
    }

    @Test func upscalingReplicatesAndBlends() {
        let scaled = ImageScaler.scale(grey([0, 200], width: 2), toWidth: 4, height: 2)
        #expect(greys(scaled) == [0, 0, 200, 200, 0, 0, 200, 200])
        let odd = ImageScaler.scale(grey([0, 200], width: 2), toWidth: 3, height: 1)
        #expect(greys(odd) == [0, 100, 200])
    }

    @Test func transparentPixelsDoNotBleedColour() {
        let image = RGBAImage(width: 2, height: 1, pixels: [255, 0, 0, 255, 0, 255, 0, 0])
        let scaled = ImageScaler.scale(image, toWidth: 1, height: 1)
        #expect(scaled[0, 0] == RGBAImage.Pixel(r: 255, g: 0, b: 0, a: 128))
    }

    @Test func sameSizeIsIdentityAndZeroIsEmpty() {
        let image = TestImages.gradient(width: 9, height: 7)
        #expect(ImageScaler.scale(image, toWidth: 9, height: 7) == image)
        #expect(ImageScaler.scale(image, toWidth: 0, height: 3).pixels.isEmpty)
    }

    @Test func flatColourStaysFlatAtAnyRatio() {
        let image = RGBAImage(width: 37, height: 23, fill: .init(r: 12, g: 140, b: 250))
        let scaled = ImageScaler.scale(image, toWidth: 10, height: 19)
        for y in 0..<19 { for x in 0..<10 { #expect(scaled[x, y] == .init(r: 12, g: 140, b: 250)) } }
    }
}
