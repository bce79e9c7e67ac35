import TerminalKit

/// Every key binding, per screen. Handling and the help overlay read the same lists, so the help
/// can never disagree with what the keys do.
public enum Keymap {
    public static let global: [KeyBinding] = [
        KeyBinding(keys: [.char("?"), .function(1)], description: "Show the keys for this screen", group: "Global"),
        KeyBinding(keys: [.char("1")], description: "Endpoints", group: "Global"),
        KeyBinding(keys: [.char("2")], description: "Tasks", group: "Global"),
        KeyBinding(keys: [.char("3")], description: "Fine-tunes", group: "Global"),
        KeyBinding(keys: [.char(":")], description: "Command palette", group: "Global"),
        KeyBinding(keys: [.char("q"), .ctrl("c")], description: "Quit (asks while tasks are being submitted)", group: "Global"),
    ]

    public static let picker: [KeyBinding] = [
        KeyBinding(keys: [.up, .down, .char("k"), .char("j")], label: "↑/↓ j/k", description: "Move", group: "Endpoints"),
        KeyBinding(keys: [.enter], description: "Open the endpoint's form", group: "Endpoints"),
        KeyBinding(keys: [.char("/")], description: "Filter endpoints", group: "Endpoints"),
        KeyBinding(keys: [.escape], description: "Clear the filter", group: "Endpoints"),
    ]

    public static let form: [KeyBinding] = [
        KeyBinding(keys: [.tab, .backTab], label: "Tab/Shift-Tab", description: "Next / previous field", group: "Form"),
        KeyBinding(keys: [.tab], label: "Tab (in a path)", description: "Complete a file path", group: "Form"),
        KeyBinding(keys: [.ctrl("s")], description: "Submit (blocked while errors stand)", group: "Form"),
        KeyBinding(keys: [.ctrl("p")], description: "Preview the exact JSON body", group: "Form"),
        KeyBinding(keys: [.ctrl("r")], description: "Seed: random (clear it)", group: "Form"),
        KeyBinding(keys: [.ctrl("l")], description: "Seed: reuse the last seed", group: "Form"),
        KeyBinding(keys: [.left, .right], label: "←/→ Space", description: "Change a choice", group: "Form"),
        KeyBinding(keys: [.enter], label: "Enter (on a choice)", description: "Pick from the list of choices", group: "Form"),
        KeyBinding(keys: [.function(1)], description: "Keys (? types a question mark in text fields)", group: "Form"),
        KeyBinding(keys: [.escape], description: "Back to the endpoints", group: "Form"),
    ]

    public static let tasks: [KeyBinding] = [
        KeyBinding(keys: [.up, .down, .char("k"), .char("j")], label: "↑/↓ j/k", description: "Move", group: "Tasks"),
        KeyBinding(keys: [.pageUp, .pageDown, .home, .end], label: "PgUp/PgDn Home/End", description: "Jump", group: "Tasks"),
        KeyBinding(keys: [.enter], description: "Show / hide the detail pane", group: "Tasks"),
        KeyBinding(keys: [.char("/")], description: "Filter by prompt, endpoint, status or id", group: "Tasks"),
        KeyBinding(keys: [.char("r")], description: "Rerun with the same seed", group: "Tasks"),
        KeyBinding(keys: [.char("R")], description: "Rerun with a new seed", group: "Tasks"),
        KeyBinding(keys: [.char("e")], description: "Edit and resubmit (opens the form prefilled)", group: "Tasks"),
        KeyBinding(keys: [.char("y")], description: "Copy seed, path or id", group: "Tasks"),
        KeyBinding(keys: [.char("f")], description: "Open the output folder", group: "Tasks"),
        KeyBinding(keys: [.char("p")], description: "Preview the output full screen (any key closes)", group: "Tasks"),
        KeyBinding(keys: [.char("o")], description: "Open the output with the desktop's viewer", group: "Tasks"),
        KeyBinding(keys: [.char("d")], description: "Retry a failed download", group: "Tasks"),
        KeyBinding(keys: [.char("x"), .delete], label: "x/Delete", description: "Remove from the list (files stay)", group: "Tasks"),
        KeyBinding(keys: [.char("c")], description: "Cancel a queued task or an upload in progress", group: "Tasks"),
        KeyBinding(keys: [.escape], description: "Clear the filter / close the detail", group: "Tasks"),
    ]

    public static let finetunes: [KeyBinding] = [
        KeyBinding(keys: [.up, .down, .char("k"), .char("j")], label: "↑/↓ j/k", description: "Move", group: "Fine-tunes"),
        KeyBinding(keys: [.enter, .char("u")], label: "Enter/u", description: "Use this fine-tune (opens a fine-tuned endpoint's form)", group: "Fine-tunes"),
        KeyBinding(keys: [.char("n")], description: "Compose a new fine-tune from a folder", group: "Fine-tunes"),
        KeyBinding(keys: [.char("r")], description: "Refresh from the server", group: "Fine-tunes"),
        KeyBinding(keys: [.char("x"), .delete], label: "x/Delete", description: "Delete (asks first)", group: "Fine-tunes"),
    ]

    public static let composer: [KeyBinding] = [
        KeyBinding(keys: [.enter], label: "Enter (folder)", description: "Scan the folder", group: "Composer"),
        KeyBinding(keys: [.tab, .backTab], label: "Tab/Shift-Tab", description: "Folder → images → settings; in the folder, completes the path", group: "Composer"),
        KeyBinding(keys: [.enter, .char("c")], label: "Enter/c (image)", description: "Edit the image's caption", group: "Composer"),
        KeyBinding(keys: [.ctrl("s")], label: "Ctrl-S", description: "Save a caption / submit the fine-tune", group: "Composer"),
        KeyBinding(keys: [.escape], description: "Back to the fine-tunes", group: "Composer"),
    ]

    /// In forms and the composer printable keys are typed, so only Ctrl-C quits.
    static let quitOnly = KeyBinding(keys: [.ctrl("c")], description: "Quit (asks while tasks are being submitted)", group: "Global")

    public static func bindings(for screen: Screen) -> [KeyBinding] {
        switch screen {
        case .finetunes: return finetunes + global
        case .composer: return composer + [quitOnly]
        case .picker: return picker + global
        case .form: return form + [quitOnly]
        case .tasks: return tasks + global
        }
    }
}
