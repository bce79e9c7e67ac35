import FluxAPI
import Foundation
import TaskStore

/// A batch the user asked for, as `update` hands it to the runner: a form's sweep (the specs as
/// typed, so `@FILE` is read again off the loop) or a list of tasks (a batch rerun). The runner
/// builds and validates every request with `BatchBuilder` before anything is sent.
public struct BatchSubmission: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var endpoint: Endpoint
        public var parameters: TaskParameters

        public init(endpoint: Endpoint, parameters: TaskParameters) {
            self.endpoint = endpoint
            self.parameters = parameters
        }
    }

    public enum Source: Sendable, Equatable {
        case sweep(endpoint: Endpoint, base: TaskParameters, specs: [SweepSpec])
        case tasks([Item])
    }

    public var source: Source
    public var title: String
    public var variedFields: [String]
    public var taskCount: Int

    public init(source: Source, title: String, variedFields: [String], taskCount: Int) {
        self.source = source
        self.title = title
        self.variedFields = variedFields
        self.taskCount = taskCount
    }

    /// A form's sweep, planned: "flux-dev: 8 seed x 3 guidance".
    public init(sweep plan: SweepPlan, specs: [SweepSpec]) {
        let sizes = plan.axes.map { "\($0.values.count) \($0.field)" }.joined(separator: " x ")
        self.init(source: .sweep(endpoint: plan.endpoint, base: plan.base, specs: specs), title: "\(plan.endpoint.id): \(sizes)",
                  variedFields: plan.variedFields, taskCount: plan.taskCount)
    }

    /// The whole batch again, in its order, as `r`/`R` rerun one task: the same seeds (`r`,
    /// each task's reported seed), or fresh random ones (`R`, the seed left out). Tasks whose
    /// endpoint this version does not know are left out.
    public init?(rerunning batch: BatchEntry?, title fallback: String, tasks: [TaskEntry], newSeeds: Bool) {
        let items = tasks.compactMap { task -> Item? in
            guard let endpoint = EndpointRegistry.endpoint(named: task.endpoint) else { return nil }
            var parameters = task.parameters
            if newSeeds { parameters["seed"] = nil } else if let seed = task.seed, endpoint.field("seed") != nil {
                parameters["seed"] = .integer(seed)
            }
            return Item(endpoint: endpoint, parameters: parameters)
        }
        guard !items.isEmpty else { return nil }
        let title = (batch?.title ?? fallback) + (newSeeds ? " (rerun, new seeds)" : " (rerun)")
        self.init(source: .tasks(items), title: title, variedFields: batch?.variedFields ?? [], taskCount: items.count)
    }

    /// The endpoint shared by every task, if there is one.
    public var endpoint: Endpoint? {
        switch source {
        case .sweep(let endpoint, _, _): return endpoint
        case .tasks(let items):
            guard let first = items.first?.endpoint, items.allSatisfy({ $0.endpoint.id == first.id }) else { return nil }
            return first
        }
    }
}

/// Why a batch was not submitted; nothing of it was sent.
public struct BatchRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Builds a batch's requests off the loop: reads `@FILE` specs, plans the sweep and prepares
/// (validates, with its files) every task. All or nothing: the first task that cannot be sent
/// refuses the whole batch, named by its place and swept values.
public enum BatchBuilder {
    public static func build(_ submission: BatchSubmission, id: String = UUID().uuidString.lowercased(), now: Date = Date(),
                             directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        -> Result<(BatchEntry, [PreparedRequest]), BatchRefusal> {
        let items: [BatchSubmission.Item]
        switch submission.source {
        case .tasks(let list):
            items = list
        case .sweep(let endpoint, let base, let specs):
            var axes: [SweepAxis] = []
            for spec in specs {
                switch SweepAxis.parse(spec.assignment, for: endpoint, directory: directory) {
                case .success(let axis): axes.append(axis)
                case .failure(let error): return .failure(BatchRefusal(message: "\(spec.field): \(error.reason)"))
                }
            }
            do {
                let plan = try SweepPlan(endpoint: endpoint, base: base, axes: axes)
                items = plan.parameters().map { BatchSubmission.Item(endpoint: endpoint, parameters: $0) }
            } catch {
                return .failure(BatchRefusal(message: error.description))
            }
        }
        let entry = BatchEntry(id: id, endpoint: submission.endpoint?.id, title: submission.title,
                               variedFields: submission.variedFields, taskCount: items.count, createdAt: now)
        var prepared: [PreparedRequest] = []
        prepared.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            switch RequestPreparer.prepare(item.endpoint, item.parameters) {
            case .success(let request): prepared.append(request)
            case .failure(let error):
                let label = entry.label(of: TaskEntry(endpoint: item.endpoint.id, parameters: item.parameters,
                                                      origin: TaskOrigin(batchIndex: index)))
                let why: String
                if case .invalidInput(let issues) = error { why = issues.errors.first.map(\.description) ?? "invalid input" } else {
                    why = "\(error)"
                }
                return .failure(BatchRefusal(message: "task \(index + 1) of \(items.count) (\(label)): \(why)"))
            }
        }
        return .success((entry, prepared))
    }
}
