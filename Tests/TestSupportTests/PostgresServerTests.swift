import Foundation
import TestSupport
import Testing

@Suite(.enabled(if: PostgresServer.isAvailable, Comment(rawValue: PostgresServer.unavailableReason ?? "")))
struct PostgresServerTests {
    @Test func startsAPrivateServerThatAnswersSQL() throws {
        let server = try PostgresServer()
        defer { server.stop() }
        #expect(server.url == "postgres://postgres@127.0.0.1:\(server.port)/agenthost")
        #expect(FileManager.default.fileExists(atPath: server.socketFolder + "/.s.PGSQL.\(server.port)"))
        #expect(try server.psql("select current_database() || ' ' || current_user") == "agenthost postgres")
        try server.psql("create table t(id int primary key, name text); insert into t values (1, 'one'), (2, 'two')")
        #expect(try server.psql("select name from t order by id") == "one\ntwo")
        #expect(try server.psql("show server_version_num").count == 6)
    }

    @Test func reportsTheFailingStatement() throws {
        let server = try PostgresServer()
        defer { server.stop() }
        #expect {
            try server.psql("select * from no_such_table")
        } throws: { error in
            "\(error)".contains("no_such_table") && "\(error)".contains("psql")
        }
    }

    @Test func immediateRestartKeepsCommittedRows() throws {
        let server = try PostgresServer()
        defer { server.stop() }
        try server.psql("create table t(id int); insert into t select generate_series(1, 1000)")
        let before = try #require(server.pid)
        try server.restart(immediate: true)
        let after = try #require(server.pid)
        #expect(before != after)
        #expect(try server.psql("select count(*) from t") == "1000")
        try server.restart(immediate: false)
        #expect(try server.psql("select sum(id) from t") == "500500")
    }

    @Test func createsFurtherDatabases() throws {
        let server = try PostgresServer(database: "first")
        defer { server.stop() }
        try server.createDatabase("second")
        #expect(try server.psql("select current_database()", database: "second") == "second")
        #expect(server.url(host: "10.1.2.3", database: "second").hasSuffix("@10.1.2.3:\(server.port)/second"))
        #expect(throws: HarnessError.self) { try server.createDatabase("second") }
    }

    @Test func stopEndsTheServerAndRemovesItsFolder() throws {
        let server = try PostgresServer(settings: ["fsync": "off"])
        #expect(try server.psql("show fsync") == "off")
        _ = try #require(server.pid)
        server.stop()
        // The pid file is gone (the postmaster itself may linger as a zombie of whoever adopted it).
        #expect(server.pid == nil)
        #expect(!FileManager.default.fileExists(atPath: server.folder))
        #expect(throws: HarnessError.self) { try server.psql("select 1") }
        server.stop()
    }

    @Test func twoServersRunSideBySide() throws {
        let first = try PostgresServer()
        defer { first.stop() }
        let second = try PostgresServer()
        defer { second.stop() }
        #expect(first.port != second.port)
        try first.psql("create table only_in_first(x int)")
        #expect(try second.psql("select count(*) from pg_tables where tablename = 'only_in_first'") == "0")
    }
}
