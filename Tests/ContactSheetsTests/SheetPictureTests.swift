@testable import ContactSheets
import FluxAPI
import ImageCodec
import TaskStore
import Testing

@Suite struct SheetPictureTests {
    static let red = RGBAImage.Pixel(r: 220, g: 20, b: 20)

    func count(_ image: RGBAImage, _ color: RGBAImage.Pixel, x: Range<Int>, y: Range<Int>) -> Int {
        var n = 0
        for py in y { for px in x where image[px, py] == color { n += 1 } }
        return n
    }

    @Test func everyGlyphIsFiveBySeven() {
        #expect(BitmapFont.glyphs.count >= 97)
        for (character, source) in BitmapFont.source {
            let rows = source.split(separator: " ")
            #expect(rows.count == 7, "\(character)")
            #expect(rows.allSatisfy { $0.count == 5 && $0.allSatisfy { $0 == "#" || $0 == "." } }, "\(character)")
        }
        for scalar in 32...126 { #expect(BitmapFont.glyphs[Character(Unicode.Scalar(UInt8(scalar)))] != nil) }
    }

    @Test func textIsDrawnWhereAsked() {
        var image = RGBAImage(width: 40, height: 12, fill: .black)
        let width = BitmapFont.draw("Hi", into: &image, x: 2, y: 3, color: .white)
        #expect(width == 11)
        // "H": the left column is drawn all the way down, the middle of the top row is not.
        for y in 3..<10 { #expect(image[2, y] == .white) }
        #expect(image[4, 3] == .black)
        #expect(image[30, 5] == .black)
        #expect(BitmapFont.fit("guidance 3.5", maxWidth: 35) == "guida…")
        #expect(BitmapFont.fit("seed", maxWidth: 35) == "seed")
    }

    @Test func aTableSheetRoundTripsThroughPNG() throws {
        let (batch, tasks) = Batches.grid(seeds: [1, 2], guidance: [2, 3.5, 5])
        var withFailure = tasks
        withFailure[5] = Batches.task(5, phase: .failed, seed: 2, ["guidance": .number(5)], error: "HTTP 500")
        let sheet = ContactSheet(batchID: "b1", batch: batch, tasks: withFailure)
        let picture = SheetPicture(sheet, cell: 64)
        let image = try picture.render { _ in .image(RGBAImage(width: 32, height: 16, fill: Self.red)) }
        let decoded = try PNGCodec.decode(try PNGCodec.encode(image))
        #expect(decoded.width == picture.width && decoded.height == picture.height)
        #expect(decoded == image)
        // Cell 0: the 2:1 red picture fills the cell's width, centred vertically.
        let (x0, y0) = picture.origin(ofCell: 0)
        #expect(decoded[x0 + 32, y0 + 32] == Self.red)
        #expect(decoded[x0 + 32, y0 + 2] == SheetPicture.background)
        // Cell 5 failed: a grey box that says so, no red.
        let (x5, y5) = picture.origin(ofCell: 5)
        #expect(decoded[x5 + 1, y5 + 1] == SheetPicture.placeholder)
        #expect(count(decoded, SheetPicture.muted, x: x5..<(x5 + 64), y: y5..<(y5 + 64)) > 10)
        #expect(count(decoded, Self.red, x: x5..<(x5 + 64), y: y5..<(y5 + 64)) == 0)
        // Column headers above the first row, row headers left of the cells.
        #expect(count(decoded, SheetPicture.text, x: x0..<(x0 + 64), y: (y0 - BitmapFont.lineHeight)..<y0) > 5)
        #expect(count(decoded, SheetPicture.text, x: 0..<x0, y: y0..<(y0 + 64)) > 5)
        #expect(picture.labelHeight == 0)
    }

    @Test func wrappingCellsHaveTheirLabelUnderneath() throws {
        let tasks = (0..<5).map { Batches.task($0, seed: 10 + $0) }
        let batch = BatchEntry(id: "b1", endpoint: "flux-dev", title: "flux-dev: 5 seed", variedFields: ["seed"], taskCount: 5)
        let picture = SheetPicture(ContactSheet(batchID: "b1", batch: batch, tasks: tasks), cell: 200)
        #expect(picture.columns == 3 && picture.rows == 2)
        #expect(picture.scale == 2)
        let image = try picture.render { i in i == 1 ? .unavailable("unreadable") : .image(RGBAImage(width: 8, height: 8, fill: Self.red)) }
        let (x, y) = picture.origin(ofCell: 4)
        let labelRows = (y + 200)..<(y + 200 + picture.labelHeight)
        #expect(count(image, SheetPicture.text, x: x..<(x + 200), y: labelRows) > 20)
        // The square picture fills the whole cell.
        #expect(image[x, y] == Self.red && image[x + 199, y + 199] == Self.red)
        let (x1, y1) = picture.origin(ofCell: 1)
        #expect(image[x1 + 1, y1 + 1] == SheetPicture.placeholder)
    }

    @Test func aHugeSheetIsRefusedWithItsSize() {
        let tasks = (0..<400).map { Batches.task($0, seed: $0) }
        let batch = BatchEntry(id: "b1", endpoint: "flux-dev", title: "t", variedFields: ["seed"], taskCount: 400)
        let picture = SheetPicture(ContactSheet(batchID: "b1", batch: batch, tasks: tasks), cell: 1024)
        #expect(throws: SheetPicture.TooLarge.self) { try picture.render { _ in .unavailable("x") } }
        #expect(SheetPicture.TooLarge(width: 20000, height: 20000).description.contains("use a smaller --cell"))
    }
}
