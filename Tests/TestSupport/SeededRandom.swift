import DeterministicRandom

/// The project's one seeded generator, for tests that import only TestSupport: a randomised test
/// that fails replays exactly from its seed.
public typealias SeededRandom = DeterministicRandom.SeededRandom
