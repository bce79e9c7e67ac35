import FluxAPI
import TerminalKit

/// A submit waiting for the budget's confirmation: the effects to run and where the app goes then.
public struct PendingSubmit: Sendable, Equatable {
    public var effects: [AppEffect]
    /// The screen to show once submitted (the task list after a form; nil: stay).
    public var screen: Screen?
    /// The toast that says it went ("Submitting flux-dev…").
    public var toast: String

    public init(effects: [AppEffect], screen: Screen? = nil, toast: String) {
        self.effects = effects
        self.screen = screen
        self.toast = toast
    }
}

/// The app's side of `BudgetGuard`: every submit (a form, a rerun, a fine-tune, a batch) goes
/// through `submit`, which runs it, asks first (a dialog, above `confirm_above`) or refuses it
/// (over the day's budget, with the figures) without changing anything else.
enum SpendGate {
    static func submit(_ state: inout AppState, _ pending: PendingSubmit, estimate: Double?, what: String = "this task") -> [AppEffect] {
        switch decision(state, estimate: estimate, what: what) {
        case .allow:
            return run(&state, pending)
        case .ask(let question):
            state.overlay = .confirmSpend(ModalDialog(title: "Submit?", message: sentence(question), buttons: ["Cancel", "Submit"],
                                                      kind: .warning), pending)
            return []
        case .refuse(let refusal):
            let message = "Not submitted: \(refusal)"
            state.lastError = message
            state.toast(message, .error)
            return []
        }
    }

    /// The budget's word on a submit estimated at `estimate` credits, tasks still queued counted.
    static func decision(_ state: AppState, estimate: Double?, what: String = "this task") -> BudgetDecision {
        state.spending.check(estimate: estimate, queued: queued(state), now: state.now, what: what)
    }

    /// The question as a dialog says it: "This task is estimated at 24 credits, above confirm_above (10 credits)."
    static func sentence(_ question: BudgetQuestion) -> String {
        let text = question.description
        return text.prefix(1).uppercased() + String(text.dropFirst()) + "."
    }

    /// Submits what was held back (after the budget allowed it, or the user confirmed it).
    static func run(_ state: inout AppState, _ pending: PendingSubmit) -> [AppEffect] {
        if let screen = pending.screen { state.screen = screen }
        state.toast(pending.toast, .info)
        return pending.effects
    }

    /// What the tasks still waiting for their charge (queued, being submitted) will cost: they
    /// count against the budget already, or queueing fifty tasks would pass fifty checks. Only
    /// with a budget set (it walks the list).
    static func queued(_ state: AppState) -> Double {
        guard state.spending.limits.dailyBudget != nil else { return 0 }
        var total = 0.0
        for task in state.tasks.all where task.phase.isActive && task.cost == nil {
            guard let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else { continue }
            total += state.costEstimator.estimate(endpoint, task.parameters)?.credits ?? 0
        }
        return total
    }

    /// The estimate of one task, in credits (nil when nothing can be said, e.g. an unknown endpoint).
    static func estimate(_ state: AppState, _ endpoint: Endpoint, _ parameters: TaskParameters,
                         images: [String: ImageInfo] = [:]) -> Double? {
        state.costEstimator.estimate(endpoint, parameters, images: images)?.credits
    }
}
