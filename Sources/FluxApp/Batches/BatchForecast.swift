import FluxAPI
import Foundation

/// What a sweep will ask for before it is sent: how many tasks, about how many credits and about
/// how long at the active-task limit. Shown in the form's footer while a field is swept.
public struct BatchForecast: Sendable, Equatable {
    public var taskCount: Int
    public var credits: CostEstimator.Estimate?
    /// Rounds of `maxActive` tasks the batch takes, and the typical time of one.
    public var waves: Int
    public var typicalSeconds: Double
    public var maxActive: Int

    /// About `waves` x the endpoint's typical duration: a wave's tasks run side by side.
    public var seconds: Double { Double(waves) * typicalSeconds }

    /// Fields whose value changes what a task costs (its output size; a training's iterations):
    /// only the product of these axes is estimated task by task, the rest multiplies.
    static let costFields: Set<String> = ["width", "height", "image", "input_image", "control_image", "iterations"]

    public init(plan: SweepPlan, estimator: CostEstimator, durations: LearnedDurations, maxActive: Int,
                images: [String: ImageInfo] = [:]) {
        taskCount = plan.taskCount
        self.maxActive = max(1, maxActive)
        waves = (taskCount + self.maxActive - 1) / self.maxActive
        typicalSeconds = durations.typical(for: plan.endpoint.id, documented: plan.endpoint.typicalSeconds)
        let costAxes = plan.axes.filter { Self.costFields.contains($0.field) }
        let sample = (try? SweepPlan(endpoint: plan.endpoint, base: plan.base, axes: costAxes))?.parameters() ?? [plan.base]
        let sum = CostEstimator.sum(sample.map { estimator.estimate(plan.endpoint, $0, images: images) })
        let scale = Double(plan.taskCount) / Double(max(1, sample.count))
        credits = sum.map { CostEstimator.Estimate(credits: $0.credits * scale, source: $0.source) }
    }

    /// "3 tasks · ~0.075 credits (estimate) · ~10s (1 wave of up to 20) · Ctrl-S submits the batch"
    public var text: String {
        var parts = ["\(taskCount) task\(taskCount == 1 ? "" : "s")"]
        if let credits { parts.append(credits.text) }
        let time = "~" + TaskFormat.duration(seconds.rounded(.up))
        parts.append(waves == 1 ? "\(time) (up to \(maxActive) at once)" : "\(time) (\(waves) waves of \(maxActive))")
        return parts.joined(separator: " · ")
    }
}
