import FluxAPI
import Foundation
import Locking
import TaskStore

/// Submitting: queued tasks go out while fewer than `maxActive` are in flight.
extension TaskEngine {
    func pump() {
        var free = settings.maxActive - inFlight.count
        while free > 0, !queue.isEmpty {
            let id = queue.removeFirst()
            guard var task = tasks[id], task.phase == .queued else { continue }
            free -= 1
            task.phase = .submitting
            task.statusText = "Submitting"
            commit(task)
            submitTasks[id] = Task { await self.performSubmit(id) }
        }
    }

    private func performSubmit(_ id: String) async {
        defer { submitTasks.removeValue(forKey: id) }
        guard var task = tasks[id], let endpoint = endpoints[id] else { return }
        let request: PreparedRequest
        if let prepared = requests.removeValue(forKey: id) {
            request = prepared
        } else {
            switch RequestPreparer.prepare(endpoint, task.parameters) {
            case .success(let prepared): request = prepared
            case .failure(let error):
                end(id, phase: .failed, error: error.description, failure: .submit(error))
                return
            }
        }
        var progress: (@Sendable (Int, Int) -> Void)?
        if let dataset = request.dataset {
            task.statusText = "Uploading \(dataset.images.count) images"
            commit(task)
            let reporter = UploadReporter { [weak self] fraction in
                Task { await self?.uploadProgress(id, fraction) }
            }
            progress = { sent, total in reporter.report(sent: sent, total: total) }
        }
        do {
            let answer = try await client.submit(request, progress: progress,
                                                 onRetry: { [weak self] event in self?.note(.retrying, "submit: \(event.summary)") })
            accepted(id, answer, request: request)
        } catch {
            submitFailed(id, error)
        }
    }

    private func uploadProgress(_ id: String, _ fraction: Double) {
        guard var task = tasks[id], task.phase == .submitting else { return }
        task.progress = fraction
        task.statusText = "Uploading \(Int(fraction * 100))%"
        commit(task)
    }

    private func accepted(_ id: String, _ answer: SubmitResponse, request: PreparedRequest) {
        // Removed meanwhile: the answer is dropped. Cancelled just as the server took it: the
        // fine-tune exists all the same, so it is listed.
        guard !removed.contains(id) else { return }
        if request.endpoint.createsFinetune { recordFinetune(answer.id, parameters: request.parameters) }
        guard var task = tasks[id], task.phase == .submitting else { return }
        task.remoteID = answer.id
        task.pollingURL = answer.pollingURL
        task.cost = answer.cost
        task.submittedAt = Date()
        task.phase = .running
        task.progress = nil
        task.statusText = answer.status ?? "Pending"
        byRemoteID[answer.id] = id
        commit(task)
        track(task)
    }

    private func submitFailed(_ id: String, _ error: any Error) {
        guard tasks[id]?.phase == .submitting else { return }
        let fluxError = error as? FluxError ?? (error is CancellationError ? .cancelled : .configuration("\(error)"))
        switch fluxError {
        case .cancelled: end(id, phase: .cancelled, error: "cancelled before the server accepted it", failure: nil)
        case .submitUncertain: end(id, phase: .uncertain, error: fluxError.description, failure: .submit(fluxError))
        default: end(id, phase: .failed, error: fluxError.description, failure: .submit(fluxError))
        }
    }

    /// Remembers a new fine-tune so the fine-tunes screen and forms know it at once.
    private func recordFinetune(_ id: String, parameters: TaskParameters) {
        func text(_ name: String) -> String? {
            if case .text(let s)? = parameters[name] { return s }
            return nil
        }
        recordFinetuneUpdate(FinetuneEntry(id: id, comment: text("finetune_comment"), triggerWord: text("trigger_word") ?? "TOK",
                                           mode: text("mode"), finetuneType: text("finetune_type") ?? "full", statusText: "Pending"))
    }

    /// Ends a task that will not (or no longer) give a result.
    func end(_ id: String, phase: TaskPhase, error: String, failure: TaskFailure?) {
        guard var task = tasks[id] else { return }
        task.phase = phase
        task.error = error
        task.failure = failure
        task.finishedAt = Date()
        if phase == .failed && task.statusText == "Submitting" { task.statusText = "Not submitted" }
        if phase == .uncertain { task.statusText = "Submit uncertain" }
        if phase == .cancelled { task.statusText = "Cancelled" }
        commit(task)
        pump()
    }
}

/// Turns byte counts into at most ~50 progress updates per upload.
final class UploadReporter: Sendable {
    private let lastStep = Locked(-1)
    private let onStep: @Sendable (Double) -> Void

    init(onStep: @escaping @Sendable (Double) -> Void) { self.onStep = onStep }

    func report(sent: Int, total: Int) {
        guard total > 0 else { return }
        let step = Int(Double(sent) / Double(total) * 50)
        let fire = lastStep.withLock { last -> Bool in
            guard step != last else { return false }
            last = step
            return true
        }
        if fire { onStep(Double(sent) / Double(total)) }
    }
}
