import Foundation
import ImageCodec
import TerminalKit

// An image as half-block cells: "▀" with the foreground as the top pixel and the background as
// the bottom pixel, so one cell shows two pixels and, as cells are about twice as tall as wide,
// the pixels come out roughly square.
//
// Why everything here is pure: decoding and scaling are the slow part, so the app does them off
// its loop (`PreviewLoader.load`) and keeps the result; drawing (`PreviewImage.draw`) only copies
// colours into cells and costs nothing per frame.

/// The upper half block: its foreground paints the top half of a cell, the background the bottom.
public let halfBlock: Character = "▀"

/// A decoded, scaled and colour-mapped image, `width` x `height` cells.
public struct PreviewImage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    /// Row-major, one per cell: top pixel colour, bottom pixel colour.
    public let top: [TerminalColor]
    public let bottom: [TerminalColor]
    /// The source image's size in pixels.
    public let sourceWidth: Int
    public let sourceHeight: Int

    public init(width: Int, height: Int, top: [TerminalColor], bottom: [TerminalColor], sourceWidth: Int, sourceHeight: Int) {
        precondition(top.count == width * height && bottom.count == width * height, "preview colour count mismatch")
        self.width = width
        self.height = height
        self.top = top
        self.bottom = bottom
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
    }

    /// The cell at (x, y) of the preview.
    public func cell(x: Int, y: Int) -> Cell {
        let i = y * width + x
        return Cell(halfBlock, width: 1, style: Style(foreground: top[i], background: bottom[i]))
    }

    /// Distinct foreground/background combinations (what a terminal needs colour pairs for).
    public var distinctPairs: Int {
        var seen = Set<Style>()
        for i in top.indices { seen.insert(Style(foreground: top[i], background: bottom[i])) }
        return seen.count
    }

    /// The largest size in cells, within `columns` x `rows`, that keeps the image's aspect ratio
    /// (each cell is one pixel wide and two tall). At least 1x1 when the box is not empty.
    public static func fit(imageWidth: Int, imageHeight: Int, columns: Int, rows: Int) -> (columns: Int, rows: Int) {
        guard columns > 0, rows > 0, imageWidth > 0, imageHeight > 0 else { return (0, 0) }
        let scale = min(Double(columns) / Double(imageWidth), Double(rows * 2) / Double(imageHeight))
        let w = min(columns, max(1, Int((Double(imageWidth) * scale).rounded())))
        let h = min(rows, max(1, Int((Double(imageHeight) * scale / 2).rounded())))
        return (w, h)
    }

    /// Scales `image` (area averaging) to fit `columns` x `rows` cells and maps its colours for
    /// `mode`. Transparent areas are composited over black. Nil in `.none` mode or for an empty box.
    public static func make(from image: RGBAImage, columns: Int, rows: Int, mode: ColorMode) -> PreviewImage? {
        guard mode != .none else { return nil }
        let size = fit(imageWidth: image.width, imageHeight: image.height, columns: columns, rows: rows)
        guard size.columns > 0, size.rows > 0 else { return nil }
        let scaled = ImageScaler.scale(image, toWidth: size.columns, height: size.rows * 2)
        var top: [TerminalColor] = []
        var bottom: [TerminalColor] = []
        top.reserveCapacity(size.columns * size.rows)
        bottom.reserveCapacity(size.columns * size.rows)
        scaled.pixels.withUnsafeBufferPointer { px in
            func color(_ x: Int, _ y: Int) -> TerminalColor {
                let i = (y * scaled.width + x) * 4
                let a = UInt16(px[i + 3])
                // Over black: straight alpha times colour.
                let r = UInt8((UInt16(px[i]) * a + 127) / 255)
                let g = UInt8((UInt16(px[i + 1]) * a + 127) / 255)
                let b = UInt8((UInt16(px[i + 2]) * a + 127) / 255)
                return PreviewPalette.color(r, g, b, x: x, y: y, mode: mode) ?? .default
            }
            for row in 0..<size.rows {
                for x in 0..<size.columns {
                    top.append(color(x, row * 2))
                    bottom.append(color(x, row * 2 + 1))
                }
            }
        }
        return PreviewImage(width: size.columns, height: size.rows, top: top, bottom: bottom,
                            sourceWidth: image.width, sourceHeight: image.height)
    }

    /// Draws the preview centred in `area` (clipped when the area is smaller).
    public func draw(into buffer: inout ScreenBuffer, in area: Rect) {
        let x0 = area.x + max(0, (area.width - width) / 2)
        let y0 = area.y + max(0, (area.height - height) / 2)
        for y in 0..<min(height, area.height) {
            for x in 0..<min(width, area.width) {
                let c = cell(x: x, y: y)
                buffer.put(c.character, x: x0 + x, y: y0 + y, style: c.style, clip: area)
            }
        }
    }
}

/// What loading a preview gave.
public enum PreviewResult: Sendable, Hashable {
    case image(PreviewImage)
    /// No preview, and why ("WebP: no preview", "cannot read …").
    case unavailable(String)
}

/// Reading, decoding, scaling and mapping in one call; meant to run off the UI loop.
public enum PreviewLoader {
    /// Decoding refuses images over this many pixels (FLUX outputs are at most ~4 MP).
    public static let maxPixels = 50_000_000

    /// Builds the preview of encoded image bytes for a `columns` x `rows` cell box.
    public static func load(bytes: [UInt8], columns: Int, rows: Int, mode: ColorMode) -> PreviewResult {
        guard mode != .none else { return .unavailable(noColorNotice) }
        let image: RGBAImage
        do {
            image = try ImageDecoder.decode(bytes, maxPixels: maxPixels)
        } catch .unsupported(let format) {
            return .unavailable("\(format): no preview")
        } catch {
            return .unavailable("no preview: \(error)")
        }
        guard let preview = PreviewImage.make(from: image, columns: columns, rows: rows, mode: mode) else {
            return .unavailable("no preview (no room)")
        }
        return .image(preview)
    }

    /// Builds the preview of an image file.
    public static func load(path: String, columns: Int, rows: Int, mode: ColorMode) -> PreviewResult {
        guard mode != .none else { return .unavailable(noColorNotice) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .unavailable("no preview: cannot read \(URL(fileURLWithPath: path).lastPathComponent)")
        }
        return load(bytes: [UInt8](data), columns: columns, rows: rows, mode: mode)
    }

    /// The file's modification time (part of what makes a cached preview current).
    public static func modificationDate(path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Shown instead of a preview on terminals without colour.
    public static let noColorNotice = "no colour: preview off"
}
