// The default theme compiled in, so the app always has a theme even when no `themes/` folder is
// found (installed binary, tests). A test checks it matches themes/default-dark.toml.

enum BuiltInThemes {
    static let defaultDarkTOML = """
# flux-tui theme: Default Dark (the default).
#
# Colours: "#rrggbb", a palette index 0-255, a basic name (black, red, green, yellow, blue,
# magenta, cyan, white, bright-black ... bright-white), "default" (the terminal's own colour),
# or a name defined under [palette].
# Per role: fg, bg (256/true colour), fg8, bg8 (8-colour fallback: basic names or "default"),
# attributes, attributes8 (extra in 8-colour mode), mono (attributes when there is no colour).
# Attributes: bold, underline, reverse, dim, italic.
# Roles left out inherit their colours (e.g. status_text from status_bar, most roles from text).

name = "Default Dark"
description = "Soft light text on a near-black background, blue accents."

[palette]
base = "#1c1c1c"
surface = "#262626"
raised = "#303030"
overlay = "#3a3a3a"
fg = "#d0d0d0"
bright = "#ffffff"
dim = "#808080"
blue = "#5fafff"
deep-blue = "#005f87"

[roles.background]
fg = "fg"
bg = "base"
fg8 = "white"
bg8 = "black"

[roles.muted]
fg = "dim"
fg8 = "white"

[roles.accent]
fg = "blue"
fg8 = "cyan"
attributes = ["bold"]

[roles.title]
fg = "bright"
fg8 = "white"
attributes = ["bold"]

[roles.border]
fg = "#4e4e4e"
fg8 = "white"

[roles.border_focused]
fg = "blue"
fg8 = "cyan"

[roles.selection]
fg = "bright"
bg = "deep-blue"
fg8 = "white"
bg8 = "blue"

[roles.selection_inactive]
fg = "fg"
bg = "overlay"
fg8 = "black"
bg8 = "white"

[roles.header]
fg = "#afafaf"
fg8 = "white"
attributes = ["bold"]

[roles.input]
fg = "#e4e4e4"
bg = "raised"
fg8 = "white"
bg8 = "black"
attributes8 = ["underline"]

[roles.input_focused]
fg = "bright"
bg = "overlay"
fg8 = "white"
bg8 = "blue"

[roles.placeholder]
fg = "#6c6c6c"
fg8 = "white"

[roles.hint]
fg = "#8a8a8a"
fg8 = "white"
attributes = ["italic"]

[roles.key]
fg = "#ffaf5f"
fg8 = "yellow"
attributes = ["bold"]

[roles.success]
fg = "#5faf5f"
fg8 = "green"

[roles.warning]
fg = "#ffaf00"
fg8 = "yellow"

[roles.error]
fg = "#ff5f5f"
fg8 = "red"
attributes = ["bold"]

[roles.info]
fg = "blue"
fg8 = "cyan"

[roles.status_bar]
fg = "fg"
bg = "raised"
fg8 = "black"
bg8 = "white"

[roles.status_accent]
fg = "blue"
fg8 = "blue"
attributes = ["bold"]

[roles.dialog]
fg = "#e4e4e4"
bg = "surface"
fg8 = "white"
bg8 = "black"

[roles.button]
fg = "fg"
bg = "overlay"
fg8 = "black"
bg8 = "white"

[roles.button_focused]
fg = "bright"
bg = "deep-blue"
fg8 = "white"
bg8 = "blue"
attributes = ["bold"]

[roles.progress]
fg = "blue"
fg8 = "cyan"
attributes = []

[roles.progress_track]
fg = "#444444"
fg8 = "white"
"""
}
