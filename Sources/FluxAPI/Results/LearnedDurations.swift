/// How long tasks of each endpoint really take on the server in use, learned from the tasks the
/// poller saw finish. Pure, so the policy is unit-tested.
///
/// Why: an endpoint's documented typical time is a guess made for the production API under an
/// average load. A quiet server, a busy one or a simulator can be several times faster or slower,
/// and the first poll (at half the typical time) then comes far too late or far too early. The
/// poller uses the median of the last finished tasks instead: faster from the first one (within
/// 8x of the documented time), slower only once three agree and at most 2x, because a slower plan
/// delays every later task's first poll and one task stuck in a queue must not do that.
///
/// What is recorded is the time from submission to the poll that saw the task ready, an upper bound
/// of the true duration; that bias keeps the first poll from landing before most tasks are done.
/// The first task of an endpoint is a probe, polled at a fixed share of its age (see
/// `PollSchedule.probeDelay`), so the first figure is close; later ones refine the median.
public struct LearnedDurations: Sendable, Equatable {
    /// Finished tasks remembered per endpoint.
    public static let window = 15
    /// Finished tasks needed before the documented time is replaced.
    public static let minimumSamples = 1
    /// The learned time is at least the documented one divided by this...
    public static let fasterBound = 8.0
    /// ...and at most the documented one times this, and only with `slowerSamples` tasks.
    public static let slowerBound = 2.0
    public static let slowerSamples = 3

    private var samples: [String: [Double]] = [:]

    public init() {}

    /// Records a task of `group` seen ready `seconds` after it was submitted.
    public mutating func record(_ seconds: Double, group: String) {
        guard seconds.isFinite, seconds > 0 else { return }
        var recent = samples[group, default: []]
        recent.append(seconds)
        if recent.count > Self.window { recent.removeFirst(recent.count - Self.window) }
        samples[group] = recent
    }

    /// Finished tasks remembered for `group`.
    public func count(for group: String) -> Int { samples[group]?.count ?? 0 }

    /// The typical duration to plan polls of `group` with: the learned median once there are
    /// enough finished tasks, else `documented`.
    public func typical(for group: String, documented: Double) -> Double {
        guard let recent = samples[group], recent.count >= Self.minimumSamples else { return documented }
        let sorted = recent.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        if median > documented {
            return recent.count >= Self.slowerSamples ? Swift.min(documented * Self.slowerBound, median) : documented
        }
        return Swift.max(documented / Self.fasterBound, median)
    }
}
