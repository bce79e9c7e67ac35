import Foundation

/// One training image found in a fine-tune folder.
public struct DatasetImage: Sendable, Equatable, Identifiable {
    /// Path relative to the folder (also the name inside the ZIP).
    public let name: String
    public let url: URL
    public let info: ImageInfo?
    /// The same-named `.txt` caption, if there is one.
    public let captionURL: URL?
    public var caption: String?
    public var id: String { name }

    /// Where the caption is (or would be) saved.
    public var captionTarget: URL { captionURL ?? url.deletingPathExtension().appendingPathExtension("txt") }
}

/// A folder of training images and captions, checked before anything is zipped or uploaded.
public struct FinetuneDataset: Sendable, Equatable {
    public let folder: URL
    public private(set) var images: [DatasetImage]
    public let issues: [ValidationIssue]
    public let imageBytes: Int
    public let captionBytes: Int

    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "webp"]
    static let otherImageExtensions: Set<String> = ["gif", "bmp", "tif", "tiff", "heic", "heif", "avif", "svg", "raw", "cr2", "nef"]
    public static let recommendedMinimum = 5
    public static let maxArchiveBytes = 1024 * 1024 * 1024

    /// ZIP size: the files are stored as they are, plus headers per entry.
    public var archiveBytes: Int { imageBytes + captionBytes + (images.count * 2 + 1) * 200 }
    /// What goes over the wire: the archive base64-encoded inside JSON.
    public var uploadBytes: Int { (archiveBytes + 2) / 3 * 4 + 512 }
    public var captionedCount: Int { images.filter { $0.captionURL != nil }.count }
    public var canUpload: Bool { !issues.hasErrors }

    /// Scans `folder` (and its subfolders) for images and captions and lists every problem.
    public static func scan(_ folder: URL, fileManager: FileManager = .default) -> FinetuneDataset {
        var issues: [ValidationIssue] = []
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: folder.path, isDirectory: &isDirectory) else {
            return FinetuneDataset(folder: folder, images: [], issues: [.error("file_data", "no folder at \(folder.path)")], imageBytes: 0, captionBytes: 0)
        }
        guard isDirectory.boolValue else {
            return FinetuneDataset(folder: folder, images: [], issues: [.error("file_data", "\(folder.path) is a file; choose a folder of images")],
                                   imageBytes: 0, captionBytes: 0)
        }
        guard let enumerator = fileManager.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                                                      options: [.skipsHiddenFiles]) else {
            return FinetuneDataset(folder: folder, images: [], issues: [.error("file_data", "cannot read \(folder.path)")], imageBytes: 0, captionBytes: 0)
        }
        let base = folder.standardizedFileURL.path
        var files: [(relative: String, url: URL)] = []
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            var relative = String(url.standardizedFileURL.path.dropFirst(base.count))
            while relative.hasPrefix("/") { relative.removeFirst() }
            files.append((relative, url))
        }
        files.sort { $0.relative.localizedStandardCompare($1.relative) == .orderedAscending }
        let captions = Dictionary(files.filter { $0.url.pathExtension.lowercased() == "txt" }
            .map { (String($0.relative.dropLast(4)), $0.url) }, uniquingKeysWith: { a, _ in a })
        var images: [DatasetImage] = []
        var stems: [String: String] = [:]
        var imageBytes = 0, captionBytes = 0
        var usedCaptions: Set<String> = []
        for file in files {
            let ext = file.url.pathExtension.lowercased()
            if ext == "txt" { continue }
            if otherImageExtensions.contains(ext) {
                issues.append(.warning("file_data", "\(file.relative): \(ext.uppercased()) is not supported (PNG, JPEG or WebP); skipped"))
                continue
            }
            guard imageExtensions.contains(ext) else { continue }
            let stem = String(file.relative.dropLast(ext.count + 1))
            if let other = stems[stem] {
                issues.append(.error("file_data", "\(other) and \(file.relative) share the name '\(stem)': their caption would be ambiguous; rename one"))
                continue
            }
            stems[stem] = file.relative
            let info: ImageInfo
            do { info = try ImageInspector.inspect(path: file.url.path) } catch {
                issues.append(.error("file_data", "\(file.relative): \(Self.describe(error, name: file.relative))"))
                continue
            }
            imageBytes += info.byteCount
            var caption: String?
            let captionURL = captions[stem]
            if let captionURL {
                usedCaptions.insert(stem)
                if let data = try? Data(contentsOf: captionURL) {
                    captionBytes += data.count
                    if let text = String(data: data, encoding: .utf8) { caption = text } else {
                        issues.append(.error("file_data", "\(stem).txt is not UTF-8 text"))
                    }
                } else {
                    issues.append(.error("file_data", "\(stem).txt cannot be read"))
                }
            }
            images.append(DatasetImage(name: file.relative, url: file.url, info: info, captionURL: captionURL, caption: caption))
        }
        for (stem, _) in captions where !usedCaptions.contains(stem) && stems[stem] == nil {
            issues.append(.warning("file_data", "\(stem).txt has no image of the same name; it is left out"))
        }
        if images.isEmpty {
            issues.append(.error("file_data", "\(folder.lastPathComponent) holds no PNG, JPEG or WebP images"))
        } else if images.count < recommendedMinimum {
            issues.append(.warning("file_data", "only \(images.count) image\(images.count == 1 ? "" : "s"); fine-tunes work best with \(recommendedMinimum) to 20 or more"))
        }
        let dataset = FinetuneDataset(folder: folder, images: images, issues: issues, imageBytes: imageBytes, captionBytes: captionBytes)
        if dataset.archiveBytes > maxArchiveBytes {
            return FinetuneDataset(folder: folder, images: images,
                                   issues: issues + [.error("file_data", "the archive would be \(ByteCountFormatter.string(fromByteCount: Int64(dataset.archiveBytes), countStyle: .file)); at most 1 GB can be uploaded")],
                                   imageBytes: imageBytes, captionBytes: captionBytes)
        }
        return dataset
    }

    static func describe(_ error: ImageInspectionError, name: String) -> String {
        switch error {
        case .empty: return "empty file"
        case .notAnImage: return "not a PNG, JPEG or WebP image despite its name"
        case .truncated: return "the image header is cut short"
        case .tooLarge(_, let limit): return "larger than \(limit / (1024 * 1024)) MiB"
        case .unreadable(_, let why): return "cannot be read (\(why))"
        default: return error.description
        }
    }

    /// Saves an image's caption (UTF-8, atomically) and updates the dataset.
    public mutating func saveCaption(_ text: String, for name: String) throws {
        guard let index = images.firstIndex(where: { $0.name == name }) else { return }
        let target = images[index].captionTarget
        try AtomicFile.write(Data(text.utf8), to: target)
        let image = images[index]
        images[index] = DatasetImage(name: image.name, url: image.url, info: image.info, captionURL: target, caption: text)
    }
}
