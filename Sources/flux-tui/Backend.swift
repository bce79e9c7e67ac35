import FluxAPI
import FluxSimulator
import Foundation

/// The server a command talks to: the configured API, or the built-in simulator when no key is set.
final class Backend: Sendable {
    let client: FluxClient
    let simulator: SimulatorServer?
    let isSimulator: Bool

    private init(client: FluxClient, simulator: SimulatorServer?, isSimulator: Bool) {
        self.client = client
        self.simulator = simulator
        self.isSimulator = isSimulator
    }

    /// Resolves server and key from options and environment; starts the simulator if needed.
    static func connect(_ options: GlobalOptions,
                        environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Backend {
        let config = try Settings.config()
        let key = APIKey.fromEnvironment(environment) ?? config.apiKey
        let serverText = options.server ?? environment["FLUX_SERVER_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? config.server
        let policy = RetryPolicy(maxElapsed: options.retryFor)
        if let serverText {
            let url = try ServerPolicy.parseServerURL(serverText)
            var resolvedKey = key
            if resolvedKey == nil {
                guard ServerPolicy.isLoopback(host: url.host) else {
                    throw FluxError.configuration("no API key: set BFL_API_KEY (or TESTDK_API_KEY_HEADER) to use \(url.absoluteString)")
                }
                // A local server (e.g. `flux-tui simulator`) accepts any key.
                resolvedKey = APIKey("local")
            }
            let client = try FluxClient(ClientConfiguration(serverURL: url, apiKey: resolvedKey,
                                                            allowInsecure: options.allowInsecure, retryPolicy: policy))
            return Backend(client: client, simulator: nil, isSimulator: false)
        }
        if let key {
            let client = try FluxClient(ClientConfiguration(serverURL: ServerPolicy.publicAPI, apiKey: key, retryPolicy: policy))
            return Backend(client: client, simulator: nil, isSimulator: false)
        }
        let configuration: SimulatorConfiguration
        do { configuration = try SimulatorConfiguration.parseEnvironment(environment) } catch {
            throw FluxError.configuration("simulator settings: \(error)")
        }
        let simulator = try await SimulatorServer.start(configuration)
        // On stderr, so --json output on stdout stays one object.
        Console.error("flux-tui: no API key set (BFL_API_KEY); using the built-in simulator at \(simulator.baseURL.absoluteString)")
        let client = try FluxClient(ClientConfiguration(serverURL: simulator.baseURL, apiKey: APIKey("simulator"), retryPolicy: policy))
        return Backend(client: client, simulator: simulator, isSimulator: true)
    }

    func shutdown() async {
        await client.shutdown()
        try? await simulator?.shutdown()
    }

    /// Runs `body` with a connected backend and always shuts it down.
    static func with<T: Sendable>(_ options: GlobalOptions,
                                  _ body: (Backend) async throws -> T) async throws -> T {
        let backend = try await connect(options)
        do {
            let value = try await body(backend)
            await backend.shutdown()
            return value
        } catch {
            await backend.shutdown()
            throw error
        }
    }
}
