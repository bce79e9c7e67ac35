import Foundation
import Locking

/// SplitMix64: small and deterministic, so a fault `seed` replays the same sequence.
struct FaultRandom: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<1.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

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
        var random: FaultRandom
    }

    private let state: Locked<State>

    init(_ configuration: FaultConfiguration) {
        let seed = configuration.seed ?? UInt64.random(in: .min ... .max)
        state = Locked(State(configuration: configuration, random: FaultRandom(seed: seed)))
    }

    var configuration: FaultConfiguration {
        get { state.withLock { $0.configuration } }
    }

    /// Replaces the configuration; a new seed restarts the sequence.
    func update(_ configuration: FaultConfiguration) {
        state.withLock { s in
            if let seed = configuration.seed, seed != s.configuration.seed { s.random = FaultRandom(seed: seed) }
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
