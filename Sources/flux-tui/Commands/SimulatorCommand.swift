import ArgumentParser
import FluxSimulator
import Foundation

struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator", abstract: "Run the built-in API simulator for other clients (Ctrl-C stops it).")

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).") var port: Int = 8765

    func run() async throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0..65535") }
        var configuration: SimulatorConfiguration
        do { configuration = try SimulatorConfiguration.parseEnvironment() } catch {
            throw ValidationError("simulator settings: \(error)")
        }
        configuration.port = port
        let server = try await SimulatorServer.start(configuration)
        Console.out("FLUX API simulator listening on \(server.baseURL.absoluteString) (any non-empty x-key is accepted); Ctrl-C stops it")
        await SignalWaiter.waitForInterrupt()
        try? await server.shutdown()
    }
}
