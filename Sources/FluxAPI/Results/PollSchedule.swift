/// When to poll a running task next. Pure, so the trade-off between requests per task and the delay
/// before a finished task is noticed can be unit-tested and benchmarked.
///
/// Before any progress is reported the first poll waits for a fraction of the endpoint's typical
/// duration. Once the server reports progress p after t seconds, the remaining time is estimated as
/// t·(1−p)/p and the next poll lands just after it; while that end is far off, polls only refresh
/// the estimate, at half the remaining time (at most `estimateInterval`), so a task ten minutes
/// from done costs a request every 30 s rather than every 5. Without progress the interval grows
/// with the task's age up to `maxInterval`, so long tasks cost few requests.
public struct PollSchedule: Sendable, Equatable {
    public var minInterval: Double
    public var maxInterval: Double
    /// Share of the typical duration to wait before the first poll.
    public var firstPollFraction: Double
    /// Share of a *learned* duration (what this server's finished tasks took, see
    /// `LearnedDurations`) to wait before the first poll. That figure is the time to the poll
    /// that saw a task Ready, an upper bound, so a first poll at all of it usually finds the task
    /// done: one request instead of a poll at half-time and another after it (a batch's tasks,
    /// submitted as slots free up, all start with the duration learned).
    public var learnedFirstPollFraction: Double
    /// One task in this many of an endpoint with a learned duration is a scout: its first poll
    /// comes at `firstPollFraction` instead. A task found Ready at a first poll at the whole
    /// learned time only says "done by then", so it is not learned from (it would hold the median
    /// where it is for ever, even after the server got faster); scouts find out, for a few extra
    /// requests. Nil: no scouts.
    public var scoutEvery: Int?
    /// Without progress, wait this share of the task's age (geometric back-off).
    public var ageFraction: Double
    /// Longest wait while reported progress puts the end more than `maxInterval` away.
    public var estimateInterval: Double
    /// A probe (the first task of an endpoint, while nothing is known about how long its tasks
    /// take on this server) is polled again after this share of its age; nil: never probe.
    public var probeFraction: Double?

    public init(minInterval: Double = 0.2, maxInterval: Double = 5, firstPollFraction: Double = 0.5, ageFraction: Double = 0.3,
                estimateInterval: Double = 30, probeFraction: Double? = nil, learnedFirstPollFraction: Double = 1,
                scoutEvery: Int? = 8) {
        self.minInterval = minInterval
        self.maxInterval = maxInterval
        self.firstPollFraction = firstPollFraction
        self.learnedFirstPollFraction = learnedFirstPollFraction
        self.scoutEvery = scoutEvery.map { Swift.max(1, $0) }
        self.ageFraction = ageFraction
        self.estimateInterval = max(estimateInterval, maxInterval)
        self.probeFraction = probeFraction
    }

    public static let standard = PollSchedule(probeFraction: 0.5)

    /// For this long after submission "Task not found" means "not there yet", and polling goes on.
    public static let notFoundGrace: Double = 10
    /// Fine-tunes train for many minutes; there is no hurry to notice, and nothing to probe.
    public static let training = PollSchedule(minInterval: 2, maxInterval: 30, firstPollFraction: 0.015, ageFraction: 0.3,
                                              estimateInterval: 120)

    /// Seconds until a probe's next poll: a fixed share of its age (so at most that share late),
    /// between `minInterval` and `maxInterval`. Nil when this schedule does not probe.
    public func probeDelay(elapsed: Double) -> Double? {
        guard let probeFraction else { return nil }
        return Swift.min(maxInterval, Swift.max(minInterval, elapsed * probeFraction))
    }

    /// Seconds until the next poll.
    /// - Parameters:
    ///   - elapsed: seconds since the task was submitted.
    ///   - progress: the last reported progress (0...1), if any.
    ///   - typical: the endpoint's typical duration in seconds.
    ///   - polls: how many polls have been made so far.
    ///   - learned: whether `typical` was learned from this server's finished tasks.
    public func nextDelay(elapsed: Double, progress: Double?, typical: Double, polls: Int, learned: Bool = false) -> Double {
        let raw: Double
        if let p = progress, p >= 0.01, p < 1, elapsed > 0 {
            let remaining = elapsed * (1 - p) / p
            let landing = remaining * 1.05 + minInterval / 2
            // Far from the end: refresh the estimate halfway there instead of every maxInterval.
            if landing > maxInterval { return Swift.min(estimateInterval, Swift.max(maxInterval, remaining / 2)) }
            raw = landing
        } else if polls == 0 {
            raw = max(typical * (learned ? learnedFirstPollFraction : firstPollFraction) - elapsed, 0)
        } else if elapsed < typical {
            raw = max((typical - elapsed) * 0.5, elapsed * ageFraction)
        } else {
            raw = elapsed * ageFraction
        }
        return Swift.min(maxInterval, Swift.max(minInterval, raw))
    }
}
