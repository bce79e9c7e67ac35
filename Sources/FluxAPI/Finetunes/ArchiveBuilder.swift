import Foundation

/// Writes a dataset's training ZIP to a file: the same bytes an upload of the folder streams
/// (`ZipPlan`), for when a file is wanted (saving the archive, comparing in benchmarks).
public enum ArchiveBuilder {
    public static func build(_ dataset: FinetuneDataset, to url: URL) throws -> URL {
        let plan = try ZipPlan(dataset: dataset)
        try? FileManager.default.removeItem(at: url)
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw FluxError.configuration("cannot create \(url.path)")
        }
        defer { try? handle.close() }
        let reader = plan.makeReader()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        do {
            while true {
                let count = try reader.read(into: chunk)
                if count > 0 { try handle.write(contentsOf: Data(bytesNoCopy: chunk.baseAddress!, count: count, deallocator: .none)) }
                if count < chunk.count { break }
            }
        } catch {
            try? FileManager.default.removeItem(at: url)
            if let error = error as? FluxError { throw error }
            throw FluxError.configuration("cannot write \(url.path): \((error as NSError).localizedDescription)")
        }
        return url
    }

    /// A temporary file for an archive.
    public static func temporaryURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("flux-finetune-\(UUID().uuidString.prefix(8)).zip")
    }
}
