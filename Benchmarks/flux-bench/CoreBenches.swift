import FluxAPI
import Foundation
import ImageCodec
import ImagePreview
import TerminalKit

/// In-process benchmarks of pure client-core code.
enum CoreBenches {
    // MARK: base64 of an image field

    /// `RequestEncoder.encode` with a 20 MB file in an image field (read, base64, JSON): median of
    /// `runs` after one warm-up, in input bytes per second.
    static func encode(megabytes: Int, runs: Int) throws -> (bytesPerSecond: Double, bodyBytes: Int) {
        let dir = try makeTemporaryDirectory("encode")
        let file = dir.appendingPathComponent("photo.png")
        let size = megabytes * 1_000_000
        try Data(randomBytes(size, seed: 99)).write(to: file)
        guard let endpoint = EndpointRegistry.endpoint(named: "flux-pro-1.0-fill") else { throw BenchError("no fill endpoint") }
        let parameters = TaskParameters(["image": .file(file.path), "prompt": .text("a red door")])
        let clock = ContinuousClock()
        var times: [Double] = []
        var bodyBytes = 0
        for run in 0...runs {
            let t0 = clock.now
            let body = try RequestEncoder.encode(endpoint, parameters)
            let t = seconds(clock.now - t0)
            bodyBytes = body.count
            if run > 0 { times.append(t) }
        }
        return (Double(size) / median(times), bodyBytes)
    }

    // MARK: preview of an output image

    /// `PreviewLoader.load` (decode with libjpeg-turbo, area-average scale, colour mapping) of a
    /// 1024x768 JPEG like the simulator's outputs, for a `columns` x `rows` cell box: median of
    /// `runs` after one warm-up, in milliseconds.
    static func preview(columns: Int, rows: Int, mode: ColorMode, runs: Int) throws -> Double {
        let width = 1024, height = 768
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        // Smooth gradients and a hard-edged grid: real photos fall between the two for the decoder.
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 4
                pixels[i] = UInt8(x * 255 / width)
                pixels[i + 1] = UInt8(y * 255 / height)
                pixels[i + 2] = (x / 64 + y / 64) % 2 == 0 ? 40 : 220
            }
        }
        let jpeg = try JPEGCodec.encode(RGBAImage(width: width, height: height, pixels: pixels), quality: 90)
        var times: [Double] = []
        let clock = ContinuousClock()
        for run in 0...runs {
            let t0 = clock.now
            guard case .image = PreviewLoader.load(bytes: jpeg, columns: columns, rows: rows, mode: mode) else {
                throw BenchError("no preview of the benchmark JPEG")
            }
            if run > 0 { times.append(seconds(clock.now - t0) * 1000) }
        }
        return median(times)
    }

    // MARK: the poll schedule, modelled

    struct PollModelCase {
        let typical: Double
        let ratio: Double
        let polls: Int
        let delay: Double
    }

    /// Runs `PollSchedule.standard` against tasks whose real duration is `ratio` x the endpoint's
    /// typical time, with progress reported like the simulator (linear, in whole percent, at most
    /// 99 % until Ready). No network latency: the schedule's own trade-off.
    static func pollModel(typicals: [Double] = [4, 6, 10, 12], ratios: [Double] = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5])
        -> [PollModelCase] {
        let schedule = PollSchedule.standard
        var cases: [PollModelCase] = []
        for typical in typicals {
            for ratio in ratios {
                let duration = typical * ratio
                var t = 0.0
                var polls = 0
                var progress: Double?
                while true {
                    t += schedule.nextDelay(elapsed: t, progress: progress, typical: typical, polls: polls)
                    polls += 1
                    if t >= duration { break }
                    progress = (min(0.99, t / duration) * 100).rounded(.down) / 100
                }
                cases.append(PollModelCase(typical: typical, ratio: ratio, polls: polls, delay: t - duration))
            }
        }
        return cases
    }
}
