import Foundation
import TestSupport
import Testing
@testable import FluxApp

/// Tab completion of file paths, as a shell does it.
@Suite struct PathCompletionTests {
    /// A file manager that lists a made-up home folder, so "~/" is tested without touching $HOME.
    /// (Only the listing can be faked on Linux; the names are chosen not to exist for real.)
    final class FakeFileManager: FileManager, @unchecked Sendable {
        let listings: [String: [String]]

        init(listings: [String: [String]]) {
            self.listings = listings
            super.init()
        }

        override func contentsOfDirectory(atPath path: String) throws -> [String] {
            guard let entries = listings[path] else { throw CocoaError(.fileReadNoSuchFile) }
            return entries
        }
    }

    static var home: String { ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory() }

    static func folder() throws -> URL {
        let dir = Fixtures.temporaryDirectory("path-completion")
        Fixtures.write(Data("x".utf8), "sunset-beach.png", in: dir)
        Fixtures.write(Data("x".utf8), "sunrise.png", in: dir)
        Fixtures.write(Data("x".utf8), "sunrise.jpg", in: dir)
        Fixtures.write(Data("x".utf8), "mask.png", in: dir)
        Fixtures.write(Data("x".utf8), ".hidden.png", in: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("pictures"), withIntermediateDirectories: true)
        return dir
    }

    @Test func aUniqueFileIsCompletedWhole() throws {
        let dir = try Self.folder()
        defer { Fixtures.cleanup(dir) }
        let result = PathCompletion.complete(dir.path + "/suns")
        #expect(result == PathCompletion.Result(text: dir.path + "/sunset-beach.png", candidates: []))
        #expect(PathCompletion.complete(dir.path + "/m")?.text == dir.path + "/mask.png")
    }

    @Test func aDirectoryGetsATrailingSlash() throws {
        let dir = try Self.folder()
        defer { Fixtures.cleanup(dir) }
        #expect(PathCompletion.complete(dir.path + "/pic") == PathCompletion.Result(text: dir.path + "/pictures/", candidates: []))
        // The folder itself, with its slash, lists its (visible) entries as candidates.
        let inside = try #require(PathCompletion.complete(dir.path + "/"))
        #expect(inside.text == dir.path + "/")
        #expect(inside.candidates == ["mask.png", "pictures", "sunrise.jpg", "sunrise.png", "sunset-beach.png"])
    }

    @Test func anAmbiguousNameCompletesTheCommonPrefixAndListsTheCandidates() throws {
        let dir = try Self.folder()
        defer { Fixtures.cleanup(dir) }
        let first = try #require(PathCompletion.complete(dir.path + "/s"))
        #expect(first.text == dir.path + "/sun")
        #expect(first.candidates == ["sunrise.jpg", "sunrise.png", "sunset-beach.png"])
        let second = try #require(PathCompletion.complete(dir.path + "/sunr"))
        #expect(second.text == dir.path + "/sunrise.")
        #expect(second.candidates == ["sunrise.jpg", "sunrise.png"])
    }

    @Test func atMostEightCandidatesAreListed() throws {
        let dir = Fixtures.temporaryDirectory("path-many")
        defer { Fixtures.cleanup(dir) }
        for i in 0..<12 { Fixtures.write(Data("x".utf8), "img-\(String(format: "%02d", i)).png", in: dir) }
        let result = try #require(PathCompletion.complete(dir.path + "/img"))
        #expect(result.text == dir.path + "/img-")
        #expect(result.candidates.count == 8)
        #expect(result.candidates.first == "img-00.png")
    }

    @Test func hiddenFilesOnlyWhenAskedForWithADot() throws {
        let dir = try Self.folder()
        defer { Fixtures.cleanup(dir) }
        #expect(PathCompletion.complete(dir.path + "/.h")?.text == dir.path + "/.hidden.png")
        #expect(PathCompletion.complete(dir.path + "/")?.candidates.contains(".hidden.png") == false)
    }

    @Test func nothingToCompleteGivesNil() throws {
        let dir = try Self.folder()
        defer { Fixtures.cleanup(dir) }
        #expect(PathCompletion.complete("") == nil)
        #expect(PathCompletion.complete(dir.path + "/zebra") == nil)
        #expect(PathCompletion.complete(dir.path + "/no-such-folder/x") == nil)
    }

    @Test func anAtSignBeforeThePathIsKept() throws {
        let dir = try Self.folder()
        defer { Fixtures.cleanup(dir) }
        #expect(PathCompletion.complete("@" + dir.path + "/suns")?.text == "@" + dir.path + "/sunset-beach.png")
    }

    @Test func aTildePathIsListedInTheHomeFolderAndKeepsItsTilde() throws {
        let home = Self.home
        let folder = "Flux-Fake-Pictures-7f3a"
        let fake = FakeFileManager(listings: [home + "/": [folder, "flux-fake-portrait-7f3a.png", ".profile"],
                                              home + "/\(folder)/": ["cat.png", "cow.jpg"]])
        #expect(PathCompletion.complete("~/flux-fake-p", fileManager: fake)
                == PathCompletion.Result(text: "~/flux-fake-portrait-7f3a.png", candidates: []))
        #expect(PathCompletion.complete("~/\(folder)/ca", fileManager: fake)?.text == "~/\(folder)/cat.png")
        let both = try #require(PathCompletion.complete("~/\(folder)/c", fileManager: fake))
        #expect(both.text == "~/\(folder)/c")
        #expect(both.candidates == ["cat.png", "cow.jpg"])
        let all = try #require(PathCompletion.complete("~/", fileManager: fake))
        #expect(all.text == "~/")
        #expect(all.candidates == [folder, "flux-fake-portrait-7f3a.png"])
    }
}
