import GRDB
import GRDBSQLite

// Implementation notes
// The record path runs a handful of statements per event; GRDB's generic argument binding
// (StatementArguments of existentials) cost more CPU than SQLite's own work there. These
// helpers bind the values of a GRDB cached statement straight through the SQLite C API and
// step it. Only for statements of our own tables, inside GRDB's write transaction; no
// transaction observer is registered on the store's connections.

/// A value bound to a statement parameter.
enum SQLValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
    init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    init(_ value: Double?) { self = value.map { .real($0) } ?? .null }
    init(_ value: Bool?) { self = value.map { .integer($0 ? 1 : 0) } ?? .null }
}

/// SQLite's "copy the bytes now" destructor.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Statement {
    /// Binds `values` to parameters 1...n and runs the statement to the end.
    /// - Returns: the first column of the first row as a Double (for `RETURNING`), if any.
    @discardableResult
    func run(_ values: SQLValue...) throws -> Double? {
        try step(values) { sqlite3_column_double($0, 0) }
    }

    /// Binds `values`, runs the statement and returns the first column of its first row as an integer.
    func integer(_ values: SQLValue...) throws -> Int64? {
        try step(values) { sqlite3_column_int64($0, 0) }
    }

    private func step<T>(_ values: [SQLValue], _ read: (OpaquePointer) -> T) throws -> T? {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
            case .real(let number): code = sqlite3_bind_double(handle, index, number)
            case .text(var text):
                code = text.withUTF8 { bytes in
                    guard let base = bytes.baseAddress else {
                        return sqlite3_bind_text(handle, index, "", 0, transient)
                    }
                    return sqlite3_bind_text(
                        handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                        transient)
                }
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }
        var first: T?
        var sawRow = false
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                sqlite3_reset(handle)
                throw failure(code)
            }
            if !sawRow, sqlite3_column_type(handle, 0) != SQLITE_NULL { first = read(handle) }
            sawRow = true
        }
        sqlite3_reset(handle)
        return first
    }

    private func failure(_ code: Int32) -> DatabaseError {
        let connection = sqlite3_db_handle(sqliteStatement)
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}
