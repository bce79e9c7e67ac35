import FluxAPI
import Foundation
import TaskStore
import TerminalKit
@testable import FluxApp

/// Headless driving of the interactive app: state in, keys through `AppUpdate.update`, effects
/// collected, the state drawn with `AppView.render` and read back as text. No terminal, no clock:
/// every date comes from `AppHarness.epoch`.
enum AppHarness {
    /// 2026-01-01T00:00:00Z, the "now" of every test.
    static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    static func state(width: Int = 120, height: Int = 40, simulator: Bool = false,
                      label: String = "api.bfl.ai") -> AppState {
        AppState(server: ServerInfo(label: label, isSimulator: simulator), size: Size(width: width, height: height), now: epoch)
    }

    /// Feeds keys one by one and returns every effect they asked for, in order.
    @discardableResult
    static func send(_ state: inout AppState, _ keys: [KeyEvent]) -> [AppEffect] {
        var effects: [AppEffect] = []
        for key in keys { effects += send(&state, key) }
        return effects
    }

    /// One key through `AppUpdate.step`, as the runner does. File checks and path completions are
    /// answered at once, as the runner would answer them off the loop; previews are left out.
    /// Returns the other effects.
    @discardableResult
    static func send(_ state: inout AppState, _ key: KeyEvent) -> [AppEffect] {
        // The runner draws after every event, and the frame writes its layout back.
        state.adopt(AppView.frame(state, theme: .fallback).layout)
        return answer(&state, AppUpdate.update(&state, .key(key)) + AppUpdate.fileEffects(&state))
    }

    static func answer(_ state: inout AppState, _ effects: [AppEffect]) -> [AppEffect] {
        var rest: [AppEffect] = []
        for effect in effects {
            switch effect {
            case .inspectFile(let check):
                rest += answer(&state, AppUpdate.update(&state, .fileInspected(check, FileInspector.inspect(check)))
                               + AppUpdate.fileEffects(&state))
            case .readSweepFile(let endpoint, let spec):
                rest += answer(&state, AppUpdate.update(&state, .sweepFileRead(spec, SweepAxis.parse(spec.assignment, for: endpoint)))
                               + AppUpdate.fileEffects(&state))
            case .completePath(let target, let text):
                rest += answer(&state, AppUpdate.update(&state, .pathCompleted(target, typed: text, PathCompletion.complete(text)))
                               + AppUpdate.fileEffects(&state))
            default:
                rest.append(effect)
            }
        }
        return rest
    }

    static func endpoint(_ id: String) -> Endpoint { EndpointRegistry.endpoint(named: id)! }

    /// One `.char` per character.
    static func keys(_ text: String) -> [KeyEvent] { text.map { KeyEvent.char($0) } }

    @discardableResult
    static func type(_ text: String, _ state: inout AppState) -> [AppEffect] { send(&state, keys(text)) }

    static func buffer(_ state: AppState) -> ScreenBuffer { AppView.render(state, theme: .fallback) }

    static func rows(_ state: AppState) -> [String] { rows(buffer(state)) }

    static func rows(_ buffer: ScreenBuffer) -> [String] { (0..<buffer.height).map { buffer.rowText($0) } }

    /// The whole screen as text, rows joined with newlines.
    static func screen(_ state: AppState) -> String { rows(state).joined(separator: "\n") }

    /// The rows (indices) that contain `needle`.
    static func rowIndices(of needle: String, in state: AppState) -> [Int] {
        rows(state).enumerated().filter { $0.element.contains(needle) }.map(\.offset)
    }

    // MARK: forms

    /// The state with the form of `endpoint` open (as Enter in the picker does).
    static func formState(_ endpoint: String, width: Int = 120, height: Int = 40,
                          prefill: TaskParameters = TaskParameters()) -> AppState {
        var state = state(width: width, height: height)
        let spec = EndpointRegistry.endpoint(named: endpoint)!
        state.picker.select(id: spec.id)
        state.form = FormState(endpoint: spec, prefill: prefill)
        state.screen = .form
        return state
    }

    static func focus(_ field: String, _ state: inout AppState) {
        state.form?.form.focus(field)
        state.form?.submitFocused = false
    }

    /// Focuses a field and types into it (replacing nothing: fields start empty).
    @discardableResult
    static func fill(_ field: String, _ text: String, _ state: inout AppState) -> [AppEffect] {
        focus(field, &state)
        return type(text, &state)
    }

    /// The typed parameters the form would submit.
    static func parameters(_ state: AppState) -> TaskParameters { state.form?.parameters().0 ?? TaskParameters() }

    static func fieldText(_ field: String, _ state: AppState) -> String? {
        guard case .text(let text)? = state.form?.form.value(of: field) else { return nil }
        return text
    }

    // MARK: tasks

    static func task(_ id: String, endpoint: String = "flux-dev", prompt: String, phase: TaskPhase,
                     createdSecondsAgo: Double, runSeconds: Double = 30, seed: Int? = nil, statusText: String? = nil,
                     progress: Double? = nil, error: String? = nil, outputs: [String] = [], remoteID: String? = nil,
                     parameters extra: [String: FieldValue] = [:]) -> TaskEntry {
        let created = epoch.addingTimeInterval(-createdSecondsAgo)
        let submitted = phase == .queued ? nil : created.addingTimeInterval(1)
        let finished = phase.isFinal ? submitted.map { $0.addingTimeInterval(runSeconds) } : nil
        var parameters = TaskParameters(["prompt": .text(prompt), "width": .integer(512), "height": .integer(512)])
        for (name, value) in extra { parameters[name] = value }
        return TaskEntry(id: id, remoteID: remoteID ?? (phase == .queued || phase == .submitting ? nil : "remote-\(id)"),
                         endpoint: endpoint, parameters: parameters, phase: phase, statusText: statusText,
                         progress: progress, seed: seed, createdAt: created, submittedAt: submitted,
                         finishedAt: finished, updatedAt: finished ?? submitted ?? created, error: error, outputs: outputs)
    }

    /// Five tasks in every interesting state, deliberately not in date order.
    static var sampleTasks: [TaskEntry] {
        [
            task("t-done", prompt: "a red fox in fresh snow", phase: .done, createdSecondsAgo: 1800, runSeconds: 65,
                 seed: 1111, statusText: "Ready", outputs: ["/tmp/flux-out/2026-01-01/red-fox.png"]),
            task("t-progress", prompt: "a lighthouse in a storm", phase: .running, createdSecondsAgo: 61, seed: nil,
                 statusText: "Pending", progress: 0.45),
            task("t-failed", prompt: "a broken teapot", phase: .failed, createdSecondsAgo: 1200, runSeconds: 5,
                 seed: 2222, statusText: "Error", error: "the server reported an error: teapot exploded"),
            task("t-pending", prompt: "a quiet lake at dawn", phase: .running, createdSecondsAgo: 3701, seed: 3333,
                 statusText: "Pending"),
            task("t-download", prompt: "a castle made of glass", phase: .failed, createdSecondsAgo: 2400,
                 seed: 4444, statusText: "Ready", error: "download failed: the connection was cut after 10 KB"),
        ]
    }

    /// The tasks screen with `sampleTasks` loaded.
    static func tasksState(width: Int = 120, height: Int = 40, tasks: [TaskEntry] = sampleTasks) -> AppState {
        var state = state(width: width, height: height)
        _ = AppUpdate.update(&state, .tasksLoaded(tasks))
        state.screen = .tasks
        return state
    }

    /// The message of the toast currently shown, if any.
    static func toast(_ state: AppState) -> String? { state.toasts.current(at: state.instant)?.message }
}

extension FormState {
    /// Answers the form's file checks at once, as the runner does off the loop.
    mutating func checkFiles() {
        for check in takeFileRequests() { receive(FileInspector.inspect(check), for: check.path) }
    }
}
