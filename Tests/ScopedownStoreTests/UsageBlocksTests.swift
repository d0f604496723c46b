import Foundation
import ScopedownSQLite
@testable import ScopedownStore
import ScopedownTestSupport
import Testing

@Suite("Usage blocks")
struct UsageBlocksTests {
    @Test("the seen cache finds keys of every earlier block of an hour, never the run's; the run's blocks are searched in place")
    func seenCache() throws {
        let db = TempDB()
        defer { db.cleanup() }
        let store = try Store(path: db.path)
        var a = UsageKeySet(), b = UsageKeySet(), c = UsageKeySet()
        for k in stride(from: UInt64(1), through: 999, by: 2) { _ = a.insert(k, hour: 10) }
        _ = b.insert(1_001, hour: 10)
        _ = c.insert(0, hour: 10)
        _ = c.insert(4, hour: 11)
        try UsageSeenBlocks.write(store.connection, &a)
        try UsageSeenBlocks.write(store.connection, &b)
        // a run starting now: the blocks written before it are cached, those written after are not
        let firstID = Int64(try store.connection.scalarInt("SELECT MAX(id) + 1 FROM usage_seen_blocks") ?? 1)
        let cache = UsageSeenCache(firstID: firstID)
        try UsageSeenBlocks.write(store.connection, &c)
        #expect(try cache.contains(501, hour: 10, db: store.connection))
        #expect(try cache.contains(999, hour: 10, db: store.connection))
        #expect(try cache.contains(1_001, hour: 10, db: store.connection))
        #expect(!(try cache.contains(500, hour: 10, db: store.connection)))
        #expect(!(try cache.contains(0, hour: 10, db: store.connection)))
        #expect(!(try cache.contains(4, hour: 11, db: store.connection)))
        #expect(try UsageSeenCache.blocksContain(0, hour: 10, from: firstID, db: store.connection))
        #expect(try UsageSeenCache.blocksContain(4, hour: 11, from: firstID, db: store.connection))
        #expect(!(try UsageSeenCache.blocksContain(4, hour: 10, from: firstID, db: store.connection)))
        #expect(!(try UsageSeenCache.blocksContain(501, hour: 10, from: firstID, db: store.connection)))
        // every block, for a cache of everything
        #expect(try UsageSeenCache().contains(0, hour: 10, db: store.connection))
    }

    @Test("the open-addressing map and set agree with Dictionary and Set on random keys (zero included)")
    func containers() {
        var g = SeededGenerator(seed: 3)
        var map = UsageMap<UInt64, Int>()
        var dict: [UInt64: Int] = [:]
        var set = UsageKeySet()
        var reference = Set<UInt64>()
        for _ in 0..<20_000 {
            let k = UInt64.random(in: 0..<5_000, using: &g) &* 0x9E37_79B9_7F4A_7C15
            map.update(k, initial: 0) { $0 += 1 }
            dict[k, default: 0] += 1
            #expect(set.insert(k, hour: 1) == reference.insert(k).inserted)
        }
        #expect(map.count == dict.count && set.count == reference.count)
        for (k, v) in dict { #expect(map[k] == v) }
        for k in reference { #expect(set.contains(k)) }
        #expect(!set.contains(12345))
    }

    @Test("the Bloom filter never forgets a key and rarely answers maybe for others")
    func bloomFilter() {
        var g = SeededGenerator(seed: 8)
        var filter = UsageBloomFilter(bitCount: 1 << 20)
        let keys = (0..<50_000).map { _ in UInt64.random(in: 0...UInt64.max, using: &g) }
        for k in keys { filter.insert(k) }
        #expect(keys.allSatisfy { filter.mayContain($0) })
        let others = (0..<50_000).map { _ in UInt64.random(in: 0...UInt64.max, using: &g) }
        let maybes = others.filter { filter.mayContain($0) }.count
        #expect(maybes < 500, "\(maybes) false positives in 50,000") // ~0.1% expected at 21 bits a key
    }

    @Test("seen keys inserted with interleaved hours: one sorted block per hour per write, holding exactly that hour's keys")
    func seenBlocksByHour() throws {
        let db = TempDB()
        defer { db.cleanup() }
        let store = try Store(path: db.path)
        var g = SeededGenerator(seed: 12)
        var set = UsageKeySet()
        var expected: [Int32: [UInt64]] = [:]
        var hour: Int32 = 100
        for _ in 0..<5_000 {
            // runs of one hour, hours going back and forth (files of several subscriptions)
            if Int.random(in: 0..<20, using: &g) == 0 { hour = Int32.random(in: 95...105, using: &g) }
            let k = UInt64.random(in: 0...UInt64.max, using: &g)
            if set.insert(k, hour: hour) { expected[hour, default: []].append(k) }
        }
        try UsageSeenBlocks.write(store.connection, &set)
        var got: [Int32: [UInt64]] = [:]
        var blocks = 0
        try store.connection.query("SELECT hour, keys FROM usage_seen_blocks ORDER BY id") { row in
            var keys: [UInt64] = []
            row.withBlob(1) { UsageSeenBlocks.appendKeys(of: $0, to: &keys) }
            #expect(keys == keys.sorted())
            #expect(got[Int32(row.int64(0))] == nil, "one block per hour")
            got[Int32(row.int64(0))] = keys
            blocks += 1
        }
        #expect(blocks == expected.count)
        for (h, keys) in expected { #expect(got[h] == keys.sorted(), "hour \(h)") }
        // nothing left to write
        try UsageSeenBlocks.write(store.connection, &set)
        #expect(try store.connection.scalarInt("SELECT COUNT(*) FROM usage_seen_blocks") == blocks)
    }

    @Test("a tentative entry reads back as written: negative ids, no first or last seen, uses clamped to 32 bits")
    func tentativeEntryRoundTrip() {
        var g = SeededGenerator(seed: 13)
        var bytes: [UInt8] = []
        var entries: [UsageTentativeEntry] = []
        for n in 0..<1_000 {
            func id() -> Int32 { Int32.random(in: Int32.min...Int32.max, using: &g) }
            var v = UsageValue()
            v.uses = n == 0 ? Int64(UInt32.max) + 5 : Int64.random(in: 0...1_000, using: &g)
            v.first = n % 7 == 0 ? nil : Int64.random(in: -1_000_000...4_000_000_000, using: &g)
            v.last = n % 5 == 0 ? nil : Int64.random(in: -1_000_000...4_000_000_000, using: &g)
            let e = UsageTentativeEntry(operation: UInt64.random(in: 0...UInt64.max, using: &g),
                                        key: UsageKey(principal: id(), action: id(), scope: id(), day: id(), assignment: id()), value: v,
                                        confirmed: n % 3 == 0)
            UsageTentativeBlocks.append(&bytes, e)
            entries.append(e)
        }
        #expect(bytes.count == entries.count * UsageTentativeEntry.size)
        bytes.withUnsafeBytes { raw in
            for (i, e) in entries.enumerated() {
                let r = UsageTentativeBlocks.entry(raw, at: i * UsageTentativeEntry.size)
                #expect(r.operation == e.operation && r.key == e.key)
                #expect(r.value.uses == min(e.value.uses, Int64(0x7FFF_FFFF)))
                #expect(r.confirmed == e.confirmed)
                #expect(r.value.first == e.value.first && r.value.last == e.value.last)
            }
        }
        // the layout itself (formats.md): operation first, then the ids, little-endian
        var one: [UInt8] = []
        UsageTentativeBlocks.append(&one, UsageTentativeEntry(operation: 0x0102_0304_0506_0708,
                                                               key: UsageKey(principal: 1, action: 2, scope: 3, day: 4, assignment: -1),
                                                               value: UsageValue()))
        #expect(Array(one[0..<8]) == [8, 7, 6, 5, 4, 3, 2, 1])
        #expect(Array(one[8..<32]) == [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0])
        #expect(Array(one[32..<48]) == [0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x80])
    }

    @Test("writeback: nothing to open for an in-memory database; syncs as the file grows; one descriptor per file, never closed")
    func writeback() throws {
        #expect(DatabaseWriteback(path: ":memory:") == nil)
        let db = TempDB()
        defer { db.cleanup() }
        let store = try Store(path: db.path)
        // through a descriptor of its own (the per-process table of `DatabaseWriteback(path:)` may
        // be full after the other tests); never closed, like the table's
        let fd = open(db.path, O_RDONLY | O_CLOEXEC)
        #expect(fd >= 0)
        let wb = DatabaseWriteback(descriptor: fd)
        // grow the file past a step, a few times
        try store.connection.execute("CREATE TABLE filler(b BLOB)")
        for _ in 0..<3 {
            try store.connection.execute("INSERT INTO filler VALUES (zeroblob(\(DatabaseWriteback.step)))")
            wb.written()
        }
        wb.finish()
        #expect(try store.connection.scalarInt("SELECT COUNT(*) FROM filler") == 3)
        // the same file: the same descriptor (closing one would drop SQLite's locks on it)
        #expect(DatabaseWriteback.Descriptors.descriptor(for: db.path) == DatabaseWriteback.Descriptors.descriptor(for: db.path))
        #expect(DatabaseWriteback.Descriptors.descriptor(for: db.path + ".missing") == nil)
    }

    @Test("the packed sort key orders usage keys exactly as UsageKey's own order (the table's primary key)")
    func packedSortKey() {
        var g = SeededGenerator(seed: 14)
        // few distinct values per field, negatives and extremes included: many equal prefixes
        let values: [Int32] = [Int32.min, -2, -1, 0, 1, 2, 7, Int32.max]
        func v() -> Int32 { values[Int.random(in: 0..<values.count, using: &g)] }
        let keys = (0..<3_000).map { _ in UsageKey(principal: v(), action: v(), scope: v(), day: v(), assignment: v()) }
        let packed = keys.enumerated().map { UsageKey.SortKey($0.element, index: $0.offset) }.sorted()
        let expected = keys.indices.sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
        #expect(packed.map(\.index) == expected)
    }

    /// A Python with its sqlite3 module, to try the database's lock from another process (locks
    /// dropped in this process are invisible to this process's own connections: SQLite keeps the
    /// lock state of a file per process).
    static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("writeback keeps SQLite's locks: its descriptor is never closed, so another process still finds the database locked",
          .enabled(if: python != nil, "no python3 to try the lock from another process"))
    func writebackKeepsLocks() throws {
        let db = TempDB()
        defer { db.cleanup() }
        _ = try Store(path: db.path)
        let holder = try Connection(path: db.path, mode: .readWrite, busyTimeoutMS: 0)
        try holder.execute("BEGIN IMMEDIATE")
        try holder.execute("CREATE TABLE held(x)")
        // a run's writeback on the same file, started and finished while the lock is held
        let wb = try #require(DatabaseWriteback(path: db.path), "the per-process table of writeback files is full")
        wb.written()
        wb.finish()
        // closing any descriptor of the file would have dropped the holder's lock (POSIX locks
        // are per process): another process would get the write lock
        func otherProcessGetsTheLock() throws -> Bool {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try #require(Self.python))
            p.arguments = ["-c", "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)\n"
                           + "try:\n    c.execute('BEGIN IMMEDIATE')\nexcept sqlite3.OperationalError:\n    sys.exit(3)\n", db.path]
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus == 0
        }
        #expect(try !otherProcessGetsTheLock())
        try holder.execute("COMMIT")
        #expect(try otherProcessGetsTheLock())
    }
}
