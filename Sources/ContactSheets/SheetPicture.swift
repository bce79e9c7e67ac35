import ImageCodec

/// A contact sheet drawn as one image (`flux-tui sheet`): the title, then the cells as square
/// thumbnails; a table gets its column values above and its row values to the left, wrapping cells
/// a label under each. Pure: the caller decodes the images and encodes the result.
public struct SheetPicture: Sendable {
    /// What fills a cell: a decoded image (scaled here to fit), or a reason drawn in a grey box.
    public enum Thumbnail: Sendable {
        case image(RGBAImage)
        case unavailable(String)
    }

    public static let background = RGBAImage.Pixel(r: 24, g: 24, b: 27)
    public static let text = RGBAImage.Pixel(r: 235, g: 235, b: 235)
    public static let muted = RGBAImage.Pixel(r: 150, g: 150, b: 155)
    public static let placeholder = RGBAImage.Pixel(r: 52, g: 52, b: 58)

    /// The largest side a sheet may have (a 10,000-task batch at 256 px would be ~26,000 px).
    public static let maxSide = 16_384

    public let sheet: ContactSheet
    /// The side of a cell's square, in pixels.
    public let cell: Int
    public let columns: Int
    public let rows: Int
    /// Font pixels per bitmap-font pixel: 2 for cells of 160 px and more.
    public let scale: Int
    public let margin: Int
    public let gap: Int
    /// Width of the row headers (tables), 0 otherwise.
    public let rowHeaderWidth: Int
    public let titleHeight: Int
    /// Height of the column header line (tables) above the cells, 0 otherwise.
    public let columnHeaderHeight: Int
    /// Height of the label line under each cell (wrapping), 0 otherwise.
    public let labelHeight: Int

    public struct TooLarge: Error, Sendable, Equatable, CustomStringConvertible {
        public let width: Int
        public let height: Int
        public var description: String {
            "the sheet would be \(width)x\(height) pixels (at most \(SheetPicture.maxSide) a side): use a smaller --cell"
        }
    }

    /// Lays the sheet out with cells of `cell` pixels: a table with its own columns, wrapping cells
    /// in a near-square grid.
    public init(_ sheet: ContactSheet, cell: Int) {
        self.sheet = sheet
        self.cell = max(16, cell)
        let n = sheet.cells.count
        columns = sheet.isTable ? sheet.columns(fitting: n) : max(1, min(n, Int(Double(n).squareRoot().rounded(.up))))
        rows = sheet.rows(columns: columns)
        let scale = self.cell >= 160 ? 2 : 1
        let gap = 4 * scale
        self.scale = scale
        self.gap = gap
        margin = 4 * scale + 4
        let line = BitmapFont.lineHeight * scale
        titleHeight = line + gap
        if case .table(_, let rowValues, _, _) = sheet.arrangement {
            let widest = rowValues.map { BitmapFont.width(of: $0, scale: scale) }.max() ?? 0
            rowHeaderWidth = min(widest, max(16, cell)) + gap
            columnHeaderHeight = line
            labelHeight = 0
        } else {
            rowHeaderWidth = 0
            columnHeaderHeight = 0
            labelHeight = line
        }
    }

    public var width: Int { 2 * margin + rowHeaderWidth + columns * cell + max(0, columns - 1) * gap }
    public var height: Int {
        2 * margin + titleHeight + columnHeaderHeight + rows * (cell + labelHeight) + max(0, rows - 1) * gap
    }

    /// The top-left corner of cell `index`'s square.
    public func origin(ofCell index: Int) -> (x: Int, y: Int) {
        let (row, column) = (index / columns, index % columns)
        return (margin + rowHeaderWidth + column * (cell + gap),
                margin + titleHeight + columnHeaderHeight + row * (cell + labelHeight + gap))
    }

    /// Draws the sheet; `thumbnail` is asked once for each cell that has an image.
    public func render(thumbnail: (Int) -> Thumbnail) throws(TooLarge) -> RGBAImage {
        guard width <= Self.maxSide, height <= Self.maxSide else { throw TooLarge(width: width, height: height) }
        var image = RGBAImage(width: width, height: height, fill: Self.background)
        let line = BitmapFont.lineHeight * scale
        let title = BitmapFont.fit(sheet.title, maxWidth: width - 2 * margin, scale: scale)
        BitmapFont.draw(title, into: &image, x: margin, y: margin, scale: scale, color: Self.text)
        if case .table(let rowField, let rowValues, let columnField, let columnValues) = sheet.arrangement {
            // The corner names the two fields: "seed \ guidance" (rows \ columns).
            let corner = BitmapFont.fit("\(rowField) \\ \(columnField)", maxWidth: max(0, width - 2 * margin), scale: scale)
            let titleWidth = BitmapFont.width(of: title, scale: scale)
            if titleWidth + 3 * gap + BitmapFont.width(of: corner, scale: scale) <= width - 2 * margin {
                BitmapFont.draw(corner, into: &image, x: width - margin - BitmapFont.width(of: corner, scale: scale), y: margin,
                                scale: scale, color: Self.muted)
            }
            for (c, value) in columnValues.enumerated() {
                let (x, y) = origin(ofCell: c)
                centered(value, into: &image, x: x, y: y - line, width: cell, color: Self.text)
            }
            for (r, value) in rowValues.enumerated() {
                let (_, y) = origin(ofCell: r * columns)
                let text = BitmapFont.fit(value, maxWidth: rowHeaderWidth - gap, scale: scale)
                BitmapFont.draw(text, into: &image, x: margin, y: y + (cell - BitmapFont.glyphHeight * scale) / 2, scale: scale,
                                color: Self.text)
            }
        }
        for (i, cellInfo) in sheet.cells.enumerated() {
            let (x, y) = origin(ofCell: i)
            var content: Thumbnail = .unavailable(cellInfo.placeholder ?? "no image")
            if cellInfo.image != nil { content = thumbnail(i) }
            switch content {
            case .image(let picture): paste(picture, into: &image, x: x, y: y)
            case .unavailable(let why):
                fillRect(&image, x: x, y: y, width: cell, height: cell, color: Self.placeholder)
                centered(why, into: &image, x: x, y: y + (cell - BitmapFont.glyphHeight * scale) / 2, width: cell, color: Self.muted)
            }
            if labelHeight > 0 {
                centered(cellInfo.label, into: &image, x: x, y: y + cell + (labelHeight - BitmapFont.glyphHeight * scale) / 2,
                         width: cell, color: Self.text)
            }
        }
        return image
    }

    /// Scales `picture` to fit the cell (keeping its shape) and centres it there.
    func paste(_ picture: RGBAImage, into image: inout RGBAImage, x: Int, y: Int) {
        guard picture.width > 0, picture.height > 0 else { return }
        let ratio = min(Double(cell) / Double(picture.width), Double(cell) / Double(picture.height))
        let w = max(1, Int((Double(picture.width) * ratio).rounded()))
        let h = max(1, Int((Double(picture.height) * ratio).rounded()))
        let scaled = ImageScaler.scale(picture, toWidth: w, height: h)
        let (left, top) = (x + (cell - w) / 2, y + (cell - h) / 2)
        for py in 0..<h {
            for px in 0..<w {
                var pixel = scaled[px, py]
                if pixel.a < 255 { pixel = blend(pixel, over: Self.background) }
                image[left + px, top + py] = pixel
            }
        }
    }

    func blend(_ p: RGBAImage.Pixel, over b: RGBAImage.Pixel) -> RGBAImage.Pixel {
        let a = Int(p.a)
        func mix(_ f: UInt8, _ g: UInt8) -> UInt8 { UInt8((Int(f) * a + Int(g) * (255 - a)) / 255) }
        return RGBAImage.Pixel(r: mix(p.r, b.r), g: mix(p.g, b.g), b: mix(p.b, b.b))
    }

    func centered(_ text: String, into image: inout RGBAImage, x: Int, y: Int, width: Int, color: RGBAImage.Pixel) {
        let fitted = BitmapFont.fit(text, maxWidth: width, scale: scale)
        let w = BitmapFont.width(of: fitted, scale: scale)
        BitmapFont.draw(fitted, into: &image, x: x + (width - w) / 2, y: y, scale: scale, color: color)
    }

    func fillRect(_ image: inout RGBAImage, x: Int, y: Int, width: Int, height: Int, color: RGBAImage.Pixel) {
        for py in y..<(y + height) {
            for px in x..<(x + width) { image[px, py] = color }
        }
    }
}
