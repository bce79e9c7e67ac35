import FluxAPI
import Foundation

/// A file a form field names, to inspect off the loop.
public struct FileCheck: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case image, archive }
    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }
}

/// What the app knows about a file a field names: the image's format and size, or the problem.
public struct FileFacts: Sendable, Equatable {
    public var image: ImageInfo?
    public var problem: String?

    public init(image: ImageInfo? = nil, problem: String? = nil) {
        self.image = image
        self.problem = problem
    }
}

/// Inspects files off the UI loop and remembers the answers by path and modification time, so a
/// file read once is not read again until it changes (typing a path re-asks at every key).
actor FileInspector {
    private var cache: [String: (modified: Date?, facts: FileFacts)] = [:]

    func facts(for check: FileCheck) -> FileFacts {
        let modified = (try? FileManager.default.attributesOfItem(atPath: check.path))?[.modificationDate] as? Date
        if let hit = cache[check.path], hit.modified == modified, modified != nil { return hit.facts }
        let facts = Self.inspect(check)
        if cache.count > 256 { cache.removeAll() }
        cache[check.path] = (modified, facts)
        return facts
    }

    static func inspect(_ check: FileCheck) -> FileFacts {
        if check.kind == .archive { return FileFacts(problem: ArchiveInspector.problem(path: check.path)) }
        do { return FileFacts(image: try ImageInspector.inspect(path: check.path)) } catch {
            return FileFacts(problem: error.description)
        }
    }
}
