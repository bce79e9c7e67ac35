import FluxAPI

/// From `submit`'s `--set`, `--sweep` and `--repeat` to checked requests: the sweep is planned
/// (`SweepAxis`, `SweepPlan`), then every task is checked as a single submit would be. A problem
/// shared by many tasks (a bad width) is listed once, with how many tasks it affects and the
/// first of them, so a 1,000-task sweep with one mistake gives one line, not a thousand.
enum SweepRequests {
    /// Every problem found; nothing may be sent.
    struct Invalid: Error {
        let problems: [String]
    }

    static func prepare(_ endpoint: Endpoint, base: TaskParameters, sweeps: [String], repeats: Int,
                        parseIssues: [ValidationIssue]) throws(Invalid) -> (plan: SweepPlan, requests: [PreparedRequest]) {
        var problems = parseIssues.map(text)
        var axes: [SweepAxis] = []
        for sweep in sweeps {
            switch SweepAxis.parse(sweep, for: endpoint) {
            case .success(let axis): axes.append(axis)
            case .failure(let error): problems.append(error.description)
            }
        }
        guard problems.isEmpty else { throw Invalid(problems: problems) }
        let plan: SweepPlan
        do { plan = try SweepPlan(endpoint: endpoint, base: base, axes: axes, repeats: repeats) } catch {
            throw Invalid(problems: [error.description])
        }
        let all = plan.parameters()
        var requests: [PreparedRequest] = []
        requests.reserveCapacity(all.count)
        var order: [String] = []
        var affected: [String: (count: Int, first: Int)] = [:]
        for (index, parameters) in all.enumerated() {
            let issues: [String]
            switch RequestPreparer.prepare(endpoint, parameters) {
            case .success(let request):
                requests.append(request)
                continue
            case .failure(.invalidInput(let found)): issues = found.errors.map(text)
            case .failure(let error): issues = ["\(error)"]
            }
            for issue in issues {
                if let seen = affected[issue] { affected[issue] = (seen.count + 1, seen.first) } else {
                    affected[issue] = (1, index)
                    order.append(issue)
                }
            }
        }
        guard order.isEmpty else {
            throw Invalid(problems: order.map { issue in
                let (count, first) = affected[issue]!
                let which = count == all.count ? (all.count == 1 ? "" : " (all \(all.count) tasks)")
                    : " (\(count) of \(all.count) tasks, first: \(label(all[first], plan.variedFields)))"
                return issue + which
            })
        }
        return (plan, requests)
    }

    /// "flux-dev: 8 seed x 3 guidance", "flux-dev: 4 repeats".
    static func title(_ plan: SweepPlan) -> String {
        let sizes = plan.axes.map { "\($0.values.count) \($0.field)" } + (plan.repeats > 1 ? ["\(plan.repeats) repeats"] : [])
        return "\(plan.endpoint.id): " + sizes.joined(separator: " x ")
    }

    static func label(_ parameters: TaskParameters, _ fields: [String]) -> String {
        fields.compactMap { field in parameters[field].map { "\(field) \($0.displayText)" } }.joined(separator: " · ")
    }

    static func text(_ issue: ValidationIssue) -> String {
        issue.field.map { "\($0): \(issue.message)" } ?? issue.message
    }
}
