import Foundation
import Testing
import TestSupport
import ZIPFoundation
@testable import FluxAPI

/// The streamed training ZIP, read back with an independent reader (ZIPFoundation, which checks
/// every CRC-32 as it extracts).
@Suite(.awaitsAfterTest) struct ZipStreamTests {
    func folder(_ files: [(String, Data)]) -> URL { Fixtures.folder(files, label: "zipstream") }

    /// Reads a whole plan through a buffer of `chunk` bytes.
    func bytes(of plan: ZipPlan, chunk: Int) throws -> [UInt8] {
        let reader = plan.makeReader()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 8)
        defer { buffer.deallocate() }
        var out: [UInt8] = []
        while true {
            let n = try reader.read(into: buffer)
            out.append(contentsOf: buffer[0..<n])
            if n < chunk { break }
        }
        #expect(try reader.read(into: buffer) == 0, "a finished reader stays finished")
        return out
    }

    @Test func theStreamIsAZipWithEveryImageAndCaptionIntact() throws {
        let png = Fixtures.png(width: 16, height: 8)
        // A JPEG large enough to span several read buffers, and non-ASCII names in a subfolder.
        var jpeg = Fixtures.jpegHeader(width: 640, height: 480)
        jpeg.append(Fixtures.noise(300_001, seed: 7))
        let dir = folder([("a.png", png), ("a.txt", Data("a red TOK".utf8)), ("sub/ünïcode 写真.jpg", jpeg),
                          ("sub/ünïcode 写真.txt", Data("ユニコード".utf8)), ("z.png", png)])
        defer { Fixtures.cleanup(dir) }
        let plan = try ZipPlan(dataset: FinetuneDataset.scan(dir))
        #expect(plan.entries.map(\.name) == ["a.png", "a.txt", "sub/ünïcode 写真.jpg", "sub/ünïcode 写真.txt", "z.png"])
        let whole = try bytes(of: plan, chunk: 1 << 20)
        #expect(whole.count == plan.length, "the planned length is what gets sent (it is the Content-Length)")

        let archive = try Archive(data: Data(whole), accessMode: .read)
        #expect(archive.map(\.path) == plan.entries.map(\.name))
        func extract(_ name: String) throws -> Data {
            var data = Data()
            _ = try archive.extract(try #require(archive[name]), skipCRC32: false) { data.append($0) }
            return data
        }
        #expect(try extract("a.png") == png)
        #expect(try extract("sub/ünïcode 写真.jpg") == jpeg)
        #expect(String(decoding: try extract("sub/ünïcode 写真.txt"), as: UTF8.self) == "ユニコード")
        #expect(try extract("a.txt") == Data("a red TOK".utf8))
        // Both copies of every CRC-32 (the data descriptor ZIPFoundation reads, and the central
        // directory most other readers use) match a CRC computed bit by bit (`Fixtures.crc32`).
        let directory = centralDirectory(whole)
        #expect(directory.map(\.name) == plan.entries.map(\.name))
        for (entry, listed) in zip(archive, directory) {
            let data = try extract(entry.path)
            #expect(entry.checksum == Fixtures.crc32([UInt8](data)), "\(entry.path): data descriptor")
            #expect(listed.crc == Fixtures.crc32([UInt8](data)), "\(entry.path): central directory")
            #expect(listed.size == data.count)
        }
        // Stored, not deflated: images are compressed already.
        #expect(archive.allSatisfy { $0.type == .file && $0.compressedSize == $0.uncompressedSize })
        // Each entry keeps its file's modification time (to the two seconds ZIP can hold).
        let modified = try #require(try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("a.png").path)[.modificationDate] as? Date)
        let stored = try #require(archive["a.png"]?.fileAttributes[.modificationDate] as? Date)
        #expect(abs(stored.timeIntervalSince(modified)) <= 2)
    }

    /// The central directory's entries, found through the end record.
    func centralDirectory(_ zip: [UInt8]) -> [(name: String, crc: UInt32, size: Int)] {
        func le16(_ i: Int) -> Int { Int(zip[i]) | Int(zip[i + 1]) << 8 }
        func le32(_ i: Int) -> Int { le16(i) | le16(i + 2) << 16 }
        let end = zip.count - 22
        guard end >= 0, le32(end) == 0x0605_4B50 else { return [] }
        var p = le32(end + 16)
        var entries: [(String, UInt32, Int)] = []
        for _ in 0..<le16(end + 10) {
            guard le32(p) == 0x0201_4B50 else { return entries }
            let nameLength = le16(p + 28)
            entries.append((String(decoding: zip[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self), UInt32(le32(p + 16)), le32(p + 24)))
            p += 46 + nameLength + le16(p + 30) + le16(p + 32)
        }
        return entries
    }

    @Test func anyBufferSizeGivesTheSameBytes() throws {
        let dir = folder([("a.png", Fixtures.png(width: 8, height: 8)), ("a.txt", Data("cap".utf8)),
                          ("b.jpg", Fixtures.jpegHeader(width: 8, height: 8) + Fixtures.noise(10_000, seed: 3)), ("empty caption.png", Fixtures.png(width: 4, height: 4)),
                          ("empty caption.txt", Data())])
        defer { Fixtures.cleanup(dir) }
        let plan = try ZipPlan(dataset: FinetuneDataset.scan(dir))
        let reference = try bytes(of: plan, chunk: 1 << 16)
        for chunk in [1, 3, 7, 30, 46, 4096] {
            #expect(try bytes(of: plan, chunk: chunk) == reference, "chunk \(chunk)")
        }
        // The file writer produces the very same archive.
        let zip = ArchiveBuilder.temporaryURL()
        defer { try? FileManager.default.removeItem(at: zip) }
        _ = try ArchiveBuilder.build(FinetuneDataset.scan(dir), to: zip)
        #expect([UInt8](try Data(contentsOf: zip)) == reference)
        #expect(try Archive(url: zip, accessMode: .read).map(\.path).contains("empty caption.txt"))
    }

    @Test func aFileThatChangesBeforeItIsReadStopsTheStreamWithTheReason() throws {
        let dir = folder([("a.png", Fixtures.png(width: 8, height: 8)), ("b.png", Fixtures.png(width: 8, height: 8))])
        defer { Fixtures.cleanup(dir) }
        let dataset = FinetuneDataset.scan(dir)
        let b = dir.appendingPathComponent("b.png")

        let grown = try ZipPlan(dataset: dataset)
        try (Fixtures.png(width: 8, height: 8) + Data([1, 2, 3])).write(to: b)
        #expect(throws: FluxError.configuration("b.png changed size while it was being uploaded; nothing was created, try again")) {
            _ = try bytes(of: grown, chunk: 4096)
        }

        try Data([0x89]).write(to: b)
        let shrunk = grown
        #expect(throws: FluxError.configuration("b.png changed size while it was being uploaded; nothing was created, try again")) {
            _ = try bytes(of: shrunk, chunk: 4096)
        }

        try FileManager.default.removeItem(at: b)
        do {
            _ = try bytes(of: shrunk, chunk: 4096)
            Issue.record("a missing file must stop the stream")
        } catch let error as FluxError {
            #expect("\(error)".contains("cannot read \(b.path): No such file or directory"))
        }
        // Planning checks every file up front.
        #expect(throws: FluxError.self) { _ = try ZipPlan(dataset: dataset) }
    }

    @Test func tooManyFilesForAPlainZipIsRefusedBeforeAnythingIsRead() throws {
        let dir = folder([("a.png", Fixtures.png(width: 8, height: 8))])
        defer { Fixtures.cleanup(dir) }
        let file = dir.appendingPathComponent("a.png")
        let files = Array(repeating: (name: "a.png", source: file), count: 65_536)
        #expect(throws: FluxError.configuration("the archive would hold 65536 files; a ZIP without ZIP64 holds at most 65,535")) {
            _ = try ZipPlan(files: files)
        }
    }

    @Test func theUploadOfAFolderIsTheJSONWithItsZipInBase64() async throws {
        let server = try await ScriptedHTTPServer.start { _, _ in .json(200, #"{"finetune_id":"ft-zip"}"#) }
        afterTest { await server.shutdown() }
        let client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("k")))
        afterTest { await client.shutdown() }
        // Big enough for several body chunks.
        var jpeg = Fixtures.jpegHeader(width: 64, height: 64)
        jpeg.append(Fixtures.noise(Base64BodyStream.chunkSize * 2 + 11, seed: 9))
        let dir = folder([("a.jpg", jpeg), ("a.txt", Data("TOK".utf8)), ("b.png", Fixtures.png(width: 8, height: 8))])
        defer { Fixtures.cleanup(dir) }
        let plan = try ZipPlan(dataset: FinetuneDataset.scan(dir))
        let expected = try bytes(of: plan, chunk: 1 << 20)
        let progress = ProgressLog()
        let answer = try await client.submitFinetune(source: .zip(plan), parameters: TaskParameters(["mode": .text("style")]),
                                                     progress: { progress.add($0, $1) })
        #expect(answer.id == "ft-zip")
        let request = try #require(server.requests.first)
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body == #"{"file_data":""# + Data(expected).base64EncodedString() + #"","mode":"style"}"#)
        #expect(request.header("content-length") == "\(request.body.count)")
        #expect(progress.last?.0 == request.body.count && progress.last?.1 == request.body.count)
        let zip = try #require(JSONValue.parse(request.body)["file_data"]?.stringValue.flatMap { Data(base64Encoded: $0) })
        #expect(try Archive(data: zip, accessMode: .read).map(\.path) == ["a.jpg", "a.txt", "b.png"])
    }

    @Test func aFileThatVanishesMidUploadFailsClearlyAndIsNotRetried() async throws {
        let server = try await ScriptedHTTPServer.start(discardBodies: true) { _, _ in .json(200, #"{"finetune_id":"never"}"#) }
        afterTest { await server.shutdown() }
        let client = try FluxClient(ClientConfiguration(serverURL: server.baseURL, apiKey: APIKey("k")))
        afterTest { await client.shutdown() }
        let dir = folder([("a.png", Fixtures.png(width: 8, height: 8)), ("b.png", Fixtures.png(width: 8, height: 8))])
        defer { Fixtures.cleanup(dir) }
        let dataset = FinetuneDataset.scan(dir)
        let plan = try ZipPlan(dataset: dataset)
        try Data([1]).write(to: dir.appendingPathComponent("b.png"))
        await #expect(throws: FluxError.configuration("b.png changed size while it was being uploaded; nothing was created, try again")) {
            _ = try await client.submitFinetune(source: .zip(plan), parameters: TaskParameters())
        }
        #expect(server.requests.isEmpty, "the server never saw a whole request")
    }
}
