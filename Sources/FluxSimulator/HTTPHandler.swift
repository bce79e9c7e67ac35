import NIOCore
import NIOHTTP1

/// One complete request, as the router sees it.
struct SimRequest: Sendable {
    let method: HTTPMethod
    let uri: String
    let headers: HTTPHeaders
    /// The body; empty when it was too large (then `bodyTooLarge` is set).
    let body: ByteBuffer
    let bodyTooLarge: Bool
}

/// One answer, plus how to (mis)deliver it.
struct SimResponse: Sendable {
    enum Delivery: Sendable, Equatable {
        case normal
        /// Close the connection without answering.
        case drop
        /// Send the head (with the full Content-Length) and this many body bytes, then close.
        case truncate(Int)
    }

    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer
    var delivery: Delivery = .normal
}

/// The per-connection handler: gathers a request's parts, hands the request to the router off
/// the event loop, and writes the answer back exactly as the router says (including faults).
/// NIO's `HTTPServerPipelineHandler` (added by `configureHTTPServerPipeline`) holds pipelined
/// requests back until the previous answer is complete, so there is one request in flight.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: Router
    private let maxBodyBytes: Int
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false

    init(router: Router, maxBodyBytes: Int) {
        self.router = router
        self.maxBodyBytes = maxBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
            let declared = head.headers.first(name: "content-length").flatMap { Int($0) }
            tooLarge = (declared ?? 0) > maxBodyBytes
            // Reserve once from Content-Length so a large upload is not copied while it grows.
            if let declared, !tooLarge, declared > 0 { body = context.channel.allocator.buffer(capacity: declared) }
            // curl asks before sending large bodies and would otherwise wait a second.
            if !tooLarge, head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                                      promise: nil)
            }
        case .body(var part):
            guard !tooLarge else { return }
            if (body?.readableBytes ?? 0) + part.readableBytes > maxBodyBytes {
                // Keep reading (and discarding) to the end so the 413 arrives in order.
                tooLarge = true
                body = nil
            } else if body == nil {
                body = part
            } else {
                body!.writeBuffer(&part)
            }
        case .end:
            guard let head else { return }
            let request = SimRequest(method: head.method, uri: head.uri, headers: head.headers,
                                     body: body ?? ByteBuffer(), bodyTooLarge: tooLarge)
            self.head = nil
            body = nil
            tooLarge = false
            let keepAlive = head.isKeepAlive
            let version = head.version
            let router = self.router
            let promise = context.eventLoop.makePromise(of: SimResponse.self)
            SimulatorExecutor.shared.task { promise.succeed(await router.respond(to: request)) }
            // Back on this channel's event loop for the write.
            promise.futureResult.assumeIsolated().whenSuccess { response in
                self.write(response, keepAlive: keepAlive, version: version, context: context)
            }
        }
    }

    private func write(_ response: SimResponse, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if response.delivery == .drop {
            context.close(promise: nil)
            return
        }
        var headers = response.headers
        headers.replaceOrAdd(name: "content-length", value: String(response.body.readableBytes))
        if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: response.status, headers: headers))),
                      promise: nil)
        if case .truncate(let length) = response.delivery {
            let partial = response.body.getSlice(at: response.body.readerIndex,
                                                 length: min(max(0, length), response.body.readableBytes)) ?? ByteBuffer()
            // The client was promised the whole body; closing after part of it is the fault.
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(partial)))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
            return
        }
        if response.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A reset by the client or a protocol error: nothing sensible to answer on this connection.
        context.close(promise: nil)
    }
}
