import AgentCatalog
import Foundation
import GRDB
import Testing
import WorkflowEvents
@testable import WorkflowStore

@Suite struct OpeningTests {
    @Test func aTextFileIsNotADatabase() throws {
        let path = temporaryDatabasePath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "name,state\nwriter,done\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .notADatabase)
        #expect(error?.message.contains(path) == true)
    }

    @Test func aCorruptDatabaseGivesAClearError() throws {
        let path = temporaryDatabasePath()
        do {
            let store = try SQLiteStore(path: path)
            try store.record(sampleRun("wf-1"))
            try store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        // Keep the header (first 100 bytes), overwrite the rest of the first pages with noise.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        for index in 100..<min(bytes.count, 8192) { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        let error = #expect(throws: StoreError.self) {
            let store = try SQLiteStore(path: path)
            _ = try store.workflows()
        }
        #expect(error?.code == .corrupt || error?.code == .notADatabase)
        #expect(error?.message.contains(path) == true)
    }

    @Test func aFolderAtThePathIsRefused() throws {
        let path = temporaryDatabasePath()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .io)
    }

    @Test func aNewerUserVersionIsRefused() throws {
        let path = temporaryDatabasePath()
        do {
            let store = try SQLiteStore(path: path)
            try store.pool.write { db in try db.execute(sql: "PRAGMA user_version = 7") }
        }
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .newerSchema)
        #expect(error?.message.contains("version 7") == true)
    }

    @Test func anUnknownMigrationIsRefused() throws {
        let path = temporaryDatabasePath()
        do {
            let store = try SQLiteStore(path: path)
            try store.pool.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9')") }
        }
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .newerSchema)
        #expect(error?.message.contains("v9") == true)
    }

    @Test func integrityCheckIsOkAfterARun() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        for index in 0..<5 { try store.record(sampleRun("wf-\(index)")) }
        #expect(try store.integrityCheck() == ["ok"])
        let foreignKeys = try store.pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
        #expect(foreignKeys.isEmpty)
    }

    @Test func readersSeeCommittedStateWhileAWriterRecords() async throws {
        let path = temporaryDatabasePath()
        let writer = try SQLiteStore(path: path)
        let reader = try SQLiteStore(path: path)
        try writer.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlanValue, requestFile: nil)
        var script = EventScript("wf-1")
        script.add(.workflowStarted, at: 0, data: ["agents": []])
        for index in 0..<400 {
            script.add(.agentStarted, "agent-\(index)", attempt: 1, at: Double(index))
            script.add(.agentCompleted, "agent-\(index)", attempt: 1, at: Double(index) + 0.5,
                       data: ["output": ["n": .integer(Int64(index))]])
        }
        let events = script.events
        let writing = Task.detached {
            for event in events { try writer.record([event]) }
        }
        var observed: [Int64] = []
        while observed.last != Int64(events.count) {
            let status = try reader.status(workflowId: "wf-1", now: 0)
            // Every snapshot is a committed prefix: completed agents all have their output.
            let completed = status.order.filter { status.agents[$0]?.state == .completed }
            if let last = completed.last { #expect(try reader.output(workflowId: "wf-1", agent: last) != nil) }
            observed.append(status.lastSequence)
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        try await writing.value
        #expect(observed == observed.sorted())
    }
}

@Suite struct DurabilityTests {
    @Test func durabilityChoosesTheSynchronousMode() throws {
        let normal = try SQLiteStore(path: temporaryDatabasePath())
        let full = try SQLiteStore(path: temporaryDatabasePath(), durability: .powerLoss)
        // PRAGMA synchronous: 1 = NORMAL, 2 = FULL; read on the writer connection.
        #expect(try normal.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)
        #expect(try full.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        #expect(try normal.pool.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") } == true)
    }
}

/// Several hosts opening the same new database at once (two `agenthost run` started together).
@Suite struct ConcurrentOpeningTests {
    @Test func processesOpeningANewDatabaseTogetherAllSucceed() throws {
        for round in 0..<5 {
            let path = temporaryDatabasePath()
            let writers = (0..<4).map { index in
                let child = Process()
                child.executableURL = URL(fileURLWithPath: CrashTests.writerPath)
                child.arguments = [path, "wf-\(round)-\(index)", "5"]
                child.standardError = Pipe()
                return child
            }
            for writer in writers { try writer.run() }
            for writer in writers { writer.waitUntilExit() }
            let errors = writers.map { String(decoding: ($0.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
            #expect(writers.allSatisfy { $0.terminationStatus == 0 }, "round \(round): \(errors)")
            let store = try SQLiteStore(path: path)
            #expect(try store.workflows().count == 4)
        }
    }
}
