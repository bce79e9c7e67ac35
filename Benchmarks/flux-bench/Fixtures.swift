import DeterministicRandom
import FluxAPI
import Foundation
import TaskStore

/// Realistic task histories: mixed endpoints, prompts of 3 to 40 words, seeds, timings, output
/// paths; mostly done, some failed or moderated, optionally a few running.
enum Fixtures {
    static let words = [
        "a", "lighthouse", "on", "the", "cliff", "at", "dawn", "misty", "ocean", "watercolor", "portrait", "of", "an", "old",
        "fisherman", "cinematic", "lighting", "35mm", "photo", "neon", "city", "street", "rain", "reflections", "cat",
        "wearing", "tiny", "hat", "isometric", "illustration", "mountain", "village", "snow", "golden", "hour", "macro",
        "shot", "dew", "drops", "leaf", "studio", "product", "sneaker", "minimal", "background", "oil", "painting", "storm",
        "ship", "retro", "poster", "robot", "garden", "flowers", "bokeh", "highly", "detailed", "sharp", "focus",
    ]
    static let endpoints = ["flux-dev", "flux-pro-1.1", "flux-pro-1.1-ultra", "flux-pro-1.0-fill", "flux-pro"]

    static func tasks(count: Int, running: Int = 0, seed: UInt64 = 42, now: Date = Date()) -> [TaskEntry] {
        var rng = SeededRandom(seed: seed)
        var out: [TaskEntry] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let endpoint = endpoints[Int(rng.next() % UInt64(endpoints.count))]
            let length = 3 + Int(rng.next() % 38)
            let prompt = (0..<length).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
            let taskSeed = Int(rng.next() % 4_294_967_295)
            var parameters = TaskParameters(["prompt": .text(prompt), "seed": .integer(taskSeed)])
            if endpoint == "flux-dev" || endpoint == "flux-pro" {
                parameters["width"] = .integer(1024)
                parameters["height"] = .integer(768)
                parameters["steps"] = .integer(28)
            }
            if endpoint == "flux-pro-1.0-fill" {
                parameters["image"] = .file("/home/user/photos/IMG_\(1000 + i % 9000).png")
                parameters["mask"] = .file("/home/user/photos/mask.png")
            }
            // Newest first by index 0; one task every 40 s going back.
            let created = now.addingTimeInterval(-Double(i) * 40 - 5)
            let submitted = created.addingTimeInterval(0.3)
            let duration = 3 + Double(rng.next() % 9000) / 1000
            let roll = rng.next() % 100
            let id = String(format: "%08x-%04x-4%03x-8%03x-%012llx", UInt32(truncatingIfNeeded: rng.next()),
                            UInt16(truncatingIfNeeded: rng.next()), UInt16(truncatingIfNeeded: rng.next()) & 0xFFF,
                            UInt16(truncatingIfNeeded: rng.next()) & 0xFFF, rng.next() & 0xFFFF_FFFF_FFFF)
            let remote = UUID().uuidString.lowercased()
            var task = TaskEntry(id: id, remoteID: remote, endpoint: endpoint, parameters: parameters, phase: .done,
                                 statusText: "Ready", progress: 1, seed: taskSeed,
                                 pollingURL: "https://api.eu.bfl.ai/v1/get_result?id=\(remote)", cost: 2.5,
                                 createdAt: created, submittedAt: submitted, finishedAt: submitted.addingTimeInterval(duration),
                                 updatedAt: submitted.addingTimeInterval(duration))
            if i < running {
                task.phase = .running
                task.statusText = "Pending"
                task.progress = Double(rng.next() % 100) / 100
                task.finishedAt = nil
            } else if roll < 3 {
                task.phase = .failed
                task.statusText = "Error"
                task.error = "Simulated generation failure (SIM_FAIL)"
            } else if roll < 5 {
                task.phase = .moderated
                task.statusText = "Content Moderated"
                task.error = "Simulated content moderation (SIM_MODERATE_CONTENT)"
            } else {
                let stamp = Int(created.timeIntervalSince1970)
                task.outputs = ["/home/user/.local/share/flux-tui/outputs/\(endpoint)-\(stamp)-\(id.prefix(8)).jpg"]
            }
            out.append(task)
        }
        return out
    }

    /// Writes `count` finished tasks into a new task database at `path` (one transaction).
    static func writeStore(path: String, count: Int) throws {
        try? FileManager.default.removeItem(atPath: path)
        let store = try TaskStore(path: path)
        if count > 0 { try store.save(tasks(count: count)) }
    }

    /// Writes `count` queued flux-dev tasks (small images): the app submits them when it starts.
    static func writeQueuedStore(path: String, count: Int) throws {
        try? FileManager.default.removeItem(atPath: path)
        let store = try TaskStore(path: path)
        let now = Date()
        let tasks = (0..<count).map { i in
            TaskEntry(endpoint: "flux-dev",
                      parameters: TaskParameters(["prompt": .text("benchmark task \(i): a lighthouse on a cliff at dawn"),
                                                  "seed": .integer(1000 + i), "width": .integer(256), "height": .integer(256)]),
                      phase: .queued, statusText: "Queued", seed: 1000 + i,
                      createdAt: now.addingTimeInterval(Double(i - count) * 0.01))
        }
        try store.save(tasks)
    }
}
