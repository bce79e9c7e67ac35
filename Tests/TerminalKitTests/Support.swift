// Helpers shared by the TerminalKit tests: render a widget into a fresh buffer and read it back.

import Foundation
import TerminalKit

/// The default theme resolved for 256 colours (colour assertions).
let colorTheme = Theme.fallback.withColorMode(.c256)
/// The default theme with no colour (attribute assertions: reverse selection, bold accent ...).
let monoTheme = Theme.fallback.withColorMode(.none)

/// Renders a widget into a new buffer of the given size.
func render<W: Widget>(
    _ widget: W, width: Int, height: Int, focused: Bool = true, theme: Theme = monoTheme
) -> ScreenBuffer {
    var buffer = ScreenBuffer(width: width, height: height)
    widget.render(into: &buffer, in: buffer.bounds, theme: theme, focused: focused)
    return buffer
}

/// The repository's `themes/` folder (tests run from the source tree).
let repositoryThemes: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("themes", isDirectory: true)

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tk-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

extension ScreenBuffer {
    /// Row text with trailing spaces removed.
    func line(_ y: Int) -> String {
        var r = rowText(y)
        while r.last == " " { r.removeLast() }
        return r
    }
}
