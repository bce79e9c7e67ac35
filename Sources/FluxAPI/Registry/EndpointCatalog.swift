/// A set of endpoints with fast lookup by command-line name, path or operation name.
public struct EndpointCatalog: Sendable {
    public let endpoints: [Endpoint]
    /// Every id, path and operation name, mapped to the first endpoint that has it.
    private let byName: [String: Endpoint]
    private let byPath: [String: Endpoint]

    public init(_ endpoints: [Endpoint]) {
        self.endpoints = endpoints
        var names: [String: Endpoint] = [:]
        var paths: [String: Endpoint] = [:]
        for endpoint in endpoints {
            for name in [endpoint.id, endpoint.path, endpoint.operation] where names[name] == nil { names[name] = endpoint }
            if paths[endpoint.path] == nil { paths[endpoint.path] = endpoint }
        }
        byName = names
        byPath = paths
    }

    public func endpoint(named name: String) -> Endpoint? {
        // Views look endpoints up for every row they draw: the exact name first, without
        // Foundation's trimming.
        if let exact = byName[name] { return exact }
        return byName[name.trimmingCharacters(in: .whitespaces)]
    }

    public func endpoint(path: String) -> Endpoint? { byPath[path] }

    /// This catalog with its document-built endpoints replaced by those of a newer document:
    /// the curated endpoints stay (they are the tasks-api.md contract), endpoints the newer
    /// document no longer has stay too but are marked retired (tasks may still name them), and
    /// endpoints new in it are added.
    public func updated(with document: OpenAPIDocument, curatedPaths: Set<String>)
        -> (catalog: EndpointCatalog, problems: [String]) {
        let (fresh, problems) = OpenAPIImporter.endpoints(from: document, skipping: curatedPaths)
        let freshByPath = Dictionary(fresh.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var merged: [Endpoint] = []
        for endpoint in endpoints {
            if curatedPaths.contains(endpoint.path) {
                merged.append(endpoint)
            } else if let newer = freshByPath[endpoint.path] {
                merged.append(newer)
            } else if document.operation(path: endpoint.path) == nil {
                merged.append(endpoint.retired())
            } else {
                merged.append(endpoint)  // present but unreadable: keep the known version
            }
        }
        let known = Set(endpoints.map(\.path))
        merged += fresh.filter { !known.contains($0.path) }
        return (EndpointCatalog(merged), problems)
    }
}

extension Endpoint {
    func retired() -> Endpoint {
        Endpoint(id: id, path: path, operation: operation, title: title, summary: summary, family: family,
                 fields: fields, rules: rules, retiredOnPublicAPI: true, typicalSeconds: typicalSeconds)
    }
}

import Foundation
