import FluxAPI
import Foundation

/// The task table's two JSON columns, read and written with FluxAPI's `JSONValue` (its parser is
/// hand-written: the app reads every row at start, 10,000 of them in well under a second).
///
/// `parameters` holds the request as the API takes it, with image and archive fields as their
/// source path or URL: the JSON a result's sidecar records, so one look at either tells what was
/// asked. The field kinds of the task's endpoint type the values again when they are read.
enum TaskColumns {
    /// `{"image":"/in/a.png","prompt":"…","seed":42}`, keys sorted. Pass `storable` parameters:
    /// a secret or an inline payload would be written as it is.
    static func parametersJSON(_ parameters: TaskParameters) -> String {
        JSONValue.object(parameters.values.mapValues(\.recordJSON)).serialized()
    }

    /// Parameters typed by `endpoint`'s fields; without an endpoint (one this version does not
    /// know), by the JSON alone.
    static func parameters(fromJSON data: Data, endpoint: Endpoint?) throws -> TaskParameters {
        guard case .object(let members) = try JSONValue.parse(data) else {
            throw TaskStoreError(reason: "the parameters column is not a JSON object")
        }
        var values = [String: FieldValue](minimumCapacity: members.count)
        for (name, json) in members {
            guard let value = FieldValue.fromRecord(json, for: endpoint?.field(name)) else {
                throw TaskStoreError(reason: "the parameter \(name) holds \(json.typeDescription)")
            }
            values[name] = value
        }
        return TaskParameters(values)
    }

    /// `["/out/a.jpg","/out/a.json"]`.
    static func outputsJSON(_ outputs: [String]) -> String {
        JSONValue.array(outputs.map(JSONValue.string)).serialized()
    }

    static func outputs(fromJSON data: Data) throws -> [String] {
        guard case .array(let items) = try JSONValue.parse(data) else {
            throw TaskStoreError(reason: "the outputs column is not a JSON array")
        }
        return try items.map { item in
            guard case .string(let path) = item else { throw TaskStoreError(reason: "the outputs column holds \(item.typeDescription)") }
            return path
        }
    }
}
