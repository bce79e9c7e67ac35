import Foundation
import Testing
import TestSupport
import ZIPFoundation
@testable import FluxAPI

@Suite struct FinetuneDatasetTests {
    func folder(_ files: [(String, Data)]) -> URL { Fixtures.folder(files, label: "dataset") }

    @Test func findsImagesCaptionsAndEveryProblem() {
        let png = Fixtures.png(width: 32, height: 16)
        let dir = folder([
            ("a.png", png), ("a.txt", Data("a red TOK".utf8)), ("b photo.jpg", Fixtures.jpegHeader(width: 640, height: 480)),
            ("sub/ünïcode 写真.png", png), ("sub/ünïcode 写真.txt", Data("ユニコード".utf8)),
            ("c.png", png), ("c.jpg", Fixtures.jpegHeader(width: 8, height: 8)),
            ("fake.png", Data("not an image".utf8)), ("empty.webp", Data()), ("anim.gif", Data("GIF89a".utf8)),
            ("orphan.txt", Data("no image".utf8)), ("latin1.png", png), ("latin1.txt", Data([0xE9, 0xFF])),
            (".hidden.png", png), ("-dash.png", png),
        ])
        defer { Fixtures.cleanup(dir) }
        let dataset = FinetuneDataset.scan(dir)
        #expect(dataset.images.map(\.name) == ["-dash.png", "a.png", "b photo.jpg", "c.jpg", "latin1.png", "sub/ünïcode 写真.png"])
        #expect(dataset.images.first { $0.name == "a.png" }?.caption == "a red TOK")
        #expect(dataset.images.first { $0.name == "sub/ünïcode 写真.png" }?.caption == "ユニコード")
        #expect(dataset.images.first { $0.name == "b photo.jpg" }?.info?.width == 640)
        let messages = dataset.issues.map(\.message)
        #expect(messages.contains { $0.contains("c.jpg and c.png share the name 'c'") || $0.contains("c.jpg") && $0.contains("share the name") })
        #expect(messages.contains("fake.png: not a PNG, JPEG or WebP image despite its name"))
        #expect(messages.contains("empty.webp: empty file"))
        #expect(messages.contains("anim.gif: GIF is not supported (PNG, JPEG or WebP); skipped"))
        #expect(messages.contains("orphan.txt has no image of the same name; it is left out"))
        #expect(messages.contains("latin1.txt is not UTF-8 text"))
        #expect(!dataset.canUpload)
    }

    @Test func tooFewImagesIsAWarningAndNoneIsAnError() {
        let one = folder([("a.png", Fixtures.png(width: 8, height: 8))])
        defer { Fixtures.cleanup(one) }
        let dataset = FinetuneDataset.scan(one)
        #expect(dataset.canUpload)
        #expect(dataset.issues.map(\.message) == ["only 1 image; fine-tunes work best with 5 to 20 or more"])
        let none = folder([("notes.txt", Data("x".utf8))])
        defer { Fixtures.cleanup(none) }
        #expect(FinetuneDataset.scan(none).issues.errors.map(\.message).first?.contains("holds no PNG, JPEG or WebP images") == true)
        #expect(FinetuneDataset.scan(none.appendingPathComponent("missing")).issues.first?.message.hasPrefix("no folder at") == true)
    }

    @Test func captionsAreSavedAsUTF8() throws {
        let dir = folder([("a.png", Fixtures.png(width: 8, height: 8))])
        defer { Fixtures.cleanup(dir) }
        var dataset = FinetuneDataset.scan(dir)
        try dataset.saveCaption("a TOK dog, 日本", for: "a.png")
        #expect(try String(contentsOf: dir.appendingPathComponent("a.txt"), encoding: .utf8) == "a TOK dog, 日本")
        #expect(dataset.images[0].caption == "a TOK dog, 日本")
        #expect(FinetuneDataset.scan(dir).images[0].caption == "a TOK dog, 日本")
    }

    @Test func theArchiveHoldsEveryImageWithItsCaption() throws {
        let png = Fixtures.png(width: 8, height: 8)
        let dir = folder([("a.png", png), ("a.txt", Data("cap a".utf8)), ("sub/b c.png", png), ("sub/b c.txt", Data("cap b".utf8)),
                          ("d.png", png)])
        defer { Fixtures.cleanup(dir) }
        let zip = ArchiveBuilder.temporaryURL()
        defer { try? FileManager.default.removeItem(at: zip) }
        _ = try ArchiveBuilder.build(FinetuneDataset.scan(dir), to: zip)
        let archive = try Archive(url: zip, accessMode: .read)
        #expect(Set(archive.map(\.path)) == ["a.png", "a.txt", "sub/b c.png", "sub/b c.txt", "d.png"])
        var caption = Data()
        _ = try archive.extract(try #require(archive["sub/b c.txt"])) { caption.append($0) }
        #expect(String(decoding: caption, as: UTF8.self) == "cap b")
        var image = Data()
        _ = try archive.extract(try #require(archive["a.png"])) { image.append($0) }
        #expect(image == png)
    }
}

@Suite(.awaitsAfterTest) struct FinetuneUploadTests {
    @Test func theUploadIsExactlyTheJSONWithTheArchiveInBase64() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .json(200, #"{"finetune_id":"ft-1"}"#) }
        afterTest { await server.shutdown() }
        let client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("k")))
        afterTest { await client.shutdown() }
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        // Sizes around the chunk boundary, so chunked base64 must concatenate correctly.
        let bytes = Data((0..<(Base64BodyStream.chunkSize + 5)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let file = Fixtures.write(bytes, "archive.zip", in: dir)
        let progress = ProgressLog()
        let answer = try await client.submitFinetune(
            archive: file, parameters: TaskParameters(["finetune_comment": .text("my \"first\""), "mode": .text("style"), "lora_rank": .integer(16)]),
            progress: { progress.add($0, $1) })
        #expect(answer.id == "ft-1")
        let body = String(decoding: try #require(server.requests.first).body, as: UTF8.self)
        #expect(body == #"{"file_data":""# + bytes.base64EncodedString() + #"","finetune_comment":"my \"first\"","lora_rank":16,"mode":"style"}"#)
        #expect(try JSONValue.parse(body)["file_data"]?.stringValue.flatMap { Data(base64Encoded: $0) } == bytes)
        #expect(progress.last?.0 == progress.last?.1)
        #expect(progress.last?.1 == body.utf8.count)
        // Only file_data: the suffix closes the object.
        _ = try await client.submitFinetune(archive: file, parameters: TaskParameters())
        #expect(String(decoding: server.requests[1].body, as: UTF8.self).hasSuffix("\"}"))
    }

    @Test func memoryStaysFlatWhileALargeArchiveUploads() async throws {
        let server = try await ScriptedHTTPServer.start(discardBodies: true) { _, _ in .json(200, #"{"finetune_id":"big"}"#) }
        afterTest { await server.shutdown() }
        let client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("k")))
        afterTest { await client.shutdown() }
        let dir = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanup(dir) }
        // 160 MiB archive, written sparse-free in 1 MiB blocks.
        let file = dir.appendingPathComponent("big.zip")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        let block = Data(repeating: 0x5A, count: 1 << 20)
        for _ in 0..<160 { try handle.write(contentsOf: block) }
        try handle.close()
        let before = try #require(Memory.residentBytes(), "resident memory cannot be read here")
        let peak = PeakTracker()
        _ = try await client.submitFinetune(archive: file, parameters: TaskParameters(["mode": .text("style")])) { sent, total in
            if let now = Memory.residentBytes() { peak.sample(now, at: Double(sent) / Double(max(total, 1))) }
        }
        let request = try #require(server.requests.first)
        #expect(request.discardedBytes == (160 << 20) / 3 * 4 + 4 + #"{"file_data":""#.utf8.count + #"","mode":"style"}"#.utf8.count)
        // A peak is only worth something if memory was read while the body streamed, not just at its start.
        let sampled = try #require(peak.value, "no memory sample was taken during the upload")
        #expect(peak.latestFraction >= 0.5, "memory was last sampled at \(Int(peak.latestFraction * 100))% of the upload")
        let growth = sampled - before
        #expect(growth < 64 << 20, "resident memory grew by \(growth >> 20) MiB while uploading 213 MiB")
    }
}

final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(Int, Int)] = []
    func add(_ sent: Int, _ total: Int) { lock.withLock { entries.append((sent, total)) } }
    var last: (Int, Int)? { lock.withLock { entries.last } }
}

/// The highest resident size seen, and how far into the upload the last sample was taken.
final class PeakTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var peak: Int?
    private var fraction = 0.0
    func sample(_ bytes: Int, at uploadedFraction: Double) {
        lock.withLock {
            peak = max(peak ?? bytes, bytes)
            fraction = max(fraction, uploadedFraction)
        }
    }
    /// Nil until a sample was taken.
    var value: Int? { lock.withLock { peak } }
    var latestFraction: Double { lock.withLock { fraction } }
}

enum Memory {
    /// Current resident set size, from /proc/self/statm; nil when it cannot be read.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }), pages > 0 else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
