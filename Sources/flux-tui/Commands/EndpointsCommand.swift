import ArgumentParser
import FluxAPI

struct EndpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "endpoints", abstract: "List the API operations, grouped by family.")

    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        if json {
            Console.out(JSONValue.array(EndpointRegistry.all.map(\.summaryJSON)).pretty())
            return
        }
        let width = EndpointRegistry.all.map(\.id.count).max() ?? 20
        for family in EndpointFamily.allCases {
            let endpoints = EndpointRegistry.all.filter { $0.family == family }
            guard !endpoints.isEmpty else { continue }
            Console.out(family.rawValue)
            for endpoint in endpoints {
                let retired = endpoint.retiredOnPublicAPI ? " (retired on api.bfl.ai)" : ""
                Console.out("  \(endpoint.id.padding(toLength: width, withPad: " ", startingAt: 0))  \(endpoint.title): \(endpoint.summary)\(retired)")
            }
        }
    }
}

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show an operation's fields with kinds, defaults, ranges and help.")

    @Argument(help: "Operation name, e.g. flux-dev (see `flux-tui endpoints`).") var endpoint: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let endpoint = try EndpointLookup.find(self.endpoint)
        if json {
            Console.out(endpoint.descriptionJSON.pretty())
            return
        }
        Console.out("\(endpoint.id)  \(endpoint.title)")
        let source = EndpointRegistry.curatedPaths.contains(endpoint.path) ? "SDK" : "OpenAPI"
        Console.out("  POST \(endpoint.path)   (\(source): \(endpoint.operation))")
        Console.out("  \(endpoint.summary)")
        if endpoint.retiredOnPublicAPI { Console.out("  Note: retired on the public API in late 2025; other deployments and the simulator serve it.") }
        Console.out("")
        let nameWidth = endpoint.fields.map(\.name.count).max() ?? 10
        for field in endpoint.fields {
            var facts = [field.kind.name]
            facts.append(field.required ? "required" : "optional")
            if field.nullable { facts.append("nullable") }
            if let d = field.defaultValue { facts.append("default \(d.serialized())") }
            if let c = field.constraintSummary { facts.append(c) }
            Console.out("  \(field.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0))  \(facts.joined(separator: ", "))")
            Console.out("  \(String(repeating: " ", count: nameWidth))  \(field.help)")
        }
        if !endpoint.rules.isEmpty {
            Console.out("")
            Console.out("  Rules: " + endpoint.rules.map(Self.ruleText).joined(separator: "; "))
        }
    }

    static func ruleText(_ rule: CrossFieldRule) -> String {
        switch rule {
        case .maskMatchesImage: return "mask must be the same size as image"
        case .cannyThresholdsOrdered: return "canny_low_threshold below canny_high_threshold"
        case .needsControlOrPreprocessed: return "control_image or preprocessed_image is needed"
        case .imagePromptStrengthNeedsImagePrompt: return "image_prompt_strength needs image_prompt"
        case .webhookSecretNeedsURL: return "webhook_secret needs webhook_url"
        case .outputPixelsAtMost(let pixels): return "width x height at most \(pixels) pixels"
        }
    }
}

enum EndpointLookup {
    static func find(_ name: String) throws -> Endpoint {
        if let endpoint = EndpointRegistry.endpoint(named: name) { return endpoint }
        let names = EndpointRegistry.all.map(\.id)
        let close = names.filter { $0.contains(name) || name.contains($0) }.prefix(3)
        let hint = close.isEmpty ? "" : " Did you mean \(close.joined(separator: " or "))?"
        throw ValidationError("unknown endpoint '\(name)'.\(hint) `flux-tui endpoints` lists them.")
    }
}
