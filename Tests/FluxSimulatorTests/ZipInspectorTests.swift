@testable import FluxSimulator
import Foundation
import TestSupport
import Testing

@Suite struct ZipInspectorTests {
    static let png = Fixtures.png(width: 4, height: 4)

    @Test func countsImagesAndCaptionsSkippingFoldersAndMacJunk() {
        let archive = Fixtures.zip([
            ("a.PNG", Self.png), ("a.txt", Data("cap".utf8)), ("sub/", Data()), ("sub/b.jpeg", Self.png),
            ("__MACOSX/sub/._b.jpeg", Data()), (".hidden.png", Self.png), ("readme.md", Data()),
        ])
        let summary = ZipInspector.inspect(base64: archive.base64EncodedString())
        #expect(summary == .success(.init(entries: 7, images: 2, captions: 1)))
        #expect(ZipInspector.inspect(bytes: [UInt8](archive)) == summary)
    }

    @Test func acceptsDataURLsLineBreaksAndTrailingComments() {
        var archive = Fixtures.zip([("x.jpg", Self.png)])
        // A 300-byte archive comment: the end record is no longer the last 22 bytes.
        let comment = [UInt8](repeating: 0x41, count: 300)
        archive[archive.count - 2] = UInt8(comment.count & 0xFF)
        archive[archive.count - 1] = UInt8(comment.count >> 8)
        archive.append(contentsOf: comment)
        let expected = ZipInspector.Summary(entries: 1, images: 1, captions: 0)
        #expect(ZipInspector.inspect(base64: archive.base64EncodedString()) == .success(expected))
        #expect(ZipInspector.inspect(base64: "data:application/zip;base64," + archive.base64EncodedString()) == .success(expected))
        let wrapped = archive.base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        #expect(ZipInspector.inspect(base64: wrapped) == .success(expected))
    }

    @Test func readsZip64Archives() {
        // Stored entry + central directory + ZIP64 end record and locator + an end record of 0xFFFFs.
        let name = Array("img.png".utf8), data = [UInt8](Self.png)
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16((v >> 16) & 0xFFFF) }
        func le64(_ v: Int) -> [UInt8] { le32(v & 0xFFFF_FFFF) + le32(v >> 32) }
        let crc = Int(Fixtures.crc32(data))
        var out = le32(0x04034B50) + le16(45) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc)
        out += le32(data.count) + le32(data.count) + le16(name.count) + le16(0) + name + data
        let directoryOffset = out.count
        var directory = le32(0x02014B50) + le16(45) + le16(45) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc)
        directory += le32(data.count) + le32(data.count) + le16(name.count) + le16(0) + le16(0) + le16(0) + le16(0)
        directory += le32(0) + le32(0) + name
        out += directory
        let recordOffset = out.count
        out += le32(0x06064B50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0) + le64(1) + le64(1)
        out += le64(directory.count) + le64(directoryOffset)
        out += le32(0x07064B50) + le32(0) + le64(recordOffset) + le32(1)
        out += le32(0x06054B50) + le16(0xFFFF) + le16(0xFFFF) + le16(0xFFFF) + le16(0xFFFF)
        out += le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le16(0)
        #expect(ZipInspector.inspect(bytes: out) == .success(.init(entries: 1, images: 1, captions: 0)))
        #expect(ZipInspector.inspect(base64: Data(out).base64EncodedString()) == .success(.init(entries: 1, images: 1, captions: 0)))
    }

    @Test func refusesWhatIsNotAUsableZip() {
        #expect(ZipInspector.inspect(base64: "%%%not base64%%%") == .failure(.notBase64))
        #expect(ZipInspector.inspect(base64: Data("hello world!".utf8).base64EncodedString()) == .failure(.notAZip))
        #expect(ZipInspector.inspect(bytes: [UInt8](Fixtures.zip([]))) == .failure(.emptyArchive))
        let archive = [UInt8](Fixtures.zip([("a.png", Self.png)]))
        // Cut off the end: the directory can no longer be found.
        if case .failure(.damaged) = ZipInspector.inspect(bytes: Array(archive.prefix(archive.count - 30))) {} else {
            Issue.record("a truncated archive was accepted")
        }
        #expect(ZipInspector.inspect(bytes: [UInt8](Fixtures.zip([("a.txt", Data())]))) == .failure(.noImages(entries: 1)))
    }
}
