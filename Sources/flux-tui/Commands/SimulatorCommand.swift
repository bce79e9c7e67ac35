import ArgumentParser
import FluxSimulator
import Foundation

struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator", abstract: "Run the built-in API simulator for other clients (Ctrl-C stops it).",
        discussion: "Any non-empty x-key is accepted. Settings (also used by the in-process simulator):\n"
            + SimulatorConfiguration.environmentVariables.map { "  \($0.name): \($0.meaning)" }.joined(separator: "\n")
            + "\nPrompt markers: SIM_MODERATE_REQUEST, SIM_MODERATE_CONTENT, SIM_FAIL, SIM_GENERATING.")

    @Option(help: "Port on 127.0.0.1 (0 picks a free one; default FLUX_SIM_PORT, else 8765).") var port: Int?

    func run() async throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0..65535") }
        var configuration: SimulatorConfiguration
        do { configuration = try SimulatorConfiguration.parseEnvironment() } catch {
            throw ValidationError("simulator settings: \(error)")
        }
        let environmentPort = ProcessInfo.processInfo.environment["FLUX_SIM_PORT"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.port = port ?? (environmentPort == nil ? 8765 : configuration.port)
        let server = try await SimulatorServer.start(configuration)
        Console.out("FLUX API simulator listening on \(server.baseURL.absoluteString) (any non-empty x-key is accepted); Ctrl-C stops it")
        await SignalWaiter.waitForInterrupt()
        try? await server.shutdown()
    }
}
