import ArgumentParser
import FluxAPI
import Foundation

struct FinetunesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetunes", abstract: "List, show and delete your fine-tunes.",
        subcommands: [List.self, Show.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List your fine-tunes.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let json = self.json
            try await Backend.with(global) { backend in
                let ids = try await backend.client.myFinetunes()
                if json {
                    Console.out(JSONValue.object(["finetunes": .array(ids.map(JSONValue.string))]).serialized())
                } else if ids.isEmpty {
                    Console.out("no fine-tunes")
                } else {
                    for id in ids { Console.out(id) }
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a fine-tune's details.")
        @Argument(help: "The fine-tune id.") var id: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (json, id) = (self.json, self.id)
            try await Backend.with(global) { backend in
                let details = try await backend.client.finetuneDetails(id: id)
                if json {
                    Console.out(JSONValue.object(["finetune_id": .string(id), "finetune_details": .object(details.fields)]).serialized())
                } else {
                    Console.out(id)
                    for key in details.fields.keys.sorted() {
                        let value = details.fields[key]!
                        Console.out("  \(key): \(value.stringValue ?? value.serialized())")
                    }
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a fine-tune.")
        @Argument(help: "The fine-tune id.") var id: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (json, id) = (self.json, self.id)
            try await Backend.with(global) { backend in
                let answer = try await backend.client.deleteFinetune(id: id)
                if json { Console.out(answer.serialized()) } else { Console.out("deleted \(id)") }
            }
        }
    }
}

