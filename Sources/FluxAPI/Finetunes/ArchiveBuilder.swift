import Foundation
import ZIPFoundation

/// Builds the training ZIP with ZIPFoundation: images stored as they are (already compressed),
/// each with its caption. Written to a temporary file so the upload can stream it.
public enum ArchiveBuilder {
    public static func build(_ dataset: FinetuneDataset, to url: URL) throws -> URL {
        guard dataset.canUpload else { throw FluxError.invalidInput(dataset.issues.errors) }
        try? FileManager.default.removeItem(at: url)
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .create) } catch {
            throw FluxError.configuration("cannot create \(url.path): \(error)")
        }
        do {
            for image in dataset.images {
                try archive.addEntry(with: image.name, fileURL: image.url, compressionMethod: .none)
                if let caption = image.captionURL {
                    let name = String(image.name.dropLast(image.url.pathExtension.count)) + "txt"
                    try archive.addEntry(with: name, fileURL: caption, compressionMethod: .deflate)
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw FluxError.configuration("cannot build the archive: \(error)")
        }
        return url
    }

    /// A temporary file for an archive.
    public static func temporaryURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("flux-finetune-\(UUID().uuidString.prefix(8)).zip")
    }
}
