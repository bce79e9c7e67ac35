import FluxAPI
import TerminalKit

/// The endpoint picker's keys.
enum PickerActions {
    static let group = "Endpoints"

    static let all: [Action] = NavigationActions.list(group, cursor: \.picker.cursor) + [
        Action("open", keys: [.enter, .right, .char("l")], keyLabel: "Enter/→/l", title: "Open the endpoint's form", group: group,
               hint: "opens the form", disabledReason: { $0.picker.selected == nil ? "no endpoint matches the filter" : nil }) { state in
            guard let endpoint = state.picker.selected else { return [] }
            state.picker.isFiltering = false
            state.openForm(endpoint)
            return []
        },
        Action("filter", keys: [.char("/")], title: "Filter endpoints", group: group, hint: "filter",
               when: { !$0.picker.isFiltering }) { state in
            state.picker.isFiltering = true
            return []
        },
        Action("clear-filter", keys: [.escape], title: "Clear the filter", group: group,
               when: { $0.picker.isFiltering || !$0.picker.filter.text.isEmpty }) { state in
            state.picker.isFiltering = false
            state.picker.setFilter("")
            return []
        },
    ]
}

extension AppState {
    /// Opens `endpoint`'s form (from the picker, the palette or a fine-tune).
    /// Reopening the endpoint whose form is open keeps what was typed.
    /// `parent`: the task being edited and resubmitted (recorded as the new task's parent).
    mutating func openForm(_ endpoint: Endpoint, prefill: TaskParameters? = nil, parent: String? = nil) {
        picker.select(id: endpoint.id)
        if prefill != nil || form?.endpoint.id != endpoint.id {
            form = FormState(endpoint: endpoint, prefill: prefill ?? TaskParameters())
            form?.parentTaskID = parent
        }
        form?.knownFinetunes = finetunes.ids
        screen = .form
    }
}
