import CSQLite

/// Applies migrations in order, each in a transaction, and records them in `schema_migrations` with
/// a checksum of their SQL. A database whose recorded migration differs from the embedded one (made
/// by another build while a schema file was still changing) is refused rather than half-used.
public struct Migrator {
    public struct Migration: Sendable {
        /// e.g. `v001_core`
        public var name: String
        public var sql: String
        public init(name: String, sql: String) {
            self.name = name
            self.sql = sql
        }

        /// FNV-1a 64-bit of the SQL text, hex: detects a changed file, nothing more.
        public var checksum: String {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in sql.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            let hex = String(h, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
    }

    /// The database's schema does not match this build's migrations.
    public struct Mismatch: Error, CustomStringConvertible, Sendable {
        public var migration: String
        public var description: String {
            "schema `\(migration)` of this database differs from the one this build of scopedown applies"
        }
    }

    public var migrations: [Migration]
    public init(migrations: [Migration]) { self.migrations = migrations.sorted { $0.name < $1.name } }

    /// Applies the migrations not yet recorded. Returns the names applied now. Throws `Mismatch` when
    /// a recorded migration's checksum differs from the embedded one. What to apply is decided under
    /// the write lock (BEGIN IMMEDIATE), so two processes opening a new database at once do not both
    /// create it: the second waits, then finds the schema done. `applicationID` is set in the header
    /// of a database the migrator creates (`PRAGMA application_id`).
    @discardableResult
    public func migrate(_ db: Connection, applicationID: Int32? = nil) throws -> [String] {
        // the usual case, nothing pending, takes no write lock (readers open databases too)
        if let applied = try Self.applied(db), try pending(applied).isEmpty { return [] }
        var done: [String] = []
        // every pending migration in one transaction: a new database is created with one commit
        // (one set of syncs), and an upgrade applies whole or not at all
        try db.transaction {
            let recorded = try Self.applied(db)
            let pending = try pending(recorded ?? [:])
            if pending.isEmpty { return }
            if recorded == nil {
                try db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY NOT NULL, checksum TEXT NOT NULL) STRICT")
                if let applicationID { try db.execute("PRAGMA application_id = \(applicationID)") }
            }
            for m in pending {
                try db.execute(m.sql, label: "schema/\(m.name).sql")
                try db.run("INSERT INTO schema_migrations(name, checksum) VALUES (?, ?)", [m.name, m.checksum])
            }
            done = pending.map(\.name)
        }
        return done
    }

    /// The recorded migrations (name to checksum), or nil when the database has no migrations table.
    static func applied(_ db: Connection) throws -> [String: String]? {
        guard try db.scalarInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") == 1 else {
            return nil
        }
        var applied: [String: String] = [:]
        do {
            try db.query("SELECT name, checksum FROM schema_migrations") { applied[$0.string(0)] = $0.string(1) }
        } catch is SQLiteError {
            // A table without the checksum column comes from a build before checksums.
            throw Mismatch(migration: "schema_migrations")
        }
        return applied
    }

    private func pending(_ applied: [String: String]) throws -> [Migration] {
        var pending: [Migration] = []
        for m in migrations {
            if let recorded = applied[m.name] {
                if recorded != m.checksum { throw Mismatch(migration: m.name) }
                continue
            }
            pending.append(m)
        }
        return pending
    }
}
