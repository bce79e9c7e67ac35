import Foundation

/// A request that passed validation; its body is built (files read and base64-encoded) on demand.
public struct PreparedRequest: Sendable {
    public let endpoint: Endpoint
    public let parameters: TaskParameters
    public let images: [String: ImageInfo]
    public let warnings: [ValidationIssue]
    /// A fine-tune whose `file_data` is a folder: its images and captions, checked, to be zipped
    /// while they upload (`FluxClient.submit` does it).
    public let dataset: FinetuneDataset?

    /// The JSON body as the API expects it: absent fields omitted, files inlined as base64. Not
    /// for a request with a `dataset`, whose body is streamed.
    public func body() throws(FluxError) -> Data {
        try RequestEncoder.encode(endpoint, parameters)
    }
}

/// Reads what the user pointed at (image headers, archives), validates, and prepares the request.
public enum RequestPreparer {
    /// Inspects every file-backed field; missing, empty and non-image files become issues.
    public static func inspectFiles(_ endpoint: Endpoint, _ parameters: TaskParameters)
        -> (images: [String: ImageInfo], issues: [ValidationIssue]) {
        var images: [String: ImageInfo] = [:]
        var issues: [ValidationIssue] = []
        for field in endpoint.fields where field.kind.isFile {
            switch parameters[field.name] {
            case .file(let path) where field.kind == .image:
                do { images[field.name] = try ImageInspector.inspect(path: path) } catch {
                    issues.append(.error(field.name, error.description, type: "image_file"))
                }
            case .base64(let text) where field.kind == .image:
                let (info, problem) = inspectBase64Image(text)
                if let info { images[field.name] = info }
                if let problem { issues.append(.error(field.name, problem, type: "image_data")) }
            case .file(let path) where field.kind == .archive:
                // A fine-tune's training folder is scanned by `prepare`.
                if endpoint.createsFinetune && isFolder(path) { break }
                if let problem = ArchiveInspector.problem(path: path) {
                    issues.append(.error(field.name, problem, type: "archive_file"))
                }
            default:
                break
            }
        }
        return (images, issues)
    }

    /// Sniffs an inline base64 image (a simulator body, a pasted payload).
    public static func inspectBase64Image(_ text: String) -> (info: ImageInfo?, problem: String?) {
        // Accept data URLs too; only the first few KiB are decoded to read the header.
        var payload = Substring(text)
        if payload.hasPrefix("data:"), let comma = payload.firstIndex(of: ",") { payload = payload[payload.index(after: comma)...] }
        let head = payload.prefix(349_528)  // multiple of 4 (~256 KiB decoded)
        guard let data = Data(base64Encoded: String(head), options: .ignoreUnknownCharacters), !data.isEmpty else {
            return (nil, "is not valid base64 image data")
        }
        let total = payload.count / 4 * 3
        do { return (try ImageInspector.inspect(bytes: data, totalSize: total, name: "the image"), nil) } catch {
            return (nil, error.description)
        }
    }

    /// Full check before sending. Errors -> `.failure` with every issue (warnings too). A
    /// fine-tune's `file_data` may name a folder: its images and captions are checked here.
    public static func prepare(_ endpoint: Endpoint, _ parameters: TaskParameters) -> Result<PreparedRequest, FluxError> {
        let dataset = trainingFolder(endpoint, parameters).map { FinetuneDataset.scan($0) }
        let (images, fileIssues) = inspectFiles(endpoint, parameters)
        let issues = Validator.validate(endpoint, parameters, images: images) + fileIssues + (dataset?.issues ?? [])
        if issues.hasErrors { return .failure(.invalidInput(issues.sorted { $0.severity > $1.severity })) }
        return .success(PreparedRequest(endpoint: endpoint, parameters: parameters, images: images, warnings: issues, dataset: dataset))
    }

    /// The folder a fine-tune's `file_data` names, if it names one.
    static func trainingFolder(_ endpoint: Endpoint, _ parameters: TaskParameters) -> URL? {
        guard endpoint.createsFinetune, case .file(let path)? = parameters["file_data"], isFolder(path) else { return nil }
        return URL(fileURLWithPath: path)
    }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// Checks that an archive path is a non-empty ZIP without reading it all.
public enum ArchiveInspector {
    public static func problem(path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no file at \(path)" }
        if isDirectory.boolValue { return "\(path) is a folder; give a .zip (or use `flux-tui finetune create DIR`)" }
        guard let handle = FileHandle(forReadingAtPath: path) else { return "cannot read \(path)" }
        defer { try? handle.close() }
        let magic = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
        if magic.isEmpty { return "\(path) is empty" }
        if magic == [0x50, 0x4B, 0x05, 0x06] { return "\(path) is an empty ZIP archive" }
        if magic != [0x50, 0x4B, 0x03, 0x04] { return "\(path) is not a ZIP archive" }
        return nil
    }
}

/// Builds the exact JSON body: only the fields that are set, integers as integers, explicit nulls
/// only where asked for, files read and base64-encoded.
public enum RequestEncoder {
    public static func encode(_ endpoint: Endpoint, _ parameters: TaskParameters) throws(FluxError) -> Data {
        var out = Data()
        out.reserveCapacity(256)
        out.append(UInt8(ascii: "{"))
        var first = true
        for name in parameters.values.keys.sorted() {
            guard let value = parameters[name], endpoint.field(name) != nil else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: JSONValue.string(name).serialized().utf8)
            out.append(UInt8(ascii: ":"))
            if case .file(let path) = value {
                let bytes: Data
                do { bytes = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
                    throw .invalidInput([.error(name, "cannot read \(path): \((error as NSError).localizedDescription)")])
                }
                out.append(UInt8(ascii: "\""))
                bytes.withUnsafeBytes { Base64.append($0, to: &out) }
                out.append(UInt8(ascii: "\""))
            } else if let json = value.inlineJSON {
                out.append(contentsOf: json.serialized().utf8)
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The body for people to read (the form's preview): base64 payloads shortened.
    public static func preview(_ endpoint: Endpoint, _ parameters: TaskParameters) -> String {
        var members: [String: JSONValue] = [:]
        for (name, value) in parameters.values where endpoint.field(name) != nil {
            switch value {
            case .file(let path): members[name] = .string("<base64 of \(path)>")
            case .base64(let text): members[name] = .string("<base64, \(text.count) characters>")
            default:
                if endpoint.field(name)?.kind == .secret { members[name] = .string("••••••"); continue }
                members[name] = value.inlineJSON ?? .null
            }
        }
        return JSONValue.object(members).pretty()
    }
}

/// Reads a JSON request body as the simulator receives it and validates it like the client does.
public enum RequestBodyReader {
    public static func read(_ endpoint: Endpoint, body: JSONValue) -> (parameters: TaskParameters, images: [String: ImageInfo], issues: [ValidationIssue]) {
        guard let members = body.objectValue else {
            return (TaskParameters(), [:], [.error(nil, "the body must be a JSON object", type: "model_attributes_type")])
        }
        var parameters = TaskParameters()
        var issues: [ValidationIssue] = []
        for (name, json) in members {
            guard let field = endpoint.field(name) else {
                issues.append(.error(name, "Extra inputs are not permitted", type: "extra_forbidden"))
                continue
            }
            switch ValueParser.fromJSON(json, for: field) {
            case .success(let value): parameters[name] = value
            case .failure(let issue): issues.append(issue)
            }
        }
        let failed = Set(issues.compactMap(\.field))
        let (images, fileIssues) = RequestPreparer.inspectFiles(endpoint, parameters)
        let validation = Validator.validate(endpoint, parameters, images: images).filter { issue in
            !(issue.field.map(failed.contains) ?? false) && issue.type != "extra_forbidden"
        }
        return (parameters, images, issues + validation + fileIssues)
    }
}
