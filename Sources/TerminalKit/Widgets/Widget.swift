// The widget pattern used throughout TerminalKit.
//
// Why Elm-style value types: a widget is plain state. The app keeps widgets inside its own
// `State`, forwards keys with `handle(_:)` (a mutating function that returns what happened, never
// performs side effects) and draws them with `render(into:in:theme:focused:)` (a pure function of
// the widget's state). Tests therefore need no terminal: build a widget, send keys, render into a
// `ScreenBuffer`, assert on text and attributes.
//
// Conventions every widget follows:
// - `render` draws only inside the rectangle it is given, clips everything, and works for any
//   size including 0x0.
// - `handle` returns an outcome enum whose `.ignored` case means "not mine": the parent should
//   handle the key (e.g. Tab to move focus, Esc to go back).
// - Focus is not stored in the widget; the parent passes `focused:` when rendering.

/// Something that can draw itself into a region of a screen buffer.
public protocol Widget {
    func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme, focused: Bool)
}

/// A widget that reacts to keys.
public protocol InteractiveWidget: Widget {
    associatedtype Outcome: Equatable
    mutating func handle(_ key: KeyEvent) -> Outcome
}

extension Widget {
    /// Renders the widget unfocused.
    public func render(into buffer: inout ScreenBuffer, in area: Rect, theme: Theme) {
        render(into: &buffer, in: area, theme: theme, focused: false)
    }
}

extension Theme {
    /// The foreground and attributes of `role` over the background of `base`: for text of one role
    /// drawn on a surface of another (a placeholder inside an input field, a key inside the
    /// status bar).
    public func style(_ role: ThemeRole, on base: ThemeRole) -> Style {
        let top = style(role)
        let bottom = style(base)
        var attrs = top.attributes
        // Keep surface attributes that make the surface recognisable without colour.
        attrs.formUnion(bottom.attributes.intersection([.reverse, .underline]))
        return Style(foreground: top.foreground, background: bottom.background, attributes: attrs)
    }
}
