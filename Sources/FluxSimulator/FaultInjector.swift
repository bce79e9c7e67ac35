import DeterministicRandom
import Foundation
import Locking

/// What the injector decided for one request.
enum FaultDecision: Sendable, Equatable {
    case none
    /// Answer this status instead of handling the request.
    case serverError(Int)
    /// Handle the request, then close the connection without answering.
    case drop
    /// Send this share of a sample download's body, then close.
    case truncate(Double)
}

/// Draws faults per request from `FaultConfiguration`. Every request draws the same number of
/// random values whatever the outcome, so a seeded run replays exactly.
final class FaultInjector: Sendable {
    private struct State {
        var configuration: FaultConfiguration
        /// Seeded, so a fault `seed` replays the same sequence.
        var random: SeededRandom
    }

    private let state: Locked<State>

    init(_ configuration: FaultConfiguration) {
        let seed = configuration.seed ?? UInt64.random(in: .min ... .max)
        state = Locked(State(configuration: configuration, random: SeededRandom(seed: seed)))
    }

    var configuration: FaultConfiguration {
        get { state.withLock { $0.configuration } }
    }

    /// Replaces the configuration; a new seed restarts the sequence.
    func update(_ configuration: FaultConfiguration) {
        state.withLock { s in
            if let seed = configuration.seed, seed != s.configuration.seed { s.random = SeededRandom(seed: seed) }
            s.configuration = configuration
        }
    }

    /// Precedence: 5xx, then drop, then truncation (sample downloads only).
    func decide(isSampleDownload: Bool) -> (decision: FaultDecision, latency: Double) {
        state.withLock { s in
            let c = s.configuration
            let errorRoll = s.random.unit(), dropRoll = s.random.unit()
            let truncateRoll = s.random.unit(), detail = s.random.unit()
            let decision: FaultDecision
            if errorRoll < c.serverErrorRate {
                decision = .serverError(detail < 1.0 / 3 ? 500 : detail < 2.0 / 3 ? 502 : 503)
            } else if dropRoll < c.dropRate {
                decision = .drop
            } else if isSampleDownload && truncateRoll < c.truncateRate {
                decision = .truncate(0.1 + 0.8 * detail)
            } else {
                decision = .none
            }
            return (decision, c.latency)
        }
    }
}
