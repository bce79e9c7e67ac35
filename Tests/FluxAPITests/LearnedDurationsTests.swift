import FluxAPI
import Testing

@Suite("Learned task durations")
struct LearnedDurationsTests {
    @Test func theDocumentedTimeHoldsUntilATaskFinished() {
        var learned = LearnedDurations()
        #expect(learned.typical(for: "flux-dev", documented: 6) == 6)
        #expect(learned.count(for: "flux-dev") == 0)
        learned.record(1.2, group: "flux-dev")
        #expect(learned.typical(for: "flux-dev", documented: 6) == 1.2)
        learned.record(1.0, group: "flux-dev")
        learned.record(1.4, group: "flux-dev")
        #expect(learned.count(for: "flux-dev") == 3)
        #expect(learned.typical(for: "flux-dev", documented: 6) == 1.2)
        // Other endpoints learn nothing from it.
        #expect(learned.typical(for: "flux-pro-1.1", documented: 4) == 4)
    }

    @Test func probesArePolledAtAShareOfTheirAgeAndOnlyOnTheStandardSchedule() {
        let standard = PollSchedule.standard
        #expect(standard.probeDelay(elapsed: 0) == standard.minInterval)
        #expect(standard.probeDelay(elapsed: 2) == 1)
        #expect(standard.probeDelay(elapsed: 60) == standard.maxInterval)
        #expect(PollSchedule.training.probeDelay(elapsed: 10) == nil)
        #expect(PollSchedule().probeDelay(elapsed: 10) == nil)
    }

    @Test func theMedianOfTheLatestTasksIgnoresOddOnes() {
        var learned = LearnedDurations()
        for s in [2.0, 2.1, 1.9, 2.0, 60.0] { learned.record(s, group: "g") }
        #expect(learned.typical(for: "g", documented: 6) == 2.0)
        learned.record(2.2, group: "g")  // an even count: the mean of the middle two
        #expect(learned.typical(for: "g", documented: 6) == 2.05)
        // Only the last `window` tasks count: a server that slowed down is followed.
        for _ in 0..<LearnedDurations.window { learned.record(9, group: "g") }
        #expect(learned.typical(for: "g", documented: 6) == 9)
    }

    @Test func fasterUpToEightTimesFromOneTaskSlowerAtMostTwiceAndOnlyWhenThreeAgree() {
        var learned = LearnedDurations()
        learned.record(0.01, group: "fast")
        #expect(learned.typical(for: "fast", documented: 8) == 1)
        // One task stuck in a queue does not delay everyone's first poll.
        learned.record(40, group: "slow")
        #expect(learned.typical(for: "slow", documented: 6) == 6)
        learned.record(45, group: "slow")
        #expect(learned.typical(for: "slow", documented: 6) == 6)
        learned.record(50, group: "slow")
        #expect(learned.typical(for: "slow", documented: 6) == 12)
        for _ in 0..<3 { learned.record(1000, group: "slow") }
        #expect(learned.typical(for: "slow", documented: 8) == 16)
        // Nonsense is not recorded.
        let before = learned
        for odd in [-1, .nan, .infinity, 0] { learned.record(odd, group: "odd") }
        #expect(learned == before)
    }
}
