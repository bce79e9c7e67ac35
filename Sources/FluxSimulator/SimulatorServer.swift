import Foundation
import Locking
import NIOCore
import NIOHTTP1
import NIOPosix

/// A local HTTP/1.1 server that speaks the FLUX API (see README.md in this folder).
///
/// ```swift
/// let server = try await SimulatorServer.start(SimulatorConfiguration(taskSeconds: 0.2))
/// let client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("any")))
/// ...
/// try await server.shutdown()
/// ```
///
/// For reliability tests the server can go away and come back on the same port with its state
/// intact: `suspend()` / `resume()`, or `pause(for:)`.
public final class SimulatorServer: Sendable {
    public let configuration: SimulatorConfiguration
    /// The port actually listened on (resolved when the configuration asked for 0).
    public let port: Int
    /// `http://127.0.0.1:PORT`, the value for the client's server URL.
    public let baseURL: URL

    private let router: Router
    private let group: any EventLoopGroup
    /// Open connections, so `suspend()` and `shutdown()` can close them.
    private let connections: Locked<[ObjectIdentifier: any Channel]>
    private let lifecycle: Locked<Lifecycle>

    private struct Lifecycle {
        var listener: (any Channel)?
        var isShutDown = false
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private init(configuration: SimulatorConfiguration, port: Int, router: Router, group: any EventLoopGroup,
                 listener: any Channel, connections: Locked<[ObjectIdentifier: any Channel]>) {
        self.configuration = configuration
        self.connections = connections
        self.port = port
        self.router = router
        self.group = group
        lifecycle = Locked(Lifecycle(listener: listener))
        let host = Self.urlHost(configuration.host)
        baseURL = URL(string: "http://\(host):\(port)")!
    }

    /// Binds and starts serving. Port 0 picks a free port.
    public static func start(_ configuration: SimulatorConfiguration = SimulatorConfiguration()) async throws -> SimulatorServer {
        let router = Router(config: configuration)
        let group = MultiThreadedEventLoopGroup.singleton
        let connections = Locked<[ObjectIdentifier: any Channel]>([:])
        let listener: any Channel
        do {
            listener = try await bind(host: configuration.host, port: configuration.port, router: router,
                                      group: group, connections: connections)
        } catch {
            await router.renderer.shutdown()
            throw error
        }
        let port = listener.localAddress?.port ?? configuration.port
        let server = SimulatorServer(configuration: configuration, port: port, router: router, group: group,
                                     listener: listener, connections: connections)
        router.setBaseURL(server.baseURL.absoluteString)
        return server
    }

    /// Stops listening, closes every connection and the render threads. State is dropped.
    public func shutdown() async throws {
        let (listener, waiters, already) = lifecycle.withLock { s -> ((any Channel)?, [CheckedContinuation<Void, Never>], Bool) in
            defer { s.listener = nil; s.isShutDown = true; s.shutdownWaiters = [] }
            return (s.listener, s.shutdownWaiters, s.isShutDown)
        }
        if already { return }
        try? await listener?.close()
        await closeConnections()
        await router.renderer.shutdown()
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `shutdown()` has run (for a `simulator` command that serves until stopped).
    public func waitUntilShutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = lifecycle.withLock { s -> Bool in
                if s.isShutDown { return true }
                s.shutdownWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Goes away: stops listening and drops every open connection, so clients see connection
    /// refused / reset. Tasks, fine-tunes and credits are kept.
    public func suspend() async {
        let listener = lifecycle.withLock { s -> (any Channel)? in
            defer { s.listener = nil }
            return s.listener
        }
        try? await listener?.close()
        await closeConnections()
    }

    /// Comes back on the same port after `suspend()`. Does nothing when already listening.
    public func resume() async throws {
        let needed = lifecycle.withLock { !$0.isShutDown && $0.listener == nil }
        guard needed else { return }
        let listener = try await Self.bind(host: configuration.host, port: port, router: router, group: group,
                                           connections: connections)
        let keep = lifecycle.withLock { s -> Bool in
            guard !s.isShutDown, s.listener == nil else { return false }
            s.listener = listener
            return true
        }
        if !keep { try? await listener.close() }
    }

    /// Goes away for `seconds`, then comes back on the same port.
    public func pause(for seconds: Double) async throws {
        await suspend()
        try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        try await resume()
    }

    public var isListening: Bool { lifecycle.withLock { $0.listener != nil } }

    /// Faults in force now (starts as `configuration.faults`).
    public var faults: FaultConfiguration { router.faults.configuration }

    /// Changes fault injection while running (e.g. a benchmark's "bad network" phase).
    public func setFaults(_ faults: FaultConfiguration) { router.faults.update(faults) }

    /// Counters: requests, tasks created, faults injected.
    public var statistics: SimulatorStatistics { router.statistics.withLock { $0 } }

    // MARK: plumbing

    private static func bind(host: String, port: Int, router: Router, group: any EventLoopGroup,
                             connections: Locked<[ObjectIdentifier: any Channel]>) async throws -> any Channel {
        let maxBody = router.config.maxBodyBytes
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            // Lets `resume()` take the same port back at once.
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let id = ObjectIdentifier(channel)
                    connections.withLock { $0[id] = channel }
                    channel.closeFuture.whenComplete { _ in connections.withLock { _ = $0.removeValue(forKey: id) } }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPHandler(router: router, maxBodyBytes: maxBody))
                }
            }
            .bind(host: host, port: port)
            .get()
    }

    private func closeConnections() async {
        let open = connections.withLock { $0.values.map { $0 } }
        for channel in open { try? await channel.close() }
    }

    private static func urlHost(_ host: String) -> String {
        if host == "0.0.0.0" || host.isEmpty { return "127.0.0.1" }
        if host == "::" { return "[::1]" }
        return host.contains(":") ? "[\(host)]" : host
    }
}
