import Foundation

/// The vendored snapshot of the public OpenAPI document (`Resources/bfl-openapi.json`).
public enum BuiltInDocument {
    static let fileName = "bfl-openapi.json"

    /// The document's bytes (the simulator serves them as `/openapi.json`).
    public static let data: Result<Data, OpenAPIError> = {
        guard let url = resourceURL else {
            return .failure(.unreadable("the built-in \(fileName) is not installed next to the executable"))
        }
        do { return .success(try Data(contentsOf: url)) } catch {
            return .failure(.unreadable("cannot read \(url.path): \(error.localizedDescription)"))
        }
    }()

    /// The parsed document, or why it is unavailable (the registry then keeps the curated 13).
    public static let loaded: Result<OpenAPIDocument, OpenAPIError> = data.flatMap { bytes in
        Result { () throws(OpenAPIError) in try OpenAPIDocument.parse(bytes) }
    }

    /// SwiftPM's generated `Bundle.module` stops the process when the resource bundle is missing
    /// (a binary copied without it); looking for the bundle ourselves turns that into a message.
    /// An installed binary (scripts/install) finds the document in `PREFIX/share/flux-tui/`.
    static var resourceURL: URL? {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map(URL.init(fileURLWithPath:))
            ?? Bundle.main.executableURL
        if let installed = installedURL(executable: executable) { return installed }
        let bundleNames = ["flux-tui_FluxAPI.resources", "flux-tui_FluxAPI.bundle"]
        let bases = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
            + Bundle.allBundles.flatMap { [$0.bundleURL, $0.bundleURL.deletingLastPathComponent()] }
        for base in bases {
            for name in bundleNames {
                for candidate in [base.appendingPathComponent(name).appendingPathComponent(fileName),
                                  base.appendingPathComponent(name).appendingPathComponent("Contents/Resources/\(fileName)")]
                where FileManager.default.isReadableFile(atPath: candidate.path) {
                    return candidate
                }
            }
        }
        return nil
    }

    /// `PREFIX/share/flux-tui/bfl-openapi.json` for an executable in `PREFIX/bin`, if it is there.
    static func installedURL(executable: URL?) -> URL? {
        guard let executable else { return nil }
        let candidate = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/flux-tui").appendingPathComponent(fileName)
        return FileManager.default.isReadableFile(atPath: candidate.path) ? candidate : nil
    }
}
