/// The tasks a sweep asks for: the cartesian product of its axes (the first axis varies
/// slowest, as in nested loops written in the same order), each combination `repeats` times
/// with a fresh random seed when `repeats > 1`.
public struct SweepPlan: Sendable, Equatable {
    /// More than this is refused before anything is built or sent: 10,000 tasks is about a
    /// day of work at the API's active-task limit, and a longer list is almost always a typo.
    public static let maximumTasks = 10_000

    public let endpoint: Endpoint
    public let base: TaskParameters
    public let axes: [SweepAxis]
    public let repeats: Int

    /// Checks the plan as a whole: fields swept twice or both set and swept, `repeats` without a
    /// seed field or beside a seed that is set or swept, and the size.
    public init(endpoint: Endpoint, base: TaskParameters, axes: [SweepAxis], repeats: Int = 1) throws(SweepError) {
        var seen: Set<String> = []
        for axis in axes {
            guard seen.insert(axis.field).inserted else { throw SweepError(axis.field, "is swept twice; give one list") }
            if base[axis.field] != nil { throw SweepError(axis.field, "is both set (--set) and swept (--sweep); keep one") }
        }
        guard repeats >= 1 else { throw SweepError(nil, "--repeat needs a count of 1 or more, got \(repeats)") }
        if repeats > 1 {
            guard endpoint.field("seed") != nil else {
                throw SweepError(nil, "--repeat gives each task a fresh seed, and \(endpoint.id) has no seed field")
            }
            if seen.contains("seed") || base["seed"] != nil {
                throw SweepError("seed", "--repeat chooses the seeds; drop the seed from --set/--sweep or drop --repeat")
            }
        }
        var count = 1
        var overflow = false
        for size in axes.map(\.values.count) + [repeats] where !overflow {
            (count, overflow) = count.multipliedReportingOverflow(by: size)
        }
        guard !overflow, count <= Self.maximumTasks else {
            let sizes = axes.map { "\($0.values.count) \($0.field)" } + (repeats > 1 ? ["\(repeats) repeats"] : [])
            throw SweepError(nil, "\(sizes.joined(separator: " x ")) is more than the \(Self.maximumTasks) tasks a batch may have")
        }
        self.endpoint = endpoint
        self.base = base
        self.axes = axes
        self.repeats = repeats
    }

    public var taskCount: Int { axes.reduce(repeats) { $0 * $1.values.count } }

    /// The fields that differ from task to task, for labels: the swept ones, and the seed when
    /// it is chosen per repeat.
    public var variedFields: [String] { axes.map(\.field) + (repeats > 1 ? ["seed"] : []) }

    /// Every task's parameters, in order. Seeds for repeats come from `random`, inside the
    /// seed field's documented range.
    public func parameters(using random: inout some RandomNumberGenerator) -> [TaskParameters] {
        var all: [TaskParameters] = []
        all.reserveCapacity(taskCount)
        var combination = [Int](repeating: 0, count: axes.count)
        let seedRange = Self.seedRange(endpoint.field("seed"))
        for _ in 0..<(taskCount / repeats) {
            var parameters = base
            for (axis, index) in zip(axes, combination) { parameters[axis.field] = axis.values[index] }
            for _ in 0..<repeats {
                var task = parameters
                if repeats > 1 { task["seed"] = .integer(Int.random(in: seedRange, using: &random)) }
                all.append(task)
            }
            // Odometer: the last axis turns fastest.
            var position = axes.count - 1
            while position >= 0 {
                combination[position] += 1
                if combination[position] < axes[position].values.count { break }
                combination[position] = 0
                position -= 1
            }
        }
        return all
    }

    public func parameters() -> [TaskParameters] {
        var random = SystemRandomNumberGenerator()
        return parameters(using: &random)
    }

    /// Seeds the API takes: the field's own bounds where the document gives them, else those of
    /// a 32-bit unsigned seed, which every FLUX endpoint accepts.
    static func seedRange(_ field: FieldSpec?) -> ClosedRange<Int> {
        let lower = Int(field?.minimum ?? 0)
        let upper = Int(min(field?.maximum ?? 4_294_967_295, 4_294_967_295))
        return lower...max(lower, upper)
    }
}
