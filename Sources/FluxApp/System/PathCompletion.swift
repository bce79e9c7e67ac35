import Foundation

/// Tab completion for file paths, as a shell does it: complete to the longest common prefix of the
/// matching entries; a lone directory gets a trailing "/". Hidden files only when asked for with a
/// leading dot.
public enum PathCompletion {
    public struct Result: Equatable, Sendable {
        public let text: String
        /// Matching names when the completion is ambiguous (for a hint), at most 8.
        public let candidates: [String]
    }

    public static func complete(_ text: String, fileManager: FileManager = .default) -> Result? {
        guard !text.isEmpty else { return nil }
        let prefixAt = text.hasPrefix("@") ? "@" : ""
        let raw = String(text.dropFirst(prefixAt.count))
        let expanded = raw.hasPrefix("~/") ? (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + raw.dropFirst() : raw
        let directory: String
        let partial: String
        if expanded.hasSuffix("/") {
            directory = expanded
            partial = ""
        } else {
            let url = URL(fileURLWithPath: expanded)
            directory = expanded.contains("/") ? url.deletingLastPathComponent().path + "/" : "./"
            partial = url.lastPathComponent
        }
        guard let entries = try? fileManager.contentsOfDirectory(atPath: directory) else { return nil }
        let matches = entries.filter { $0.hasPrefix(partial) && (partial.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted()
        guard !matches.isEmpty else { return nil }
        var common = matches[0]
        for m in matches.dropFirst() {
            while !m.hasPrefix(common) { common.removeLast() }
        }
        // Rebuild on the text the user typed (keep "~/", relative paths, "@").
        let typedDirectory = raw.hasSuffix("/") ? raw : (raw.contains("/") ? String(raw[...raw.lastIndex(of: "/")!]) : "")
        var completed = typedDirectory + common
        if matches.count == 1 {
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: directory + common, isDirectory: &isDirectory), isDirectory.boolValue {
                completed += "/"
            }
        }
        return Result(text: prefixAt + completed, candidates: matches.count > 1 ? Array(matches.prefix(8)) : [])
    }
}
