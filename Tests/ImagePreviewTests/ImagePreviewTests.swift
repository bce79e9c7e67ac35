import ImageCodec
import Testing
import TerminalKit
@testable import ImagePreview

/// An image of four colour blocks: red top-left, green top-right, blue bottom-left, white bottom-right.
func quadrants(width: Int = 64, height: Int = 64) -> RGBAImage {
    var image = RGBAImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            let left = x < width / 2, upper = y < height / 2
            image[x, y] = upper ? (left ? .init(r: 255, g: 0, b: 0) : .init(r: 0, g: 255, b: 0))
                                : (left ? .init(r: 0, g: 0, b: 255) : .white)
        }
    }
    return image
}

@Suite struct PreviewImageTests {
    @Test func decodedAndScaledBlocksLandInTheExpectedCellsAndHalves() throws {
        let bytes = try PNGCodec.encode(quadrants())
        guard case .image(let preview) = PreviewLoader.load(bytes: bytes, columns: 8, rows: 4, mode: .trueColor) else {
            Issue.record("no preview"); return
        }
        // Square image in 8x4 cells: 8 pixels wide, 8 tall (two per cell).
        #expect(preview.width == 8 && preview.height == 4)
        #expect(preview.sourceWidth == 64 && preview.sourceHeight == 64)
        let red = TerminalColor.rgb(255, 0, 0), green = TerminalColor.rgb(0, 255, 0)
        let blue = TerminalColor.rgb(0, 0, 255), white = TerminalColor.rgb(255, 255, 255)
        for x in 0..<8 {
            for y in 0..<4 {
                let cell = preview.cell(x: x, y: y)
                #expect(cell.character == "▀")
                let expected = y < 2 ? (x < 4 ? red : green) : (x < 4 ? blue : white)
                #expect(cell.style.foreground == expected, "top of (\(x), \(y))")
                #expect(cell.style.background == expected, "bottom of (\(x), \(y))")
            }
        }
    }

    @Test func topAndBottomPixelsOfOneCellAreSeparate() throws {
        // Two pixel rows: black above white; one cell row.
        var image = RGBAImage(width: 4, height: 2, fill: .white)
        for x in 0..<4 { image[x, 0] = .black }
        let preview = try #require(PreviewImage.make(from: image, columns: 4, rows: 1, mode: .trueColor))
        #expect(preview.width == 4 && preview.height == 1)
        #expect(preview.cell(x: 0, y: 0).style == Style(foreground: .rgb(0, 0, 0), background: .rgb(255, 255, 255)))
    }

    @Test func aspectRatioIsKeptWithSquarePixels() {
        // 1024x768 (4:3) in 80x24 cells: 48 pixel rows limit the height, so 64x48 pixels = 64x24 cells.
        let fit = PreviewImage.fit(imageWidth: 1024, imageHeight: 768, columns: 80, rows: 24)
        #expect(fit.columns == 64 && fit.rows == 24)
        // A wide image is limited by the width.
        let wide = PreviewImage.fit(imageWidth: 2000, imageHeight: 500, columns: 40, rows: 40)
        #expect(wide.columns == 40 && wide.rows == 5)
        #expect(PreviewImage.fit(imageWidth: 10, imageHeight: 10, columns: 0, rows: 5) == (0, 0))
    }

    @Test func webpShowsNoPreviewInsteadOfFailing() {
        var webp = Array("RIFF".utf8) + [0x10, 0, 0, 0] + Array("WEBPVP8 ".utf8)
        webp += [UInt8](repeating: 0, count: 16)
        #expect(PreviewLoader.load(bytes: webp, columns: 10, rows: 5, mode: .trueColor) == .unavailable("WebP: no preview"))
        if case .unavailable(let why) = PreviewLoader.load(bytes: [1, 2, 3], columns: 10, rows: 5, mode: .c256) {
            #expect(why.hasPrefix("no preview"))
        } else {
            Issue.record("garbage gave a preview")
        }
    }

    @Test func noColourModeHasNoPreview() throws {
        let bytes = try PNGCodec.encode(quadrants())
        #expect(PreviewLoader.load(bytes: bytes, columns: 8, rows: 4, mode: .none) == .unavailable("no colour: preview off"))
        #expect(PreviewImage.make(from: quadrants(), columns: 8, rows: 4, mode: .none) == nil)
    }

    @Test func drawingCentresTheCellsInTheArea() throws {
        let preview = try #require(PreviewImage.make(from: quadrants(), columns: 4, rows: 2, mode: .c256))
        var buffer = ScreenBuffer(width: 10, height: 4)
        preview.draw(into: &buffer, in: Rect(x: 0, y: 0, width: 10, height: 4))
        #expect(buffer[3, 1].character == "▀" && buffer[6, 2].character == "▀")
        #expect(buffer[2, 1].character == " " && buffer[3, 0].character == " ")
        #expect(buffer[3, 1].style.foreground == .indexed(196))  // red
        #expect(buffer[6, 2].style.background == .indexed(231))  // white
    }
}

@Suite struct PaletteTests {
    @Test func thePrunedSearchAgreesWithTheExhaustiveOneEverywhere() {
        // The levels the pruning assumes are the palette's own.
        for (i, level) in PreviewPalette.cubeLevels.enumerated() {
            #expect(ColorMath.rgb(ofIndex: UInt8(16 + 36 * i)).0 == UInt8(level))
        }
        for step in 0..<24 { #expect(ColorMath.rgb(ofIndex: UInt8(232 + step)).0 == UInt8(8 + 10 * step)) }
        // Every colour on a grid of step 7 and the top value (38^3 = 54,872), ties included.
        let values = Array(stride(from: 0, through: 255, by: 7)) + [255]
        var mismatches: [String] = []
        for r in values {
            for g in values {
                for b in values {
                    let (r, g, b) = (UInt8(r), UInt8(g), UInt8(b))
                    let fast = PreviewPalette.nearest256(r, g, b)
                    let reference = PreviewPalette.nearest256Exhaustive(r, g, b)
                    if fast != reference && mismatches.count < 5 { mismatches.append("\(r),\(g),\(b): \(fast) vs \(reference)") }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func cubeColoursMapToThemselves() {
        for i in 16...231 {
            let (r, g, b) = ColorMath.rgb(ofIndex: UInt8(i))
            #expect(PreviewPalette.nearest256(r, g, b) == UInt8(i), "cube entry \(i)")
        }
    }

    @Test func greysMapToTheGreyRamp() {
        for i in 232...255 {
            let (r, g, b) = ColorMath.rgb(ofIndex: UInt8(i))
            #expect(PreviewPalette.nearest256(r, g, b) == UInt8(i), "grey entry \(i)")
        }
        // Slightly off greys still land on the ramp entry nearest them.
        #expect(PreviewPalette.nearest256(129, 128, 127) == 244)  // #808080
        #expect(PreviewPalette.nearest256(20, 19, 18) == 233)  // #121212
        #expect(PreviewPalette.nearest256(27, 29, 28) == 234)  // #1c1c1c
    }

    @Test func otherColoursGoToTheNearestEntry() {
        #expect(PreviewPalette.nearest256(250, 10, 10) == 196)
        #expect(PreviewPalette.nearest256(100, 150, 200) == 68)  // #5f87d7
        #expect(PreviewPalette.nearest256(0, 90, 140) == 24)  // #005f87
        // Exhaustive check against a plain search with the same metric on a sample of colours.
        var seed: UInt64 = 42
        for _ in 0..<500 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let (r, g, b) = (UInt8(truncatingIfNeeded: seed >> 16), UInt8(truncatingIfNeeded: seed >> 32), UInt8(truncatingIfNeeded: seed >> 48))
            let got = PreviewPalette.nearest256(r, g, b)
            let (gr, gg, gb) = ColorMath.rgb(ofIndex: got)
            let d = PreviewPalette.distance(Int32(r), Int32(g), Int32(b), Int32(gr), Int32(gg), Int32(gb))
            for i in 16...255 {
                let (er, eg, eb) = ColorMath.rgb(ofIndex: UInt8(i))
                #expect(d <= PreviewPalette.distance(Int32(r), Int32(g), Int32(b), Int32(er), Int32(eg), Int32(eb)))
            }
        }
    }

    @Test func modesGiveTheirKindOfColour() {
        #expect(PreviewPalette.color(1, 2, 3, x: 0, y: 0, mode: .trueColor) == .rgb(1, 2, 3))
        #expect(PreviewPalette.color(255, 0, 0, x: 0, y: 0, mode: .c256) == .indexed(196))
        #expect(PreviewPalette.color(1, 2, 3, x: 0, y: 0, mode: .none) == nil)
        // 8 colours: pure colours stay, a mid grey dithers between black and white.
        #expect(PreviewPalette.color(205, 0, 0, x: 1, y: 2, mode: .c8) == .indexed(1))
        let greys = (0..<16).map { PreviewPalette.dithered8(128, 128, 128, x: $0 % 4, y: $0 / 4) }
        #expect(Set(greys) == [0, 7])
        #expect(greys.filter { $0 == 7 }.count == 8)  // half and half
        #expect(Set((0..<16).map { PreviewPalette.dithered8(255, 255, 0, x: $0 % 4, y: $0 / 4) }) == [3])  // yellow
    }

    @Test func a256ColourPreviewNeedsBoundedPairs() throws {
        // A smooth gradient: every cell could differ, yet the pairs are bounded by the palette
        // (240 x 240) and by the cell count, and all colours are palette entries 16...255.
        var image = RGBAImage(width: 256, height: 256)
        for y in 0..<256 { for x in 0..<256 { image[x, y] = .init(r: UInt8(x), g: UInt8(y), b: UInt8(255 - x)) } }
        let preview = try #require(PreviewImage.make(from: image, columns: 120, rows: 60, mode: .c256))
        #expect(preview.distinctPairs <= min(preview.width * preview.height, 240 * 240))
        for color in preview.top + preview.bottom {
            guard case .indexed(let i) = color else { Issue.record("not indexed: \(color)"); continue }
            #expect(i >= 16)
        }
        let colours = Set(preview.top + preview.bottom)
        #expect(colours.count <= 240)
    }
}

@Suite struct ColorPairTableTests {
    @Test func pairsAreCachedAndNeverExceedTheCapacity() {
        var table = ColorPairTable(capacity: 4)
        table.screenCleared(cellCount: 10)
        #expect(table.acquire(1) == .assigned(1))
        table.setCell(0, to: 1)
        #expect(table.acquire(1) == .cached(1))
        for key in 2...4 {
            guard case .assigned(let p)? = table.acquire(Int64(key)) else { Issue.record("no pair for \(key)"); return }
            table.setCell(key - 1, to: p)
        }
        #expect(table.definedCount == 4)
        // All four pairs are on screen: no fifth pair (the backend then uses default colours).
        #expect(table.acquire(5) == nil)
        #expect(table.definedCount == 4)
    }

    @Test func pairsNoCellShowsAreRecycledOldestFirst() {
        var table = ColorPairTable(capacity: 3)
        table.screenCleared(cellCount: 3)
        for key in 1...3 {
            guard case .assigned(let p)? = table.acquire(Int64(key)) else { return }
            table.setCell(key - 1, to: p)
        }
        // Cells 1 then 0 are repainted with pair 3: pairs 2 and then 1 become idle.
        table.setCell(1, to: 3)
        table.setCell(0, to: 3)
        #expect(table.inUseCount == 1)
        #expect(table.acquire(10) == .assigned(2))  // idle first
        #expect(table.acquire(11) == .assigned(1))
        #expect(table.acquire(1) == nil)  // key 1 lost its pair; the only other pair is on screen
        #expect(table.acquire(3) == .cached(3))
    }

    @Test func manyImagesNeverRunOutOfPairs() {
        // A 120x40 screen showing 50 different 4800-pair "images" in turn, with 65535 pairs.
        let cells = 120 * 40
        var table = ColorPairTable(capacity: 65_535)
        table.screenCleared(cellCount: cells)
        var fallbacks = 0
        for image in 0..<50 {
            for cell in 0..<cells {
                guard let grant = table.acquire(Int64(image * cells + cell)) else { fallbacks += 1; continue }
                switch grant {
                case .cached(let p), .assigned(let p): table.setCell(cell, to: p)
                }
            }
            #expect(table.inUseCount == cells)
        }
        #expect(fallbacks == 0)
        #expect(table.definedCount == 65_535)
    }
}
