import FluxAPI
import FluxSimulator
import Foundation
import TestSupport
import Testing

@Suite struct FinetuneTests {
    @Test func trainingReportsProgressAndTheDetailsAreRecorded() async throws {
        let files = TestFiles()
        try await withSimulator(config { $0.finetuneSeconds = 1.5 }) { _, client in
            let submitted = try await client.submit(try prepare("finetune", [
                "file_data": .file(files.trainingZip(images: 3)), "finetune_comment": .text("my dog"),
                "mode": .text("character"), "trigger_word": .text("DOGGO"), "finetune_type": .text("lora"),
                "lora_rank": .integer(16), "iterations": .integer(150), "priority": .text("speed"),
                "captioning": .boolean(false),
            ]))
            let seen = try await pollUntilFinal(client, submitted)
            #expect(seen.first?.status == .running("Pending"))
            #expect(seen.first?.progress != nil)
            let ready = try #require(seen.last)
            #expect(ready.status == .ready)
            #expect(ready.result?["finetune_id"]?.stringValue == submitted.id)
            #expect(ready.result?["trigger_word"]?.stringValue == "DOGGO")

            #expect(try await client.myFinetunes() == [submitted.id])
            let details = try await client.finetuneDetails(id: submitted.id)
            #expect(details.comment == "my dog")
            #expect(details.triggerWord == "DOGGO")
            #expect(details.mode == "character")
            #expect(details.finetuneType == "lora")
            #expect(details.fields["lora_rank"]?.intValue == 16)
            #expect(details.fields["iterations"]?.intValue == 150)
            #expect(details.fields["learning_rate"]?.doubleValue == 1e-4)  // the lora default
            #expect(details.fields["priority"]?.stringValue == "speed")
            #expect(details.fields["captioning"]?.boolValue == false)
            #expect(details.fields["image_count"]?.intValue == 3)
            #expect(details.fields["timestamp"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func defaultsAreReportedForSettingsNotSent() async throws {
        let files = TestFiles()
        try await withSimulator(config()) { _, client in
            let submitted = try await client.submit(try prepare("finetune", [
                "file_data": .file(files.trainingZip()), "finetune_comment": .text("defaults"), "mode": .text("general"),
            ]))
            let details = try await client.finetuneDetails(id: submitted.id)
            #expect(details.triggerWord == "TOK")
            #expect(details.finetuneType == "full")
            #expect(details.fields["lora_rank"]?.intValue == 32)
            #expect(details.fields["iterations"]?.intValue == 300)
            #expect(details.fields["learning_rate"]?.doubleValue == 1e-5)
            #expect(details.fields["priority"]?.stringValue == "quality")
            #expect(details.fields["captioning"]?.boolValue == true)
        }
    }

    @Test func deleteRemovesTheFinetune() async throws {
        let files = TestFiles()
        try await withSimulator(config()) { server, client in
            var ids: [String] = []
            for name in ["one", "two"] {
                ids.append(try await client.submit(try prepare("finetune", [
                    "file_data": .file(files.trainingZip()), "finetune_comment": .text(name), "mode": .text("style"),
                ])).id)
            }
            #expect(try await client.myFinetunes() == ids)
            let answer = try await client.deleteFinetune(id: ids[0])
            #expect(answer["status"]?.stringValue == "ok")
            #expect(answer["deleted_finetune_id"]?.stringValue == ids[0])
            #expect(answer["message"]?.stringValue?.isEmpty == false)
            #expect(answer["timestamp"]?.stringValue?.isEmpty == false)
            #expect(try await client.myFinetunes() == [ids[1]])

            await #expect { try await client.finetuneDetails(id: ids[0]) } throws: { ($0 as? FluxError)?.status == 404 }
            await #expect { try await client.deleteFinetune(id: ids[0]) } throws: { ($0 as? FluxError)?.status == 404 }
            let raw = try await RawHTTP.request(port: server.port, "GET", "/v1/finetune_details?finetune_id=\(ids[0])")
            #expect(raw.json == .object(["detail": .string("Finetune not found")]))

            let missing = try await RawHTTP.json(port: server.port, "POST", "/v1/delete_finetune", "{}")
            #expect(missing.status == 422)
        }
    }

    @Test func finetunesArePerKey() async throws {
        let files = TestFiles()
        try await withSimulator(config()) { server, client in
            let id = try await client.submit(try prepare("finetune", [
                "file_data": .file(files.trainingZip()), "finetune_comment": .text("mine"), "mode": .text("product"),
            ])).id
            let other = try await RawHTTP.request(port: server.port, "GET", "/v1/my_finetunes", headers: ["x-key": "other"])
            #expect(other.json == .object(["finetunes": .array([])]))
            let details = try await RawHTTP.request(port: server.port, "GET", "/v1/finetune_details?finetune_id=\(id)",
                                                    headers: ["x-key": "other"])
            #expect(details.status == 404)
        }
    }

    @Test func theArchiveMustBeAZipWithImages() async throws {
        try await withSimulator(config()) { server, _ in
            func submit(_ archive: Data) async throws -> RawHTTP.Response {
                try await RawHTTP.json(port: server.port, "POST", "/v1/finetune",
                                       #"{"file_data":"\#(archive.base64EncodedString())","finetune_comment":"x","mode":"style"}"#)
            }
            let cases: [(Data, String)] = [
                (Data("just some text, not a zip".utf8), "is not a ZIP archive"),
                (Fixtures.zip([("notes.txt", Data("hello".utf8)), ("folder/", Data())]), "holds no training images"),
                (Fixtures.zip([]), "is an empty ZIP archive"),
            ]
            for (archive, message) in cases {
                let response = try await submit(archive)
                #expect(response.status == 422)
                let detail = try #require(response.details.first)
                #expect(detail.loc == ["body", "file_data"])
                #expect(detail.msg.contains(message), "\(detail.msg)")
            }
            #expect(server.statistics.finetunesCreated == 0)
        }
    }

    @Test func failMarkerInTheCommentFailsTheTraining() async throws {
        let files = TestFiles()
        try await withSimulator(config()) { server, client in
            let submitted = try await client.submit(try prepare("finetune", [
                "file_data": .file(files.trainingZip()), "finetune_comment": .text("bad \(SimulatorMarker.fail)"),
                "mode": .text("style"),
            ]))
            #expect(try await pollUntilFinal(client, submitted).last?.status == .error)
            let use = try await RawHTTP.json(port: server.port, "POST", "/v1/flux-pro-finetuned",
                                             #"{"finetune_id":"\#(submitted.id)","prompt":"x"}"#)
            #expect(use.details.first?.type == "finetune_failed")
        }
    }

    @Test func aFinetuneChangesTheImageForTheSamePromptAndSeed() async throws {
        let files = TestFiles()
        try await withSimulator(config()) { _, client in
            var samples: [[UInt8]] = []
            for name in ["a", "b"] {
                let training = try await client.submit(try prepare("finetune", [
                    "file_data": .file(files.trainingZip()), "finetune_comment": .text(name), "mode": .text("style"),
                ]))
                try await pollUntilFinal(client, training)
                let result = try await submitAndWait(client, "flux-pro-finetuned", [
                    "finetune_id": .text(training.id), "prompt": .text("TOK on a beach"), "seed": .integer(5),
                    "width": .integer(256), "height": .integer(256), "output_format": .text("png"),
                ])
                samples.append(try await download(client, try #require(result.sampleURL)).bytes)
            }
            #expect(samples[0] != samples[1])
        }
    }
}
