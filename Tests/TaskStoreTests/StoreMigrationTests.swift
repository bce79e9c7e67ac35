import FluxAPI
import Foundation
import GRDB
import Testing
import TestSupport

@testable import TaskStore

/// A task database written by the release before the plain parameter format (git eb04c5d):
/// `TaskStore.save` of eight tasks (every kind of value, every phase, a hidden one, an endpoint
/// this version does not know) and a fine-tune, dumped with `sqlite3 tasks.sqlite .dump`.
enum ReleaseDatabase {
    static let dump = #"""
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
INSERT INTO grdb_migrations VALUES('v1');
CREATE TABLE IF NOT EXISTS "task" ("id" TEXT PRIMARY KEY NOT NULL, "remoteID" TEXT, "endpoint" TEXT NOT NULL, "parameters" TEXT NOT NULL, "phase" TEXT NOT NULL, "statusText" TEXT, "progress" DOUBLE, "seed" INTEGER, "pollingURL" TEXT, "sampleURL" TEXT, "cost" DOUBLE, "createdAt" DATETIME NOT NULL, "submittedAt" DATETIME, "finishedAt" DATETIME, "updatedAt" DATETIME NOT NULL, "error" TEXT, "outputs" TEXT NOT NULL, "hidden" BOOLEAN NOT NULL DEFAULT 0);
INSERT INTO task VALUES('00000000-0000-4000-8000-000000000001','r-dev-1','flux-dev','{"values":{"guidance":{"number":{"_0":3.5}},"image_prompt":{"file":{"_0":"/home/user/in/photo one.png"}},"prompt":{"text":{"_0":"a \"quoted\" lighthouse\nGröße ✓ 🏝️ back\\slash / slash"}},"prompt_upsampling":{"boolean":{"_0":true}},"seed":{"integer":{"_0":42}},"steps":{"integer":{"_0":28}},"width":{"integer":{"_0":1024}}}}','done','Ready',1.0,42,'https://api.example/v1/get_result?id=r-dev-1','https://delivery.example/r-dev-1.jpg',2.5,'2025-11-24 16:00:00.000','2025-11-24 16:00:01.000','2025-11-24 16:00:20.000','2025-11-24 16:00:21.000',NULL,'["/home/user/out/flux-dev-1.jpg","/home/user/out/flux-dev-1 copy.jpg"]',0);
INSERT INTO task VALUES('00000000-0000-4000-8000-000000000002','r-ultra-2','flux-pro-1.1-ultra','{"values":{"aspect_ratio":{"text":{"_0":"21:9"}},"image_prompt":{"url":{"_0":"https://e.com/i.png"}},"image_prompt_strength":{"number":{"_0":0.3}},"prompt":{"text":{"_0":"A beautiful landscape"}},"raw":{"boolean":{"_0":false}}}}','running','Pending',0.4000000000000000222,NULL,'https://api.eu.example/v1/get_result?id=r-ultra-2',NULL,NULL,'2025-11-24 16:00:30.000','2025-11-24 16:00:31.000',NULL,'2025-11-24 16:00:30.000',NULL,'[]',0);
INSERT INTO task VALUES('00000000-0000-4000-8000-000000000003',NULL,'flux-pro-1.0-fill','{"values":{"guidance":{"number":{"_0":30.0}},"image":{"file":{"_0":"/home/user/in/room.jpg"}},"mask":{"file":{"_0":"/home/user/in/room-mask.png"}},"output_format":{"text":{"_0":"png"}},"prompt":{"text":{"_0":"a red sofa"}},"steps":{"integer":{"_0":50}},"webhook_url":{"text":{"_0":"https://hook.example.com/x"}}}}','queued','Queued',NULL,NULL,NULL,NULL,NULL,'2025-11-24 16:00:40.000',NULL,NULL,'2025-11-24 16:00:40.000',NULL,'[]',0);
INSERT INTO task VALUES('00000000-0000-4000-8000-000000000004','r-pro-4','flux-pro','{"values":{"guidance":{"number":{"_0":2.5}},"interval":{"number":{"_0":2.0}},"prompt":{"text":{"_0":"x"}},"safety_tolerance":{"integer":{"_0":2}},"seed":{"null":{}}}}','failed','Error',NULL,NULL,NULL,NULL,NULL,'2025-11-24 16:00:50.000',NULL,'2025-11-24 16:01:00.000','2025-11-24 16:00:50.000','Simulated failure','[]',1);
INSERT INTO task VALUES('00000000-0000-4000-8000-000000000005',NULL,'finetune','{"values":{"captioning":{"boolean":{"_0":false}},"file_data":{"file":{"_0":"/home/user/training/my dog"}},"finetune_comment":{"text":{"_0":"my dog"}},"iterations":{"integer":{"_0":300}},"learning_rate":{"number":{"_0":1e-05}},"lora_rank":{"integer":{"_0":16}},"mode":{"text":{"_0":"character"}}}}','submitting','Uploading 42%',0.41999999999999998445,NULL,NULL,NULL,NULL,'2025-11-24 16:01:10.000',NULL,NULL,'2025-11-24 16:01:10.000',NULL,'[]',0);
INSERT INTO task VALUES('00000000-0000-4000-8000-000000000006','r-ft-6','flux-pro-finetuned','{"values":{"finetune_id":{"text":{"_0":"ft-123"}},"finetune_strength":{"number":{"_0":1.2}},"prompt":{"text":{"_0":"TOK on a beach"}}}}','downloading','Ready',NULL,NULL,NULL,NULL,NULL,'2025-11-24 16:01:20.000','2025-11-24 16:01:21.000',NULL,'2025-11-24 16:01:20.000',NULL,'[]',0);
INSERT INTO task VALUES('00000000-0000-4000-8000-000000000007',NULL,'flux-future-9','{"values":{"fast":{"boolean":{"_0":true}},"prompt":{"text":{"_0":"from a newer version"}},"quality":{"integer":{"_0":3}}}}','uncertain','Submit uncertain',NULL,NULL,NULL,NULL,NULL,'2025-11-24 16:01:30.000',NULL,NULL,'2025-11-24 16:01:30.000','the submit may or may not have reached the server','[]',0);
INSERT INTO task VALUES('00000000-0000-4000-8000-000000000008',NULL,'flux-dev','{"values":{}}','cancelled','Cancelled',NULL,NULL,NULL,NULL,NULL,'2025-11-24 16:01:40.000',NULL,NULL,'2025-11-24 16:01:40.000',NULL,'[]',0);
CREATE TABLE IF NOT EXISTS "finetune" ("id" TEXT PRIMARY KEY NOT NULL, "comment" TEXT, "triggerWord" TEXT, "mode" TEXT, "finetuneType" TEXT, "statusText" TEXT, "progress" DOUBLE, "createdAt" DATETIME NOT NULL, "updatedAt" DATETIME NOT NULL, "details" TEXT, "hidden" BOOLEAN NOT NULL DEFAULT 0);
INSERT INTO finetune VALUES('ft-123','my dog','TOK','character',NULL,'Ready',NULL,'2025-11-24 16:00:05.000','2025-11-24 16:00:05.000','{"iterations":300,"lora_rank":16}',0);
CREATE INDEX "task_on_remoteID" ON "task"("remoteID");
CREATE INDEX "task_on_createdAt" ON "task"("createdAt");
COMMIT;
"""#

    /// A database file holding the dump, as the release left it.
    static func write(to path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: dump) }
    }
}

/// Opening a release database migrates its parameters in place to the plain request JSON.
@Suite struct StoreMigrationTests {
    @Test func aReleaseDatabaseIsMigratedInPlaceAndReadsTheSame() throws {
        let dir = Fixtures.temporaryDirectory("store-migration")
        defer { Fixtures.cleanup(dir) }
        let path = dir.appendingPathComponent("tasks.sqlite").path
        try ReleaseDatabase.write(to: path)

        let store = try TaskStore(path: path)
        let all = try store.tasks(includeHidden: true)
        #expect(all.count == 8)
        func task(_ n: Int) throws -> TaskEntry { try #require(all.first { $0.id == "00000000-0000-4000-8000-00000000000\(n)" }) }

        #expect(try task(1).parameters == TaskParameters([
            "prompt": .text("a \"quoted\" lighthouse\nGröße ✓ 🏝️ back\\slash / slash"), "seed": .integer(42), "width": .integer(1024),
            "guidance": .number(3.5), "steps": .integer(28), "prompt_upsampling": .boolean(true),
            "image_prompt": .file("/home/user/in/photo one.png"),
        ]))
        #expect(try task(1).outputs == ["/home/user/out/flux-dev-1.jpg", "/home/user/out/flux-dev-1 copy.jpg"])
        #expect(try task(1).phase == .done && task(1).cost == 2.5 && task(1).seed == 42)
        #expect(try task(1).createdAt == Date(timeIntervalSince1970: 1_764_000_000))
        #expect(try task(2).parameters == TaskParameters([
            "prompt": .text("A beautiful landscape"), "image_prompt": .url("https://e.com/i.png"), "raw": .boolean(false),
            "aspect_ratio": .text("21:9"), "image_prompt_strength": .number(0.3),
        ]))
        #expect(try task(3).parameters == TaskParameters([
            "image": .file("/home/user/in/room.jpg"), "mask": .file("/home/user/in/room-mask.png"), "prompt": .text("a red sofa"),
            "webhook_url": .text("https://hook.example.com/x"), "steps": .integer(50), "guidance": .number(30), "output_format": .text("png"),
        ]))
        #expect(try task(4).parameters == TaskParameters([
            "prompt": .text("x"), "seed": .null, "interval": .number(2), "guidance": .number(2.5), "safety_tolerance": .integer(2),
        ]))
        #expect(try task(4).hidden && store.tasks().count == 7)
        #expect(try task(5).parameters == TaskParameters([
            "file_data": .file("/home/user/training/my dog"), "finetune_comment": .text("my dog"), "mode": .text("character"),
            "lora_rank": .integer(16), "iterations": .integer(300), "captioning": .boolean(false), "learning_rate": .number(0.00001),
        ]))
        #expect(try task(6).parameters == TaskParameters([
            "finetune_id": .text("ft-123"), "finetune_strength": .number(1.2), "prompt": .text("TOK on a beach"),
        ]))
        // An endpoint this version does not know: typed by the JSON.
        #expect(try task(7).parameters == TaskParameters([
            "prompt": .text("from a newer version"), "quality": .integer(3), "fast": .boolean(true),
        ]))
        #expect(try task(8).parameters == TaskParameters())
        #expect(try store.activeTasks().tasks.map(\.id) == [task(2).id, task(3).id, task(5).id, task(6).id])
        #expect(try store.finetunes().first?.details == .object(["iterations": .int(300), "lora_rank": .int(16)]))

        // The columns themselves now hold the plain request, migrated once.
        let queue = try DatabaseQueue(path: path)
        let columns = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, parameters FROM task ORDER BY id").map { row -> String in row["parameters"] }
        }
        #expect(columns[0] == #"{"guidance":3.5,"image_prompt":"/home/user/in/photo one.png","prompt":"a \"quoted\" lighthouse\nGröße ✓ 🏝️ back\\slash / slash","prompt_upsampling":true,"seed":42,"steps":28,"width":1024}"#)
        #expect(columns[3] == #"{"guidance":2.5,"interval":2.0,"prompt":"x","safety_tolerance":2,"seed":null}"#)
        #expect(columns[7] == "{}")
        #expect(columns.allSatisfy { !$0.contains(#"{"values":"#) })
        let migrations = try queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        #expect(migrations == ["v1", "v2-plain-parameters", "v3-batches-and-lineage"])
    }

    @Test func aColumnTheMigrationCannotReadIsLeftAndReportedWhenRead() throws {
        let dir = Fixtures.temporaryDirectory("store-migration-bad")
        defer { Fixtures.cleanup(dir) }
        let path = dir.appendingPathComponent("tasks.sqlite").path
        try ReleaseDatabase.write(to: path)
        let damaged = try DatabaseQueue(path: path)
        try damaged.write { db in
            try db.execute(sql: "UPDATE task SET parameters = '{\"values\": {\"p\": ' WHERE id = '00000000-0000-4000-8000-000000000003'")
        }
        let store = try TaskStore(path: path)
        let active = try store.activeTasks()
        #expect(active.tasks.count == 3)
        #expect(active.unreadable.map(\.id) == ["00000000-0000-4000-8000-000000000003"])
        #expect(active.unreadable.first?.error.reason.hasPrefix("malformed JSON") == true)
    }
}
