import FluxAPI
import TaskStore
import TerminalKit

/// The fine-tunes screen's keys.
enum FinetunesActions {
    static let group = "Fine-tunes"

    static func onSelected(_ state: AppState) -> String? { state.finetunes.selected == nil ? "no fine-tune selected" : nil }

    static let all: [Action] = NavigationActions.list(group, cursor: \.finetunes.cursor) + [
        Action("use", keys: [.enter, .char("u")], keyLabel: "Enter/u", title: "Use this fine-tune (opens a fine-tuned endpoint's form)",
               group: group, hint: "use", disabledReason: onSelected) { state in
            guard let entry = state.finetunes.selected else { return [] }
            let endpoints = EndpointRegistry.all.filter(\.usesFinetune)
            state.overlay = .useFinetune(finetuneID: entry.id, list: SelectableList(
                items: endpoints.map { ListItem(id: $0.id, title: $0.id, detail: $0.title) }, title: "Use \(entry.id.prefix(12)) with",
                filterable: false))
            return []
        },
        Action("compose", keys: [.char("n")], title: "Compose a new fine-tune from a folder", group: group, hint: "new") { state in
            state.screen = .composer
            return []
        },
        Action("refresh", keys: [.char("r")], title: "Refresh from the server", group: group, hint: "refresh",
               disabledReason: { $0.finetunes.refreshing ? "already refreshing" : nil }) { state in
            state.finetunes.refreshing = true
            return [.refreshFinetunes]
        },
        Action("delete", keys: [.char("x"), .delete], keyLabel: "x/Delete", title: "Delete on the server (asks first)", group: group,
               hint: "delete", disabledReason: onSelected) { state in
            guard let entry = state.finetunes.selected else { return [] }
            state.overlay = .confirmDelete(finetuneID: entry.id, dialog: ModalDialog(
                title: "Delete fine-tune?", message: "\(entry.comment ?? entry.id) (\(entry.id)) will be deleted on the server. This cannot be undone.",
                buttons: ["Keep", "Delete"], kind: .warning))
            return []
        },
        Action("back", keys: [.escape], title: "Back to the endpoints", group: group) { state in
            state.screen = .picker
            return []
        },
    ]
}

/// The fine-tune composer's keys.
enum ComposerActions {
    static let group = "Composer"

    static func focus(_ focus: ComposerState.Focus) -> @Sendable (AppState) -> Bool {
        { $0.composer.caption == nil && $0.composer.focus == focus }
    }

    static let editingCaption: @Sendable (AppState) -> Bool = { $0.composer.caption != nil }
    static let notEditing: @Sendable (AppState) -> Bool = { $0.composer.caption == nil }

    static let all: [Action] = [
        Action("save-caption", keys: [.ctrl("s")], title: "Save the caption (to the image's .txt, UTF-8)", group: group,
               hint: "save", when: editingCaption) { state in
            guard let editing = state.composer.caption else { return [] }
            state.composer.caption = nil
            guard state.composer.dataset != nil else { return [] }
            return [.saveCaption(folder: state.composer.folderPath, image: editing.name, text: editing.editor.text)]
        },
        Action("cancel-caption", keys: [.escape], title: "Close the caption without saving", group: group, hint: "cancel",
               when: editingCaption) { state in
            state.composer.caption = nil
            return []
        },
        Action("scan", keys: [.enter], keyLabel: "Enter (folder)", title: "Scan the folder", group: group, hint: "scan",
               when: focus(.path),
               disabledReason: { $0.composer.folderPath.isEmpty ? "type the path of a folder of images" : nil }) { state in
            [.scanFolder(state.composer.folderPath)]
        },
        Action("complete-folder", keys: [.tab], keyLabel: "Tab (folder)", title: "Complete the folder path", group: group,
               inPalette: false, when: { focus(.path)($0) && !$0.composer.path.text.isEmpty }) { state in
            [.completePath(.composerFolder, state.composer.path.text)]
        },
    ] + NavigationActions.list(group, cursor: \.composer.images, when: focus(.images)) + [
        Action("edit-caption", keys: [.enter, .char("c")], keyLabel: "Enter/c (image)", title: "Edit the selected image's caption",
               group: group, hint: "caption", when: focus(.images),
               disabledReason: { $0.composer.selectedImage == nil ? "no image selected" : nil }) { state in
            state.composer.editCaption()
            return []
        },
    ] + FormActions.fieldActions(group).filter { ["complete-path", "choose"].contains($0.id) } + [
        Action("next-pane", keys: [.tab], keyLabel: "Tab/Shift-Tab", title: "Folder → images → settings", group: group,
               inPalette: false, when: notEditing) { state in
            if state.composer.focus == .fields, state.composer.form.form.focusIndex < state.composer.form.form.fields.count - 1 {
                state.composer.form.moveFocus(forward: true)
            } else {
                state.composer.moveFocus(forward: true)
            }
            return []
        },
        Action("previous-pane", keys: [.backTab], title: "Back: settings → images → folder", group: group, inPalette: false,
               when: notEditing) { state in
            if state.composer.focus == .fields, state.composer.form.form.focusIndex > 0 {
                state.composer.form.moveFocus(forward: false)
            } else {
                state.composer.moveFocus(forward: false)
            }
            return []
        },
        Action("next-setting", keys: [.down, .enter], keyLabel: "↓/Enter (settings)", title: "Next setting", group: group,
               inPalette: false, when: focus(.fields)) { state in
            // The composer draws no Submit button (Ctrl-S submits): the last setting keeps the focus.
            let form = state.composer.form.form
            if form.focusIndex < form.fields.count - 1 { state.composer.form.moveFocus(forward: true) }
            return []
        },
        Action("previous-setting", keys: [.up], keyLabel: "↑ (settings)", title: "Previous setting", group: group, inPalette: false,
               when: focus(.fields)) { state in
            if state.composer.form.form.focusIndex > 0 { state.composer.form.moveFocus(forward: false) }
            return []
        },
        Action("submit", keys: [.ctrl("s")], title: "Submit the fine-tune", group: group, hint: "submit", when: notEditing) { state in
            switch state.composer.attemptSubmit() {
            case .failure(let blocked):
                state.toast(blocked.message, .warning)
                return []
            case .success(let parameters):
                guard let endpoint = EndpointRegistry.endpoint(named: "finetune") else { return [] }
                let pending = PendingSubmit(effects: [.submit(endpoint, parameters)], screen: .tasks, toast: "Uploading the fine-tune…")
                return SpendGate.submit(&state, pending, estimate: SpendGate.estimate(state, endpoint, parameters), what: "this fine-tune")
            }
        },
        Action("back", keys: [.escape], title: "Back to the fine-tunes", group: group, hint: "back", when: notEditing) { state in
            state.screen = .finetunes
            return []
        },
    ]
}
