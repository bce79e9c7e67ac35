import FluxAPI
import Testing

/// Estimates before submitting: from the price table until an endpoint's charges are seen, then
/// from them, scaled to the size asked for.
@Suite struct CostEstimatorTests {
    let dev = EndpointRegistry.endpoint(named: "flux-dev")!
    let ultra = EndpointRegistry.endpoint(named: "flux-pro-1.1-ultra")!

    func size(_ width: Int, _ height: Int) -> TaskParameters {
        TaskParameters(["prompt": .text("p"), "width": .integer(width), "height": .integer(height)])
    }

    @Test func thePriceTableScalesWithTheSizeAskedFor() throws {
        let estimator = CostEstimator()
        let one = try #require(estimator.estimate(dev, size(1000, 1000)))
        #expect(one == CostEstimator.Estimate(credits: 2.5, source: .priceTable))
        #expect(one.text == "~2.5 credits (estimate)")
        #expect(estimator.estimate(dev, size(2000, 1000))?.credits == 5)
        // Ultra's aspect ratios render about four megapixels.
        #expect(estimator.estimate(ultra, TaskParameters(["prompt": .text("p")]))?.credits == 24)
    }

    @Test func chargesSeenReplaceTheTableAndTheMedianIgnoresAnOddOne() throws {
        var estimator = CostEstimator()
        estimator.record(dev, size(1000, 1000), cost: 3)
        estimator.record(dev, size(500, 1000), cost: 1.5)
        estimator.record(dev, size(1000, 1000), cost: 30)  // one odd charge
        let learned = try #require(estimator.estimate(dev, size(2000, 1000)))
        #expect(learned == CostEstimator.Estimate(credits: 6, source: .learned(samples: 3)))
        #expect(learned.text == "6 credits")
        // Another endpoint is still estimated from the table.
        #expect(estimator.estimate(ultra, TaskParameters())?.source == .priceTable)
        // Nonsense charges are not learned.
        var other = CostEstimator()
        other.record(dev, size(1000, 1000), cost: -1)
        other.record(dev, size(1000, 1000), cost: .nan)
        #expect(other.estimate(dev, size(1000, 1000))?.source == .priceTable)
    }

    @Test func aSweepIsTheSumOfItsTasks() throws {
        var estimator = CostEstimator()
        let tasks = [size(1000, 1000), size(1000, 1000), size(2000, 1000)]
        #expect(estimator.estimate(dev, tasks: tasks) == CostEstimator.Estimate(credits: 10, source: .priceTable))
        estimator.record(dev, size(1000, 1000), cost: 2)
        #expect(estimator.estimate(dev, tasks: tasks) == CostEstimator.Estimate(credits: 8, source: .learned(samples: 1)))
        #expect(estimator.estimate(dev, tasks: []) == nil)
    }

    @Test func aBatchOfSeveralEndpointsIsSummedTaskByTask() throws {
        var estimator = CostEstimator()
        estimator.record(dev, size(1000, 1000), cost: 2)
        let requests = try [(dev, size(1024, 1024)), (ultra, TaskParameters(["prompt": .text("p")])), (dev, size(512, 512))]
            .map { try RequestPreparer.prepare($0.0, $0.1).get() }
        let total = try #require(estimator.estimate(requests))
        #expect(abs(total.credits - (2 * 1.048576 + 24 + 2 * 0.262144)) < 1e-9)
        // One task from the table makes the whole sum an estimate.
        #expect(total.source == .priceTable)
        #expect(estimator.estimate(requests.filter { $0.endpoint.id == "flux-dev" })?.source == .learned(samples: 1))
        // A total that would leave a task out is no total.
        let one = CostEstimator.Estimate(credits: 1, source: .learned(samples: 4))
        #expect(CostEstimator.sum([one, nil]) == nil)
        #expect(CostEstimator.sum([]) == nil)
        #expect(CostEstimator.sum([one, CostEstimator.Estimate(credits: 2, source: .learned(samples: 2))])
                == CostEstimator.Estimate(credits: 3, source: .learned(samples: 2)))
    }

    @Test func aTrainingIsPricedPerIteration() throws {
        let finetune = try #require(EndpointRegistry.endpoint(named: "finetune"))
        let estimate = try #require(CostEstimator().estimate(finetune, TaskParameters(["iterations": .integer(300)])))
        #expect(estimate.credits == 30)
    }
}
