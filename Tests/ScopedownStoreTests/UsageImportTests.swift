import Foundation
import ScopedownCore
import ScopedownImport
import ScopedownSQLite
@testable import ScopedownStore
import ScopedownTestSupport
import Testing

struct UsageFixture {
    let db = TempDB()
    let store: Store
    let folder: URL

    init() throws {
        store = try Store(path: db.path)
        folder = db.dir.appendingPathComponent("inputs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ lines: [String]) -> InputFile {
        let url = folder.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: url.path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        return InputFile(displayName: name, path: url.path)
    }

    @discardableResult
    func importLines(_ name: String, _ lines: [String], keep: Bool = false) throws -> (receipt: ImportReceipt, summary: UsageImportSummary) {
        try store.importActivityLogDetailed(write(name, lines), format: DetectedFormat(kind: .activityLog, shape: "diagnostic archive (JSON Lines)"),
                                            options: UsageImportOptions(keepEvents: keep))
    }

    /// `principal action scope day uses denied assignment` rows of the effective usage, sorted.
    func rows() throws -> [String] {
        let keys = try UsageKeys(store)
        return try store.effectiveUsage().map { u in
            "\(keys.principals[u.principal] ?? "?") \(keys.actions[u.action] ?? "?") \(keys.scopes[u.scope] ?? "?") \(ActivityTime.dayString(u.day)) uses=\(u.uses) denied=\(u.denied) \(keys.assignments[u.assignment] ?? "")"
        }.sorted()
    }
}

/// The keys of the usage lookup tables, by id.
struct UsageKeys {
    var principals: [Int: String] = [:], actions: [Int: String] = [:], scopes: [Int: String] = [:], assignments: [Int: String] = [:]
    init(_ store: Store) throws {
        try store.connection.query("SELECT id, key FROM usage_principals") { principals[$0.int(0)] = $0.string(1) }
        try store.connection.query("SELECT id, key FROM usage_actions") { actions[$0.int(0)] = $0.string(1) }
        try store.connection.query("SELECT id, key FROM usage_scopes") { scopes[$0.int(0)] = $0.string(1) }
        try store.connection.query("SELECT id, key FROM usage_assignments") { assignments[$0.int(0)] = $0.string(1) }
    }
}

@Suite("Usage import")
struct UsageImportTests {
    static let alice = "aaaaaaaa-0000-0000-0000-000000000001"

    @Test("real diagnostic archive: aggregated usage with re-dashed evidence", .enabled(if: SharedData.isAvailable, SharedData.skipMessage))
    func realArchive() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let file = InputFile(displayName: "PT1H.json", path: SharedData.url("activitylog-storage-pt1h-sample.jsonl").path)
        let (receipt, summary) = try f.store.importActivityLogDetailed(
            file, format: DetectedFormat(kind: .activityLog, shape: "diagnostic archive (JSON Lines)"), options: UsageImportOptions())
        #expect(receipt.kind == .activityLog)
        #expect(receipt.sha256.hasPrefix("records:"))
        #expect(summary.events == 3)
        #expect(summary.withoutAuthorization == 3)
        #expect(summary.uses == 3) // one Success, two Start events without a failure
        #expect(summary.windowFrom.map(ActivityTime.isoString) == "2019-10-24T00:13:46Z")
        #expect(summary.windowTo.map(ActivityTime.isoString) == "2025-04-15T10:16:32Z")
        let rows = try f.rows()
        #expect(rows.contains("f7202482-ee08-4d1c-8665-1b25942e1c59 microsoft.resources/subscriptions/resourcegroups/delete /subscriptions/69349acf-2a6c-409d-a925-96ba0c5f099f/resourcegroups/defaultresourcegroup-eus 2023-12-12 uses=1 denied=0 95a6e107-7f8c-434d-9400-106e7d9ba68c"))
        // the same bytes again: nothing changes
        let again = try f.store.importActivityLogDetailed(
            file, format: DetectedFormat(kind: .activityLog, shape: "diagnostic archive (JSON Lines)"), options: UsageImportOptions())
        #expect(again.receipt.alreadyImported)
        #expect(try f.rows() == rows)
    }

    @Test("every real Activity Log sample imports", .enabled(if: SharedData.isAvailable, SharedData.skipMessage), arguments: [
        ("activitylog-azcli-rest-sample.json", 2), ("activitylog-eventhub-records-sample.json", 2),
        ("bodies/GetActivityLogsFiltered.body.json", 1),
    ])
    func realSamples(_ name: String, _ events: Int) throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let file = InputFile(displayName: name, path: SharedData.url(name).path)
        let (_, summary) = try f.store.importActivityLogDetailed(file, format: DetectedFormat(kind: .activityLog, shape: "x"), options: UsageImportOptions())
        #expect(summary.events == events)
        #expect(try !f.rows().isEmpty)
    }

    @Test("overlapping exports count each event once, across files and re-imports")
    func dedupAcrossFiles() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let e1 = UsageLines.line(time: "2024-05-01T10:00:00Z", oid: Self.alice)
        let e2 = UsageLines.line(time: "2024-05-01T11:00:00Z", oid: Self.alice)
        let e3 = UsageLines.line(time: "2024-05-01T12:00:00Z", oid: Self.alice)
        let a = try f.importLines("a.json", [e1, e2, e2])
        #expect(a.summary.events == 2)
        #expect(a.summary.duplicates == 1)
        // a management-group and a subscription diagnostic setting both exported e2 and e3
        let b = try f.importLines("b.json", [e3, e2])
        #expect(b.summary.events == 1)
        #expect(b.summary.duplicates == 1)
        let c = try f.importLines("c.json", [e3, e1, e2, e3])
        #expect(c.summary.events == 0)
        #expect(c.summary.duplicates == 4)
        #expect(try f.rows() == ["\(Self.alice) microsoft.compute/virtualmachines/write /subscriptions/s1/resourcegroups/rg1 2024-05-01 uses=3 denied=0 "])
    }

    @Test("eventDataId de-duplicates REST events even when other fields differ")
    func dedupByEventDataID() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let x = UsageLines.line(oid: Self.alice, extra: #","eventDataId":"E-1","level":"Informational""#)
        let y = UsageLines.line(oid: Self.alice, extra: #","eventDataId":"e-1""#)
        let r = try f.importLines("a.json", [x, y])
        #expect(r.summary.events == 1)
        #expect(r.summary.duplicates == 1)
    }

    @Test("Started/Accepted are uses unless the same operation failed, even in a later file (REFERENCE.md §3.3)")
    func tentativeUses() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let startOK = UsageLines.line(time: "2024-05-01T10:00:00Z", status: "Start", signature: "Started.", corr: "c-ok", oid: Self.alice)
        let startBad = UsageLines.line(time: "2024-05-01T10:00:00Z", action: "Microsoft.Compute/virtualMachines/delete", status: "Start",
                                       signature: "Started.", corr: "c-bad", oid: Self.alice)
        let accepted = UsageLines.line(time: "2024-05-01T10:05:00Z", action: "Microsoft.Compute/virtualMachines/delete", status: "Accept",
                                       signature: "Accepted.", corr: "c-bad", oid: Self.alice)
        try f.importLines("h10.json", [startOK, startBad, accepted])
        #expect(try f.rows().count == 2)
        // the failure arrives in the next hour's blob
        let failed = UsageLines.line(time: "2024-05-01T11:00:01Z", action: "Microsoft.Compute/virtualMachines/delete", status: "Failure",
                                     signature: "Failed.Conflict", corr: "C-BAD", oid: Self.alice)
        let b = try f.importLines("h11.json", [failed])
        #expect(b.summary.failed == 1)
        #expect(b.summary.denied == 0)
        #expect(try f.rows() == ["\(Self.alice) microsoft.compute/virtualmachines/write /subscriptions/s1/resourcegroups/rg1 2024-05-01 uses=1 denied=0 "])
    }

    @Test("authorization failures are denied attempts; other failures are not")
    func deniedAttempts() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let denied = UsageLines.line(status: "Failure", signature: "Failed.Forbidden", oid: Self.alice)
        let denied2 = UsageLines.line(time: "2024-05-01T10:00:01Z", status: "Failed", signature: "",
                                      oid: Self.alice, extra: #","properties":{"statusCode":"Forbidden","statusMessage":"{\"error\":{\"code\":\"AuthorizationFailed\"}}"}"#)
        let conflict = UsageLines.line(time: "2024-05-01T10:00:02Z", status: "Failure", signature: "Failed.Conflict", oid: Self.alice)
        let r = try f.importLines("a.json", [denied, denied2, conflict])
        #expect(r.summary.failed == 3)
        #expect(r.summary.denied == 2)
        #expect(r.summary.uses == 0)
        #expect(try f.rows() == ["\(Self.alice) microsoft.compute/virtualmachines/write /subscriptions/s1/resourcegroups/rg1 2024-05-01 uses=0 denied=2 "])
    }

    @Test("callers: oid, GUID caller, UPN through the directory; unresolved ones kept and reported")
    func callers() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        var dir = ImportBatch(kind: .directory, shape: "Microsoft Graph users")
        dir.principals = [Principal(id: Self.alice, kind: .user, displayName: "Alice", userPrincipalName: "Alice@Contoso.com")]
        _ = try f.store.write(DecodedFile(file: InputFile(displayName: "users.json", path: nil), sha256: "users", byteCount: 1,
                                          format: DetectedFormat(kind: .directory, shape: "x"), batch: dir))
        let byUPN = UsageLines.line(time: "2024-05-01T10:00:00Z", caller: "alice@contoso.com")
        let byGUID = UsageLines.line(time: "2024-05-01T10:00:01Z", caller: "CCCCCCCC-0000-0000-0000-000000000001")
        let unknown = UsageLines.line(time: "2024-05-01T10:00:02Z", caller: "mallory@evil.example")
        let r = try f.importLines("a.json", [byUPN, byGUID, unknown])
        #expect(r.summary.unresolvedCallers == 1)
        #expect(r.receipt.warnings.count == 1)
        #expect(r.receipt.warnings.first?.message.contains("`mallory@evil.example`") == true)
        var resolved: [String] = []
        try f.store.connection.query("SELECT key, COALESCE(resolved_id, '-') FROM usage_principals WHERE key <> '' ORDER BY key") {
            resolved.append("\($0.string(0)) -> \($0.string(1))")
        }
        #expect(resolved == ["alice@contoso.com -> \(Self.alice)",
                             "cccccccc-0000-0000-0000-000000000001 -> cccccccc-0000-0000-0000-000000000001",
                             "mallory@evil.example -> -"])
    }

    @Test("bad input leaves the database unchanged")
    func badInputUnchanged() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        try f.importLines("good.json", [UsageLines.line(oid: Self.alice)])
        let before = f.db.bytes()
        #expect(throws: Diagnostic.self) {
            try f.importLines("bad.json", [UsageLines.line(time: "2024-06-01T00:00:00Z", oid: Self.alice), "{\"time\": tru"])
        }
        #expect(f.db.bytes() == before)
    }

    @Test("--keep-events keeps the raw records")
    func keepEvents() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let l = UsageLines.line(oid: Self.alice)
        try f.importLines("a.json", [l], keep: true)
        let raw = try f.store.connection.scalar("SELECT raw FROM usage_events")
        #expect(raw == .text(l))
        #expect(try f.store.connection.scalarInt("SELECT COUNT(*) FROM usage_events WHERE import_id = 0") == 0)
    }

    @Test("usage aggregate CSV adds to the same tables")
    func usageCSV() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let url = f.folder.appendingPathComponent("usage.csv")
        _ = FileManager.default.createFile(atPath: url.path, contents: Data("""
            principalId,caller,action,scope,day,uses,deniedAttempts,firstSeen,lastSeen,roleAssignmentId
            \(Self.alice),alice@contoso.com,Microsoft.Compute/virtualMachines/write,/subscriptions/51515151-0000-0000-0000-000000000001/resourceGroups/rg1,2024-05-01,4,1,2024-05-01T01:00:00Z,2024-05-01T02:00:00Z,95a6e1077f8c434d9400106e7d9ba68c

            """.utf8))
        let r = try f.store.importActivityLogDetailed(InputFile(displayName: "usage.csv", path: url.path),
                                                      format: DetectedFormat(kind: .usageAggregate, shape: "usage aggregate (CSV)"),
                                                      options: UsageImportOptions())
        #expect(r.receipt.kind == .usageAggregate)
        #expect(r.summary.usageRows == 1)
        #expect(try f.rows() == ["\(Self.alice) microsoft.compute/virtualmachines/write /subscriptions/51515151-0000-0000-0000-000000000001/resourcegroups/rg1 2024-05-01 uses=4 denied=1 95a6e107-7f8c-434d-9400-106e7d9ba68c"])
    }

    @Test("a usage aggregate CSV with one malformed row imports nothing")
    func usageCSVBadRowImportsNothing() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let url = f.folder.appendingPathComponent("usage.csv")
        _ = FileManager.default.createFile(atPath: url.path, contents: Data("""
            principalId,caller,action,scope,day,uses,deniedAttempts,firstSeen,lastSeen,roleAssignmentId
            \(Self.alice),alice@contoso.com,Microsoft.Compute/virtualMachines/write,/subscriptions/51515151-0000-0000-0000-000000000001,2024-05-01,4,1,,,
            \(Self.alice),alice@contoso.com,Microsoft.Compute/virtualMachines/delete,/subscriptions/not-a-guid,2024-05-01,4,1,,,

            """.utf8))
        let before = try f.store.connection.scalarInt("SELECT count(*) FROM imports")
        #expect(throws: Diagnostic.self) {
            try f.store.importActivityLogDetailed(InputFile(displayName: "usage.csv", path: url.path),
                                                  format: DetectedFormat(kind: .usageAggregate, shape: "usage aggregate (CSV)"),
                                                  options: UsageImportOptions())
        }
        #expect(try f.rows().isEmpty)
        #expect(try f.store.connection.scalarInt("SELECT count(*) FROM imports") == before)
    }
}

@Suite("Usage import batches")
struct UsageBatchTests {
    @Test("a batch commits once; a failing file inside it leaves no trace and the others stay")
    func batch() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        let alice = UsageImportTests.alice
        var failures = 0
        try f.store.withUsageBatch {
            try f.importLines("h1.json", [UsageLines.line(time: "2024-05-01T01:00:00Z", oid: alice)])
            do {
                try f.importLines("bad.json", [UsageLines.line(time: "2024-05-01T02:00:00Z", oid: alice), "{\"time\""])
            } catch is Diagnostic { failures += 1 }
            try f.importLines("h3.json", [UsageLines.line(time: "2024-05-01T03:00:00Z", oid: alice),
                                          UsageLines.line(time: "2024-05-01T01:00:00Z", oid: alice)])
        }
        #expect(failures == 1)
        #expect(try f.rows() == ["\(alice) microsoft.compute/virtualmachines/write /subscriptions/s1/resourcegroups/rg1 2024-05-01 uses=2 denied=0 "])
        #expect(try f.store.connection.scalarInt("SELECT COUNT(*) FROM usage_imports") == 2)
        #expect(!f.store.connection.isInTransaction)
    }
}

@Suite("Usage import determinism")
struct UsageDeterminismTests {
    /// Every usage table, dumped in key order.
    static func dump(_ store: Store) throws -> [String] {
        var out: [String] = []
        for sql in ["SELECT key, caller, COALESCE(resolved_id, '') FROM usage_principals ORDER BY key",
                    "SELECT key, display FROM usage_actions ORDER BY key", "SELECT key, display FROM usage_scopes ORDER BY key"] {
            try store.connection.query(sql) { row in
                out.append((0..<row.columnCount).map { row.isNull($0) ? "null" : row.string($0) }.joined(separator: " "))
            }
        }
        // the effective usage, one line per (principal, action, scope, day, evidence)
        let keys = try UsageKeys(store)
        var sums: [String: (uses: Int, denied: Int, first: Int64?, last: Int64?)] = [:]
        for u in try store.effectiveUsage() {
            let k = "\(keys.principals[u.principal] ?? "?") \(keys.actions[u.action] ?? "?") \(keys.scopes[u.scope] ?? "?") \(u.day) \(keys.assignments[u.assignment] ?? "")"
            var v = sums[k] ?? (0, 0, nil, nil)
            v.uses += u.uses
            v.denied += u.denied
            if let f = u.firstSeen, v.first.map({ f < $0 }) ?? true { v.first = f }
            if let l = u.lastSeen, v.last.map({ l > $0 }) ?? true { v.last = l }
            sums[k] = v
        }
        for (k, v) in sums.sorted(by: { $0.key < $1.key }) {
            out.append("\(k) \(v.uses) \(v.denied) \(v.first.map(String.init) ?? "null") \(v.last.map(String.init) ?? "null")")
        }
        return out
    }

    @Test("same input, any number of threads and any chunking: the same database and summary")
    func threadsAndChunks() throws {
        var rng = SeededGenerator(seed: 99)
        var lines: [String] = []
        let actions = ["Microsoft.Compute/virtualMachines/write", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "microsoft.compute/virtualMachines/write"]
        for i in 0..<600 {
            let status = ["Success", "Start", "Accept", "Failure"][Int.random(in: 0..<4, using: &rng)]
            lines.append(UsageLines.line(time: "2024-05-0\(1 + i % 3)T10:\(10 + i % 50):00Z", action: actions[Int.random(in: 0..<3, using: &rng)],
                                         scope: ["/subscriptions/S1/resourceGroups/RG1", "/subscriptions/s1/resourcegroups/rg1"][i % 2],
                                         status: status, signature: status == "Failure" ? "Failed.Forbidden" : "x",
                                         corr: "c\(Int.random(in: 0..<80, using: &rng))", oid: UsageImportTests.alice))
        }
        var results: [[String]] = []
        var summaries: [UsageImportSummary] = []
        for (workers, chunk) in [(1, 1 << 22), (3, 4096), (2, 5000)] {
            let f = try UsageFixture()
            defer { f.db.cleanup() }
            var options = UsageImportOptions()
            options.workers = workers
            options.chunkBytes = chunk
            let r = try f.store.importActivityLogDetailed(f.write("a.json", lines), format: DetectedFormat(kind: .activityLog, shape: "x"), options: options)
            results.append(try Self.dump(f.store))
            summaries.append(r.summary)
        }
        #expect(results[0] == results[1])
        #expect(results[0] == results[2])
        #expect(summaries[0] == summaries[1])
        #expect(summaries[0] == summaries[2])
    }
}
