/// Reads `FIELD=VALUE` assignments (the command line's `--set`) into typed parameters, collecting
/// every problem rather than stopping at the first.
public enum AssignmentParser {
    public static func parse(_ assignments: [String], for endpoint: Endpoint) -> (TaskParameters, [ValidationIssue]) {
        var parameters = TaskParameters()
        var issues: [ValidationIssue] = []
        var seen: Set<String> = []
        for assignment in assignments {
            guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                issues.append(.error(nil, "'\(ValueParser.clip(assignment))' is not FIELD=VALUE", type: "assignment"))
                continue
            }
            let name = String(assignment[..<eq]).trimmingCharacters(in: .whitespaces)
            let raw = String(assignment[assignment.index(after: eq)...])
            if !seen.insert(name).inserted {
                issues.append(.error(name, "is set more than once", type: "duplicate"))
                continue
            }
            guard let field = endpoint.field(name) else {
                // The validator reports unknown fields with a suggestion; keep the raw text for it.
                parameters[name] = .text(raw)
                continue
            }
            switch ValueParser.parse(raw, for: field) {
            case .success(let value): parameters[name] = value
            case .failure(let issue): issues.append(issue)
            }
        }
        return (parameters, issues)
    }
}
