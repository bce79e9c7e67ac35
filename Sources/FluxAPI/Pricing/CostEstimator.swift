/// Credits a task will cost, known before it is submitted: learned per endpoint from what
/// earlier tasks were charged (credits per output megapixel, scaled to the size asked for),
/// and taken from `PriceTable` until an endpoint has been seen.
public struct CostEstimator: Sendable, Equatable {
    /// Where a figure comes from, so a screen can say "estimate" until it is learned.
    public enum Source: Sendable, Equatable {
        /// From tasks of the endpoint this account ran (how many).
        case learned(samples: Int)
        /// From the price table.
        case priceTable
        /// From the price table's default for an endpoint it does not list.
        case unlisted
    }

    public struct Estimate: Sendable, Equatable {
        public var credits: Double
        public var source: Source

        public init(credits: Double, source: Source) {
            self.credits = credits
            self.source = source
        }

        /// "2.5 credits" when learned, "~2.5 credits (estimate)" from the table; "1 credit", never "1 credits".
        public var text: String {
            if case .learned = source { return Credits.text(credits) }
            return "~\(Credits.text(credits)) (estimate)"
        }
    }

    /// The charges kept per endpoint (credits per megapixel), newest last.
    public static let window = 20
    private var rates: [String: [Double]] = [:]

    public init() {}

    /// Learns from a task the server charged `cost` for.
    public mutating func record(_ endpoint: Endpoint, _ parameters: TaskParameters, cost: Double) {
        guard cost.isFinite, cost >= 0, let megapixels = OutputSize.megapixels(endpoint, parameters), megapixels > 0 else { return }
        var samples = rates[endpoint.id, default: []]
        samples.append(cost / megapixels)
        if samples.count > Self.window { samples.removeFirst(samples.count - Self.window) }
        rates[endpoint.id] = samples
    }

    /// The cost of one task; nil for a fine-tune training without an iteration count.
    public func estimate(_ endpoint: Endpoint, _ parameters: TaskParameters, images: [String: ImageInfo] = [:]) -> Estimate? {
        guard let megapixels = OutputSize.megapixels(endpoint, parameters, images: images) else {
            if case .integer(let iterations)? = parameters["iterations"] ?? Self.defaultInteger(endpoint, "iterations") {
                return Estimate(credits: Double(iterations) * PriceTable.creditsPerIteration, source: .priceTable)
            }
            return nil
        }
        if let samples = rates[endpoint.id], !samples.isEmpty {
            // The median: one odd charge (a promotion, a retry billed twice) does not move it.
            let sorted = samples.sorted()
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            return Estimate(credits: median * megapixels, source: .learned(samples: samples.count))
        }
        let (rate, listed) = PriceTable.rate(for: endpoint.id)
        return Estimate(credits: rate * megapixels, source: listed ? .priceTable : .unlisted)
    }

    /// The cost of several tasks of one endpoint (a sweep): the sum of their estimates, said to
    /// be learned only if every one of them is. Nil when any task has no estimate.
    public func estimate(_ endpoint: Endpoint, tasks: [TaskParameters]) -> Estimate? {
        Self.sum(tasks.map { estimate(endpoint, $0) })
    }

    /// The cost of a batch whose tasks may be of different endpoints (a batch file), task by task
    /// with each one's image sizes.
    public func estimate(_ requests: [PreparedRequest]) -> Estimate? {
        Self.sum(requests.map { estimate($0.endpoint, $0.parameters, images: $0.images) })
    }

    /// Several estimates as one: their sum, said to be learned only if every one of them is. Nil
    /// when there is none, or any is nil (a total that leaves a task out would read as too low).
    public static func sum(_ estimates: [Estimate?]) -> Estimate? {
        guard !estimates.isEmpty else { return nil }
        var total = 0.0
        var fewestSamples = Int.max
        var fromTable: Source?
        for one in estimates {
            guard let one else { return nil }
            total += one.credits
            switch one.source {
            case .learned(let samples): fewestSamples = min(fewestSamples, samples)
            case .priceTable, .unlisted: fromTable = one.source
            }
        }
        return Estimate(credits: total, source: fromTable ?? .learned(samples: fewestSamples))
    }

    private static func defaultInteger(_ endpoint: Endpoint, _ name: String) -> FieldValue? {
        if case .int(let v)? = endpoint.field(name)?.defaultValue { return .integer(v) }
        return nil
    }
}
