import FluxAPI
import FluxSimulator
import Foundation
import ImageCodec
import TestSupport
import Testing

/// Starts a simulator and a real `FluxClient` pointed at it, and always shuts both down.
@discardableResult
func withSimulator<T>(
    _ configuration: SimulatorConfiguration = SimulatorConfiguration(taskSeconds: 0.2, finetuneSeconds: 0.2),
    key: String = "test-key",
    retryPolicy: RetryPolicy = .sdkDefault,
    _ body: (SimulatorServer, FluxClient) async throws -> T
) async throws -> T {
    let server = try await SimulatorServer.start(configuration)
    let client: FluxClient
    do {
        client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey(key), retryPolicy: retryPolicy))
    } catch {
        try? await server.shutdown()
        throw error
    }
    do {
        let result = try await body(server, client)
        await client.shutdown()
        try await server.shutdown()
        return result
    } catch {
        await client.shutdown()
        try? await server.shutdown()
        throw error
    }
}

/// Fast default timing for tests; `tweak` adjusts the rest.
func config(_ tweak: (inout SimulatorConfiguration) -> Void = { _ in }) -> SimulatorConfiguration {
    var c = SimulatorConfiguration(taskSeconds: 0.2, finetuneSeconds: 0.2, ultraMegapixels: 0.1)
    tweak(&c)
    return c
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls until the task is final (or 15 s pass), returning every answer seen.
@discardableResult
func pollUntilFinal(_ client: FluxClient, _ submitted: SubmitResponse, interval: Double = 0.05) async throws -> [ResultResponse] {
    var seen: [ResultResponse] = []
    let deadline = ContinuousClock.now + .seconds(15)
    while ContinuousClock.now < deadline {
        let result = try await client.result(id: submitted.id, pollingURL: submitted.pollingURL)
        seen.append(result)
        if result.status.isFinal { return seen }
        try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
    }
    throw TimedOut(what: "task \(submitted.id)")
}

func prepare(_ endpointID: String, _ values: [String: FieldValue]) throws -> PreparedRequest {
    let endpoint = try #require(EndpointRegistry.endpoint(named: endpointID))
    return try RequestPreparer.prepare(endpoint, TaskParameters(values)).get()
}

func submitAndWait(_ client: FluxClient, _ endpointID: String, _ values: [String: FieldValue]) async throws -> ResultResponse {
    let submitted = try await client.submit(try prepare(endpointID, values))
    let final = try #require(try await pollUntilFinal(client, submitted).last)
    return final
}

/// Downloads with the client core's downloader and decodes the bytes.
func download(_ client: FluxClient, _ url: String, attempts: Int = 1) async throws -> (bytes: [UInt8], image: RGBAImage) {
    let directory = Fixtures.temporaryDirectory("flux-sim")
    defer { Fixtures.cleanup(directory) }
    let file = try await ResultDownloader(transport: client.transport, attempts: attempts)
        .download(url, into: directory, baseName: "sample", fallbackExtension: "bin")
    let bytes = [UInt8](try Data(contentsOf: file))
    return (bytes, try ImageDecoder.decode(bytes))
}

/// Images and archives written to a temporary folder for the image/archive fields.
final class TestFiles: @unchecked Sendable {
    let directory = Fixtures.temporaryDirectory("flux-sim-files")

    deinit { Fixtures.cleanup(directory) }

    func write(_ data: Data, _ name: String) -> String {
        Fixtures.write(data, name, in: directory).path
    }

    func png(_ image: RGBAImage, _ name: String) throws -> String {
        write(Data(try PNGCodec.encode(image)), name)
    }

    /// Dark left half, light right half, bright square in the middle: edges and depth to follow.
    static func control(width: Int = 96, height: Int = 64, mirrored: Bool = false) -> RGBAImage {
        var image = RGBAImage(width: width, height: height, fill: .init(r: 30, g: 30, b: 30))
        for y in 0..<height {
            for x in 0..<width {
                let light = mirrored ? x < width / 2 : x >= width / 2
                if light { image[x, y] = .init(r: 210, g: 200, b: 190) }
                if abs(x - width / 2) < 8 && abs(y - height / 2) < 8 { image[x, y] = .white }
            }
        }
        return image
    }

    func trainingZip(images: Int = 2, captions: Bool = true) -> String {
        var files: [(String, Data)] = []
        for i in 0..<images {
            files.append(("data/img\(i).png", Fixtures.png(width: 32, height: 32, rgb: (UInt8(40 * i), 90, 200))))
            if captions { files.append(("data/img\(i).txt", Data("a photo of TOK number \(i)".utf8))) }
        }
        return write(Fixtures.zip(files), "train-\(UUID().uuidString.prefix(6)).zip")
    }
}

/// A bare HTTP/1.1 client on a blocking socket, for what a real client hides: exact status and
/// headers of error answers, dropped connections, truncated bodies. Blocks a thread of its own,
/// never one of Swift's cooperative pool (the simulator's handlers need that pool).
enum RawHTTP {
    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        /// True when the server closed before sending any byte.
        var dropped: Bool
        var text: String { String(decoding: body, as: UTF8.self) }
        var declaredLength: Int? { headers["content-length"].flatMap(Int.init) }
        var json: JSONValue? { try? JSONValue.parse(Data(body)) }
        /// A 422's `detail` entries (empty for any other answer).
        var details: [(loc: [String], type: String, msg: String)] { json?.validationDetails ?? [] }
    }

    static func request(port: Int, _ method: String, _ path: String, headers: [String: String] = ["x-key": "test-key"],
                        body: [UInt8] = []) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            // A thread of its own: on Linux a blocked Dispatch worker also starves Swift's
            // cooperative pool (both draw on the same workers) until Dispatch adds threads.
            let thread = Thread {
                continuation.resume(with: Result { try send(port: port, method, path, headers: headers, body: body) })
            }
            thread.start()
        }
    }

    static func json(port: Int, _ method: String, _ path: String, _ body: String, key: String? = "test-key") async throws -> Response {
        var headers = ["content-type": "application/json"]
        if let key { headers["x-key"] = key }
        return try await request(port: port, method, path, headers: headers, body: Array(body.utf8))
    }

    struct SocketError: Error { let what: String }

    private static func send(port: Int, _ method: String, _ path: String, headers: [String: String], body: [UInt8]) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(what: "socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SocketError(what: "connect: errno \(errno)") }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        let request = Array(head.utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw SocketError(what: "send") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }  // EOF, reset or timeout: the answer is what arrived
            received += buffer[0..<n]
        }
        guard let split = find([13, 10, 13, 10], in: received) else {
            return Response(status: 0, headers: [:], body: received, dropped: received.isEmpty)
        }
        let lines = String(decoding: received[0..<split], as: UTF8.self).components(separatedBy: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var parsed: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            parsed[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: parsed, body: Array(received[(split + 4)...]), dropped: false)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<i + needle.count]) == needle { return i }
        }
        return nil
    }
}

extension JSONValue {
    /// The `detail` list of a 422 as (loc, type) pairs.
    var validationDetails: [(loc: [String], type: String, msg: String)] {
        (self["detail"]?.arrayValue ?? []).map { entry in
            let loc = (entry["loc"]?.arrayValue ?? []).map { $0.stringValue ?? $0.intValue.map(String.init) ?? "?" }
            return (loc, entry["type"]?.stringValue ?? "", entry["msg"]?.stringValue ?? "")
        }
    }
}
