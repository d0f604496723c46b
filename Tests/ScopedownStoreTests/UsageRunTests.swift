import Foundation
import ScopedownCore
import ScopedownImport
import ScopedownSQLite
@testable import ScopedownStore
import ScopedownTestSupport
import Testing

/// The files of one `withUsageBatch` share their state (UsageRunState) and write it once at the end:
/// the outcome must be exactly that of importing the files one by one.
@Suite("Usage import runs")
struct UsageRunTests {
    static let alice = UsageImportTests.alice
    static let bob = "aaaaaaaa-0000-0000-0000-000000000002"

    /// Hourly files of random events with duplicates across files, Started/Accepted in one file
    /// and the same operation's Failure in another, denied attempts, mixed spellings and callers.
    static func files(seed: UInt64, count: Int) -> [[String]] {
        var rng = SeededGenerator(seed: seed)
        let actions = ["Microsoft.Compute/virtualMachines/write", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "Microsoft.Compute/virtualMachines/delete"]
        let scopes = ["/subscriptions/S1/resourceGroups/RG1", "/subscriptions/s1/resourcegroups/rg1", "/subscriptions/s2"]
        var all: [String] = []
        var files: [[String]] = []
        for f in 0..<count {
            var lines: [String] = []
            for i in 0..<40 {
                if !all.isEmpty && Int.random(in: 0..<8, using: &rng) == 0 {
                    lines.append(all[Int.random(in: 0..<all.count, using: &rng)]) // exported twice
                    continue
                }
                let status = ["Success", "Start", "Accept", "Failure", "Failure"][Int.random(in: 0..<5, using: &rng)]
                let signature = status == "Failure" ? ["Failed.Forbidden", "Failed.Conflict"][Int.random(in: 0..<2, using: &rng)] : "x"
                let hour = (f + Int.random(in: 0..<2, using: &rng)) % 24
                let who = Int.random(in: 0..<3, using: &rng)
                let line = UsageLines.line(time: "2024-05-0\(1 + f / 24)T\(hour < 10 ? "0" : "")\(hour):\(10 + i):0\(i % 10)Z",
                                           action: actions[Int.random(in: 0..<actions.count, using: &rng)],
                                           scope: scopes[Int.random(in: 0..<scopes.count, using: &rng)],
                                           status: status, signature: signature,
                                           corr: "c\(Int.random(in: 0..<30, using: &rng))",
                                           oid: who == 0 ? alice : who == 1 ? bob : nil,
                                           caller: who == 2 ? "User\(Int.random(in: 0..<3, using: &rng))@Contoso.example" : nil)
                lines.append(line)
                all.append(line)
            }
            files.append(lines)
        }
        return files
    }

    static let format = DetectedFormat(kind: .activityLog, shape: "diagnostic archive (JSON Lines)")

    /// Every usage table in key order, plus the de-duplication and reconciliation state.
    static func state(_ store: Store) throws -> [String] {
        var out = try UsageDeterminismTests.dump(store)
        let seen = try store.seenEventKeys()
        out.append("seen \(seen.count) \(seen.reduce(0, { $0 &+ $1 }))")
        out += try store.tentativeEntries()
        for sql in ["SELECT operation_hash FROM usage_failed_operations ORDER BY 1",
                    "SELECT window_from, window_to, events, uses, failed, denied, duplicates, unresolved_callers FROM usage_imports ORDER BY import_id"] {
            try store.connection.query(sql) { row in
                out.append((0..<row.columnCount).map { row.isNull($0) ? "null" : row.string($0) }.joined(separator: " "))
            }
        }
        return out
    }

    /// Imports `files` (a bad file after the third), either one transaction per file or in one
    /// batch; a second run re-imports overlapping files. Returns the summaries and the final state.
    static func run(batched: Bool, files: [[String]], chunkBytes: Int? = nil, prefetch: Bool = false,
                    caps: UsageCaps = .standard) throws -> ([UsageImportSummary], [String]) {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        f.store.usageCaps = caps
        var summaries: [UsageImportSummary] = []
        var errors: [String] = []
        var options = UsageImportOptions()
        options.chunkBytes = chunkBytes
        options.workers = 2
        func one(_ input: InputFile, prefetcher: ActivityPrefetcher? = nil) {
            do {
                summaries.append(try f.store.importActivityLogDetailed(input, format: format, options: options, prefetcher: prefetcher).summary)
            } catch {
                summaries.append(UsageImportSummary()) // the bad file: its message is part of the outcome
                errors.append("\(error)")
            }
        }
        func all(_ list: [(String, [String])]) throws {
            let inputs = list.map { f.write($0.0, $0.1) }
            if batched {
                let prefetcher = prefetch ? ActivityLogImport.prefetcher(for: inputs, keepEvents: false) : nil
                defer { prefetcher?.cancel() }
                try f.store.withUsageBatch { for input in inputs { one(input, prefetcher: prefetcher) } }
            } else {
                for input in inputs { one(input) }
            }
        }
        var first = files.enumerated().map { ("h\($0.offset).json", $0.element) }
        first.insert(("bad.json", files[3] + ["{\"time\": tru"]), at: 3)
        try all(first)
        #expect(!f.store.connection.isInTransaction)
        // a later export overlapping the first: every event already counted, plus a few new ones
        let again = [("again0.json", files[1] + files[2]),
                     ("again1.json", [UsageLines.line(time: "2024-05-01T05:10:00Z", oid: alice)] + files[5]),
                     ("h0.json", files[0])] // same bytes: already imported
        try all(again)
        return (summaries, try state(f.store) + errors)
    }

    @Test("tiny memory caps: aggregates, tentative uses, failed operations and seen events written out mid-file and mid-run give the same database and summaries")
    func spillPaths() throws {
        for seed in 0..<UInt64(RandomCases.count(default: 3)) {
            let files = Self.files(seed: 70 + seed, count: 8)
            let (expectedSummaries, expected) = try Self.run(batched: false, files: files)
            for caps in [UsageCaps(usage: 2, pending: 2, seen: 3), UsageCaps(usage: 7, pending: 1, seen: 1),
                         UsageCaps(usage: 1000, pending: 1000, seen: 1000, progressive: 3, progressiveSeen: 2),
                         // the summary reads the file's written tentative uses back from disk
                         UsageCaps(usage: 1000, pending: 1000, seen: 1000, progressive: 3, progressiveSeen: 2)] {
                let (oneByOne, state1) = try Self.run(batched: false, files: files, caps: caps)
                #expect(oneByOne == expectedSummaries, "seed \(seed) \(caps)")
                #expect(state1 == expected, "seed \(seed) \(caps)")
                let (batched, state2) = try Self.run(batched: true, files: files, chunkBytes: 2048, caps: caps)
                #expect(batched == expectedSummaries, "seed \(seed) \(caps)")
                #expect(state2 == expected, "seed \(seed) \(caps)")
            }
        }
    }

    @Test("a batch gives the same database and summaries as one transaction per file (duplicates, Started/Failed, a bad file, re-imports)")
    func batchEqualsOneByOne() throws {
        for seed in 0..<UInt64(RandomCases.count(default: 3)) {
            let files = Self.files(seed: 40 + seed, count: 8)
            let (oneByOne, expected) = try Self.run(batched: false, files: files)
            let (batched, got) = try Self.run(batched: true, files: files)
            #expect(batched == oneByOne, "seed \(seed)")
            #expect(got == expected, "seed \(seed)")
            // chunked files go through the threaded reader inside the same batch
            let (chunkedSummaries, chunked) = try Self.run(batched: true, files: files, chunkBytes: 4096)
            #expect(chunkedSummaries == oneByOne, "seed \(seed)")
            #expect(chunked == expected, "seed \(seed)")
            // read, hashed and scanned ahead on another thread: the same outcome
            let (prefetchedSummaries, prefetched) = try Self.run(batched: true, files: files, prefetch: true)
            #expect(prefetchedSummaries == oneByOne, "seed \(seed)")
            #expect(prefetched == expected, "seed \(seed)")
            #expect(oneByOne.contains { $0.duplicates > 0 })
            #expect(oneByOne.contains { $0.denied > 0 })
        }
    }

    @Test("a Started event in one file of a batch is cancelled by its Failure in a later file of the same batch (REFERENCE.md §3.3)")
    func startedThenFailedInBatch() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        var summaries: [UsageImportSummary] = []
        try f.store.withUsageBatch {
            summaries.append(try f.importLines("h10.json", [
                UsageLines.line(time: "2024-05-01T10:00:00Z", action: "Microsoft.Compute/virtualMachines/delete", status: "Start",
                                signature: "Started.", corr: "c-bad", oid: Self.alice),
                UsageLines.line(time: "2024-05-01T10:00:00Z", status: "Start", signature: "Started.", corr: "c-ok", oid: Self.alice),
            ]).summary)
            summaries.append(try f.importLines("h11.json", [
                UsageLines.line(time: "2024-05-01T11:00:01Z", action: "Microsoft.Compute/virtualMachines/delete", status: "Failure",
                                signature: "Failed.Conflict", corr: "C-BAD", oid: Self.alice),
            ]).summary)
        }
        #expect(summaries.map(\.uses) == [2, 0])
        #expect(summaries.map(\.failed) == [0, 1])
        #expect(try f.rows() == ["\(Self.alice) microsoft.compute/virtualmachines/write /subscriptions/s1/resourcegroups/rg1 2024-05-01 uses=1 denied=0 "])
    }

    @Test("unresolved callers are counted per file of a batch, and resolve once the directory is imported in between")
    func unresolvedCallersInBatch() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        var results: [(receipt: ImportReceipt, summary: UsageImportSummary)] = []
        try f.store.withUsageBatch {
            results.append(try f.importLines("a.json", [UsageLines.line(time: "2024-05-01T10:00:00Z", caller: "alice@contoso.com")]))
            results.append(try f.importLines("b.json", [UsageLines.line(time: "2024-05-01T11:00:00Z", caller: "mallory@evil.example"),
                                                        UsageLines.line(time: "2024-05-01T11:00:01Z", caller: "alice@contoso.com")]))
            results.append(try f.importLines("c.json", [UsageLines.line(time: "2024-05-01T12:00:00Z", oid: Self.bob)]))
            var dir = ImportBatch(kind: .directory, shape: "Microsoft Graph users")
            dir.principals = [Principal(id: Self.alice, kind: .user, displayName: "Alice", userPrincipalName: "Alice@Contoso.com")]
            _ = try f.store.write(DecodedFile(file: InputFile(displayName: "users.json", path: nil), sha256: "users", byteCount: 1,
                                              format: DetectedFormat(kind: .directory, shape: "x"), batch: dir))
            results.append(try f.importLines("d.json", [UsageLines.line(time: "2024-05-01T13:00:00Z", caller: "alice@contoso.com")]))
            results.append(try f.importLines("e.json", [UsageLines.line(time: "2024-05-01T14:00:00Z", caller: "eve@evil.example")]))
        }
        #expect(results.map(\.summary.unresolvedCallers) == [1, 2, 2, 1, 2])
        #expect(results.map(\.receipt.warnings.count) == [1, 1, 1, 1, 1])
        #expect(results[4].receipt.warnings.first?.message.contains("`eve@evil.example`") == true)
        #expect(results[4].receipt.warnings.first?.message.contains("`alice@contoso.com`") == false)
        #expect(try f.store.connection.scalarInt("SELECT COUNT(*) FROM usage_principals WHERE resolved_id IS NULL AND key <> ''") == 2)
    }

    @Test("a batch whose body throws inside the caller's own transaction still writes what its recorded files hold")
    func throwingBodyInCallerTransaction() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        struct Stop: Error {}
        try f.store.connection.transaction {
            do {
                try f.store.withUsageBatch {
                    try f.importLines("h1.json", [UsageLines.line(time: "2024-05-01T01:00:00Z", oid: Self.alice)])
                    throw Stop()
                }
            } catch is Stop {}
        }
        #expect(try f.store.connection.scalarInt("SELECT COUNT(*) FROM usage_imports") == 1)
        #expect(try f.rows() == ["\(Self.alice) microsoft.compute/virtualmachines/write /subscriptions/s1/resourcegroups/rg1 2024-05-01 uses=1 denied=0 "])
        // and the event counts once when exported again
        let again = try f.importLines("again.json", [UsageLines.line(time: "2024-05-01T01:00:00Z", oid: Self.alice),
                                                     UsageLines.line(time: "2024-05-01T01:30:00Z", oid: Self.alice)])
        #expect(again.summary.duplicates == 1)
        #expect(again.summary.events == 1)
    }

    @Test("--keep-events: every kept event names its own import, across a batch with a bad file and a directory import in between")
    func keepEventsLabels() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        try f.store.withUsageBatch {
            try f.importLines("a.json", [UsageLines.line(time: "2024-05-01T01:00:00Z", oid: Self.alice)], keep: true)
            _ = try? f.importLines("bad.json", [UsageLines.line(time: "2024-05-01T02:00:00Z", oid: Self.alice), "{\"time\""], keep: true)
            var dir = ImportBatch(kind: .directory, shape: "Microsoft Graph users")
            dir.principals = [Principal(id: Self.bob, kind: .user, displayName: "Bob", userPrincipalName: "bob@contoso.com")]
            _ = try f.store.write(DecodedFile(file: InputFile(displayName: "users.json", path: nil), sha256: "users", byteCount: 1,
                                              format: DetectedFormat(kind: .directory, shape: "x"), batch: dir))
            try f.importLines("b.json", [UsageLines.line(time: "2024-05-01T03:00:00Z", oid: Self.alice),
                                         UsageLines.line(time: "2024-05-01T01:00:00Z", oid: Self.alice)], keep: true)
        }
        try f.importLines("c.json", [UsageLines.line(time: "2024-05-01T04:00:00Z", oid: Self.alice)], keep: true)
        var labels: [String] = []
        try f.store.connection.query("""
            SELECT i.file_name, e.time FROM usage_events e JOIN imports i ON i.id = e.import_id ORDER BY e.time
            """) { labels.append("\($0.string(0)) \(ActivityTime.isoString($0.int64(1)))") }
        #expect(labels == ["a.json 2024-05-01T01:00:00Z", "b.json 2024-05-01T03:00:00Z", "c.json 2024-05-01T04:00:00Z"])
        #expect(try f.store.connection.scalarInt("SELECT COUNT(*) FROM usage_events") == 3)
    }

    @Test("the intervals of earlier imports merge into a sorted disjoint list")
    func windows() {
        var list: [(Int64, Int64)] = []
        for w in [(10, 20), (30, 40), (21, 29), (5, 6), (50, 60), (55, 70), (0, 100)] as [(Int64, Int64)] {
            UsageRunState.add(w, to: &list)
            #expect(zip(list, list.dropFirst()).allSatisfy { $0.1 < $1.0 })
        }
        #expect(list.map { "\($0.0)-\($0.1)" } == ["0-100"])
        var two: [(Int64, Int64)] = []
        UsageRunState.add((10, 20), to: &two)
        UsageRunState.add((30, 40), to: &two)
        UsageRunState.add((20, 25), to: &two)
        #expect(two.map { "\($0.0)-\($0.1)" } == ["10-25", "30-40"])
        #expect(UsageRunState.covers(two, 25) && UsageRunState.covers(two, 30) && !UsageRunState.covers(two, 26) && !UsageRunState.covers(two, 41))
    }
}
