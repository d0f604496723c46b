import Foundation
import Testing
import ScopedownSQLite

@Suite("SQLite")
struct SQLiteTests {
    @Test("bind by index and name, step, typed reads")
    func bindAndRead() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT) STRICT")
        let ins = try db.prepare("INSERT INTO t VALUES (:i, :r, :s, :b, :n)")
        try ins.bind(Int64.max, named: ":i")
        try ins.bind(2.5, named: ":r")
        try ins.bind("héllo 'x'; DROP TABLE t; --", named: ":s")
        try ins.bind([UInt8]([0, 1, 2, 255]), named: ":b")
        try ins.bind(nil as String?, named: ":n")
        #expect(try ins.step() == false)
        var rows = 0
        try db.query("SELECT i, r, s, b, n FROM t") { s in
            rows += 1
            #expect(s.int64(0) == Int64.max)
            #expect(s.double(1) == 2.5)
            #expect(s.string(2) == "héllo 'x'; DROP TABLE t; --")
            #expect(s.blob(3) == [0, 1, 2, 255])
            #expect(s.isNull(4))
            #expect(s.optionalString(4) == nil)
        }
        #expect(rows == 1)
    }

    @Test("errors name the result code, SQLite's message and the SQL")
    func errors() throws {
        let db = try Connection(path: ":memory:")
        do {
            _ = try db.prepare("SELECT nope FROM missing", label: "queries/x.sql")
            Issue.record("expected an error")
        } catch let e as SQLiteError {
            #expect(e.code == 1)
            #expect(e.description == "sqlite error 1 (SQLITE_ERROR): no such table: missing in `queries/x.sql`")
        }
        try db.execute("CREATE TABLE u (k TEXT PRIMARY KEY) STRICT")
        try db.run("INSERT INTO u VALUES (?)", ["a"])
        do {
            try db.run("INSERT INTO u VALUES (?)", ["a"])
            Issue.record("expected an error")
        } catch let e as SQLiteError {
            #expect(e.codeName == "SQLITE_CONSTRAINT")
            #expect(e.description.contains("UNIQUE constraint failed: u.k"))
            #expect(e.description.contains("INSERT INTO u VALUES (?)"))
        }
    }

    @Test("transaction commits, and rolls back when the body throws")
    func transactions() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t (v INTEGER) STRICT")
        try db.transaction { try db.run("INSERT INTO t VALUES (1)") }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES (2)")
                try db.transaction { try db.run("INSERT INTO t VALUES (3)") }
                throw Boom()
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
        #expect(!db.isInTransaction)
        // A nested failure rolls back only the savepoint.
        try db.transaction {
            try db.run("INSERT INTO t VALUES (4)")
            try? db.transaction { try db.run("INSERT INTO t VALUES (5)"); throw Boom() }
        }
        #expect(try db.scalarInt("SELECT sum(v) FROM t") == 5)
    }

    @Test("statement cache returns the same prepared statement for the same SQL")
    func cache() throws {
        let db = try Connection(path: ":memory:")
        let a = try db.cached("SELECT 1")
        let b = try db.cached("SELECT 1")
        #expect(a === b)
        #expect(try db.scalarInt("SELECT ? + 1", [41]) == 42)
    }

    @Test("Swift scalar functions are callable from SQL")
    func functions() throws {
        let db = try Connection(path: ":memory:")
        try db.createFunction("twice", argumentCount: 1) { args in
            guard case .text(let s) = args[0] else { return .null }
            return .text(s + s)
        }
        try db.createFunction("fails", argumentCount: 0) { _ in throw SQLiteError(code: 1, message: "no") }
        #expect(try db.scalar("SELECT twice('ab')") == .text("abab"))
        #expect(try db.scalar("SELECT twice(NULL)") == .null)
        #expect(throws: SQLiteError.self) { try db.scalar("SELECT fails()") }
    }
}

@Suite("SQLite transactions rolled back by SQLite")
struct RolledBackTransactionTests {
    /// SQLite rolls a transaction back by itself on SQLITE_FULL or an I/O error; a ROLLBACK run
    /// behind `transaction`'s back leaves the connection in the same state.
    @Test("after SQLite rolled the transaction back, nothing more is written and the transaction throws")
    func nothingWrittenAfterRollback() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t (x INTEGER) STRICT")
        var later: [String] = []
        #expect(throws: TransactionRolledBack.self) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES (1)")
                try db.transaction { try db.run("INSERT INTO t VALUES (2)") }
                try db.execute("ROLLBACK")  // what SQLite does on a full disk
                // the next file of a run: its savepoint, and a write that would commit on its own
                do { try db.transaction { try db.run("INSERT INTO t VALUES (3)") } } catch { later.append("savepoint: \(error)") }
                do { try db.run("INSERT INTO t VALUES (4)") } catch { later.append("autocommit: \(error)") }
            }
        }
        #expect(try db.scalarInt("SELECT COUNT(*) FROM t") == 0)
        #expect(later.count == 2, "\(later)")
        // the connection is usable again afterwards
        try db.transaction { try db.run("INSERT INTO t VALUES (5)") }
        #expect(try db.scalarInt("SELECT COUNT(*) FROM t") == 1)
    }
}
