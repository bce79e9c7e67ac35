import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request as the scripted server saw it.
public struct RecordedRequest: Sendable {
    public let method: String
    public let uri: String
    public let headers: [(String, String)]
    public let body: Data
    /// Body bytes counted but not kept (servers started with `discardBodies`).
    public var discardedBytes: Int = 0

    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    public var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }
}

/// What the scripted server does with one request.
public enum ScriptedReply: Sendable {
    case respond(status: Int, headers: [(String, String)] = [], body: Data = Data())
    /// Close the connection without answering.
    case drop
    /// Announce `announced` bytes, send `body`, then close.
    case truncated(status: Int, headers: [(String, String)], body: Data, announced: Int)
    /// Wait, then reply.
    indirect case delayed(seconds: Double, ScriptedReply)
    /// Announce `announced` bytes, send `body`, then hold the connection open until `until`
    /// returns, then close: a download that hangs half-way. `until` must also return when its
    /// task is cancelled, which is how `shutdown` ends a stalled connection.
    case stalled(status: Int, headers: [(String, String)], body: Data, announced: Int, until: @Sendable () async -> Void)

    public static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> ScriptedReply {
        .respond(status: status, headers: [("content-type", "application/json")] + headers, body: Data(text.utf8))
    }
}

/// A real HTTP/1.1 server on 127.0.0.1 whose answers a test scripts, for exercising the client's
/// transport (retries, timeouts, malformed bodies) over real sockets.
public final class ScriptedHTTPServer: Sendable {
    public typealias Handler = @Sendable (RecordedRequest, Int) async -> ScriptedReply

    private let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let state: State
    private let runner: Task<Void, Never>
    public let port: Int

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var requests: [RecordedRequest] = []
        func record(_ r: RecordedRequest) -> Int { lock.withLock { requests.append(r); return requests.count } }
        var all: [RecordedRequest] { lock.withLock { requests } }
    }

    /// Starts the server; `handler` gets each request and its 1-based index.
    public static func start(discardBodies: Bool = false, _ handler: @escaping Handler) async throws -> ScriptedHTTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: child)
                }
            }
        return ScriptedHTTPServer(channel: channel, discardBodies: discardBodies, handler: handler)
    }

    private init(channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>,
                 discardBodies: Bool, handler: @escaping Handler) {
        self.channel = channel
        self.port = channel.channel.localAddress?.port ?? 0
        let state = State()
        self.state = state
        self.runner = Task {
            try? await channel.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        group.addTask { await Self.serve(connection, state: state, discardBodies: discardBodies, handler: handler) }
                    }
                }
            }
        }
    }

    public var requests: [RecordedRequest] { state.all }

    /// Stops listening, ends every open connection and returns once they are all closed.
    public func shutdown() async {
        try? await channel.channel.close()
        runner.cancel()
        await runner.value
    }

    private static func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
                              state: State, discardBodies: Bool, handler: Handler) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = Data()
            var discarded = 0
            for try await part in inbound {
                switch part {
                case .head(let h): head = h; body = Data(); discarded = 0
                case .body(let buffer):
                    // Large uploads can be counted instead of kept (memory tests).
                    if discardBodies { discarded += buffer.readableBytes } else { body.append(contentsOf: buffer.readableBytesView) }
                case .end:
                    guard let h = head else { continue }
                    let request = RecordedRequest(method: h.method.rawValue, uri: h.uri,
                                                  headers: h.headers.map { ($0.name, $0.value) }, body: body, discardedBytes: discarded)
                    let index = state.record(request)
                    var reply = await handler(request, index)
                    while case .delayed(let seconds, let inner) = reply {
                        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                        reply = inner
                    }
                    switch reply {
                    case .drop:
                        return
                    case .respond(let status, let headers, let data):
                        var responseHeaders = HTTPHeaders(headers)
                        responseHeaders.replaceOrAdd(name: "content-length", value: String(data.count))
                        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: responseHeaders)))
                        if !data.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: data)))) }
                        try await outbound.write(.end(nil))
                    case .truncated(let status, let headers, let data, let announced):
                        var responseHeaders = HTTPHeaders(headers)
                        responseHeaders.replaceOrAdd(name: "content-length", value: String(announced))
                        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: responseHeaders)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: data))))
                        return
                    case .stalled(let status, let headers, let data, let announced, let until):
                        var responseHeaders = HTTPHeaders(headers)
                        responseHeaders.replaceOrAdd(name: "content-length", value: String(announced))
                        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: responseHeaders)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: data))))
                        await until()
                        return
                    case .delayed:
                        return
                    }
                }
            }
        }
    }
}
