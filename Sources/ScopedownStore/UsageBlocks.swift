// Block storage of the usage import's per-event structures (schema/v001_core.sql): the
// de-duplication keys of every imported event, and the tentative uses of started operations. Both are
// written as sorted binary blocks, one statement per block instead of one per event, and read back
// whole (the report) or one hour at a time (de-duplication against earlier imports).
import ScopedownCore
import ScopedownSQLite

enum UsageSeenBlocks {
    /// The de-duplication key of an event (REFERENCE.md §3.2, `ScannedEvent.duplicateKey`): its
    /// eventDataId or record hash, combined with its time (a duplicate has the same time).
    @inline(__always) static func key(time: Int64, hash: UInt64) -> UInt64 {
        ScannedEvent.duplicateKey(hash: hash, time: time)
    }

    /// The hour of an event time (seconds since the epoch, floor division).
    @inline(__always) static func hour(_ time: Int64) -> Int32 {
        Int32(truncatingIfNeeded: time >= 0 ? time / 3600 : (time - 3599) / 3600)
    }

    /// Writes the set's unwritten keys as one sorted block per hour (the set keeps them as
    /// members).
    static func write(_ db: Connection, _ set: inout UsageKeySet) throws {
        let (keys, hours) = set.takeUnwritten()
        if keys.isEmpty { return }
        // Runs of keys of one hour, as inserted: events come roughly in time order, so there are
        // few runs, and a block is its hour's runs put together and sorted (a sort of plain
        // UInt64, not of (hour, key) pairs through a closure).
        var runs: [(hour: Int32, start: Int, end: Int)] = []
        var i = 0
        while i < keys.count {
            let h = hours[i]
            var j = i + 1
            while j < keys.count && hours[j] == h { j += 1 }
            runs.append((h, i, j))
            i = j
        }
        runs.sort { ($0.hour, $0.start) < ($1.hour, $1.start) }
        let st = try db.cached("INSERT INTO usage_seen_blocks(hour, keys) VALUES (?, ?)")
        var block: [UInt64] = []
        var r = 0
        while r < runs.count {
            let h = runs[r].hour
            block.removeAll(keepingCapacity: true)
            while r < runs.count && runs[r].hour == h {
                block += keys[runs[r].start..<runs[r].end]
                r += 1
            }
            block.sort()
            try st.bindInt64(Int64(h), at: 1)
            try st.bind(littleEndianBytes(block), at: 2)
            try st.runToCompletion()
        }
    }

    /// The words as little-endian bytes (the block format).
    static func littleEndianBytes(_ words: [UInt64]) -> [UInt8] {
        #if _endian(little)
        return words.withUnsafeBytes { Array($0) }
        #else
        return words.map(\.littleEndian).withUnsafeBytes { Array($0) }
        #endif
    }

    /// The keys of one block (little-endian 64-bit words), appended to `out`.
    static func appendKeys(of block: UnsafeRawBufferPointer, to out: inout [UInt64]) {
        let n = block.count / 8
        out.reserveCapacity(out.count + n)
        for i in 0..<n { out.append(UInt64(littleEndian: block.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))) }
    }

    /// True when the sorted block holds the key (binary search where it lies, nothing copied).
    static func blockContains(_ block: UnsafeRawBufferPointer, _ key: UInt64) -> Bool {
        func word(_ i: Int) -> UInt64 { UInt64(littleEndian: block.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
        var lo = 0, hi = block.count / 8
        while lo < hi {
            let mid = (lo + hi) >> 1
            if word(mid) < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < block.count / 8 && word(lo) == key
    }
}

/// The keys of the blocks written before `firstID` (the imports made before the current run),
/// loaded one hour at a time and kept (sorted) up to a bound: the look-ups of an import that
/// overlaps earlier ones, without a query per event. Those blocks do not change during the run, so
/// nothing is ever invalidated; the run's own keys are found another way (`UsageRunState`).
final class UsageSeenCache {
    private var hours: [Int32: [UInt64]] = [:]
    private var loaded = 0
    /// blocks with a smaller id are the ones cached (Int64.max: every block)
    let firstID: Int64
    /// ~32 MB of keys; past it the cache starts over (a bound, not a policy worth tuning)
    static let capacity = 4_000_000

    init(firstID: Int64 = Int64.max) { self.firstID = firstID }

    func contains(_ key: UInt64, hour: Int32, db: Connection) throws -> Bool {
        let keys: [UInt64]
        if let hit = hours[hour] { keys = hit } else {
            keys = try Self.load(hour, db, from: 0, to: firstID)
            if loaded + keys.count > Self.capacity { removeAll() }
            hours[hour] = keys
            loaded += keys.count
        }
        return Self.search(keys, key)
    }

    static func search(_ keys: [UInt64], _ key: UInt64) -> Bool {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < keys.count && keys[lo] == key
    }

    /// True when one of the hour's blocks with an id from `from` on holds the key: each block is
    /// searched where it lies (blocks are sorted), nothing is copied or sorted.
    static func blocksContain(_ key: UInt64, hour: Int32, from: Int64, db: Connection) throws -> Bool {
        var found = false
        try db.cached("SELECT keys FROM usage_seen_blocks WHERE hour = ? AND id >= ?").forEachRow([Int64(hour), from]) { row in
            if !found { found = row.withBlob(0) { UsageSeenBlocks.blockContains($0, key) } }
        }
        return found
    }

    /// The sorted keys of the hour's blocks with ids in [from, to).
    static func load(_ hour: Int32, _ db: Connection, from: Int64, to: Int64) throws -> [UInt64] {
        var out: [UInt64] = []
        try db.cached("SELECT keys FROM usage_seen_blocks WHERE hour = ? AND id >= ? AND id < ?").forEachRow([Int64(hour), from, to]) { row in
            row.withBlob(0) { UsageSeenBlocks.appendKeys(of: $0, to: &out) }
        }
        out.sort()
        return out
    }

    func removeAll() {
        hours = [:]
        loaded = 0
    }
}

/// An operation hash as a `UsageMap` key.
struct UsageOperationID: Hashable, UsageHashKey {
    var hash: UInt64
    init(_ hash: UInt64) { self.hash = hash }
    var fastHash: UInt64 { usageMix(hash) }
}

/// An operation's event as the use rule compares them (`ActivityUseRule.isLater`): the smallest key
/// breaks ties, so the choice depends on neither the order of files nor of blocks.
extension UsageTentativeEntry: OperationEvent {
    var time: Int64? { value.last }
    var isConfirmed: Bool { confirmed }
    var hasEvidence: Bool { key.assignment != 0 }
    var tieBreak: UsageKey { key }
}

/// What a file keeps of one operation's events before writing them (the use rule's candidates):
/// the latest Succeeded event and a later Started / Accepted one, if any, so a Started / Succeeded
/// pair is written as one entry.
typealias UsageOperationEvents = OperationCandidates<UsageTentativeEntry>

struct UsageTentativeEntry {
    var operation: UInt64
    var key: UsageKey
    var value: UsageValue
    /// A Succeeded event (a use whatever else the operation did); false for Started / Accepted,
    /// a use only when the operation did not fail. Stored in the top bit of `uses`.
    var confirmed = false

    static let size = 48
}

/// Tentative uses as they come, one 48-byte entry per Started / Accepted event, in the block format:
/// no aggregation (entries of one operation and key are summed where they are read) and no sort.
struct UsageTentativeBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(operation: UInt64, key: UsageKey, time: Int64, confirmed: Bool = false) {
        var v = UsageValue()
        v.use(time)
        append(UsageTentativeEntry(operation: operation, key: key, value: v, confirmed: confirmed))
    }

    mutating func append(_ entry: UsageTentativeEntry) {
        UsageTentativeBlocks.append(&bytes, entry)
        count += 1
    }

    mutating func append(contentsOf other: UsageTentativeBuffer) {
        bytes += other.bytes
        count += other.count
    }

    /// Every entry, in order.
    func forEach(_ body: (UsageTentativeEntry) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { raw in
            for i in 0..<count { try body(UsageTentativeBlocks.entry(raw, at: i * UsageTentativeEntry.size)) }
        }
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
    }
}

enum UsageTentativeBlocks {
    static let entriesPerBlock = 65_536

    /// Writes the buffer's entries as blocks.
    static func write(_ db: Connection, _ buffer: UsageTentativeBuffer) throws {
        if buffer.isEmpty { return }
        let st = try db.cached("INSERT INTO usage_tentative_blocks(entries) VALUES (?)")
        let stride = entriesPerBlock * UsageTentativeEntry.size
        var start = 0
        while start < buffer.bytes.count {
            let end = min(buffer.bytes.count, start + stride)
            try st.bind(Array(buffer.bytes[start..<end]), at: 1)
            try st.runToCompletion()
            start = end
        }
    }

    static func entry(_ raw: UnsafeRawBufferPointer, at o: Int) -> UsageTentativeEntry {
        func get<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            T(littleEndian: raw.loadUnaligned(fromByteOffset: o + at, as: T.self))
        }
        let first = get(32, Int64.self), last = get(40, Int64.self)
        var v = UsageValue()
        let uses = get(28, UInt32.self)
        v.uses = Int64(uses & 0x7FFF_FFFF)
        v.first = first == Int64.min ? nil : first
        v.last = last == Int64.min ? nil : last
        return UsageTentativeEntry(
            operation: get(0, UInt64.self),
            key: UsageKey(principal: get(8, Int32.self), action: get(12, Int32.self), scope: get(16, Int32.self),
                          day: get(20, Int32.self), assignment: get(24, Int32.self)),
            value: v, confirmed: uses & 0x8000_0000 != 0)
    }

    /// Appends the entry's 48 bytes: operation (u64), principal, action, scope, day, assignment
    /// (i32 each), uses (u31, the top bit set for a confirmed entry), first and last seen (i64,
    /// `Int64.min` for none), little-endian; written as six words in one append.
    static func append(_ out: inout [UInt8], _ e: UsageTentativeEntry) {
        @inline(__always) func pair(_ lo: Int32, _ hi: UInt32) -> UInt64 {
            UInt64(UInt32(bitPattern: lo)) | UInt64(hi) << 32
        }
        let words = (e.operation.littleEndian,
                     pair(e.key.principal, UInt32(bitPattern: e.key.action)).littleEndian,
                     pair(e.key.scope, UInt32(bitPattern: e.key.day)).littleEndian,
                     pair(e.key.assignment, min(UInt32(clamping: e.value.uses), 0x7FFF_FFFF) | (e.confirmed ? 0x8000_0000 : 0)).littleEndian,
                     UInt64(bitPattern: e.value.first ?? Int64.min).littleEndian,
                     UInt64(bitPattern: e.value.last ?? Int64.min).littleEndian)
        withUnsafeBytes(of: words) { out.append(contentsOf: $0) }
    }

    /// Every tentative entry on disk, block by block in the order written.
    static func forEach(_ db: Connection, fromID: Int64 = 0, _ body: (UsageTentativeEntry) throws -> Void) throws {
        try db.query("SELECT entries FROM usage_tentative_blocks WHERE id >= ? ORDER BY id", [fromID]) { row in
            try row.withBlob(0) { raw in
                for i in 0..<(raw.count / UsageTentativeEntry.size) { try body(entry(raw, at: i * UsageTentativeEntry.size)) }
            }
        }
    }
}

/// One row of the effective usage: confirmed uses and denied attempts plus the tentative uses of
/// operations that did not fail (REFERENCE.md §3.3), per (principal, action, scope, day, evidence).
/// Ids are those of the usage lookup tables; `assignment` 0 means "no evidence".
public struct EffectiveUsageRow: Sendable, Hashable {
    public var principal: Int
    public var action: Int
    public var scope: Int
    public var day: Int
    public var assignment: Int
    public var uses: Int
    public var denied: Int
    public var firstSeen: Int64?
    public var lastSeen: Int64?
}

extension Store {
    /// The effective usage (confirmed plus tentative uses of operations that did not fail), sorted by
    /// (principal, action, scope, assignment, day). Read in one pass over each table, no SQL sort.
    public func effectiveUsage() throws -> [EffectiveUsageRow] {
        var rows: [EffectiveUsageRow] = []
        rows.reserveCapacity(try db.scalarInt("SELECT COUNT(*) FROM usage") ?? 0)
        try forEachUsageRow { rows.append($0) }
        func order(_ r: EffectiveUsageRow) -> (Int, Int, Int, Int, Int) { (r.principal, r.action, r.scope, r.assignment, r.day) }
        rows.sort { order($0) < order($1) }
        // rows with the same key summed in place (no second array of every row)
        var w = -1
        for i in rows.indices {
            let r = rows[i]
            if w >= 0, order(rows[w]) == order(r) {
                rows[w].uses += r.uses
                rows[w].denied += r.denied
                if let f = r.firstSeen, rows[w].firstSeen.map({ f < $0 }) ?? true { rows[w].firstSeen = f }
                if let l = r.lastSeen, rows[w].lastSeen.map({ l > $0 }) ?? true { rows[w].lastSeen = l }
            } else {
                w += 1
                rows[w] = r
            }
        }
        rows.removeLast(rows.count - (w + 1))
        return rows
    }

    /// Every row of the effective usage before rows with the same key are summed: the confirmed
    /// rows (`usage`), then the tentative uses of operations that did not fail, in storage order.
    /// For readers that group the rows their own way (the usage report sums over days).
    func forEachUsageRow(_ body: (EffectiveUsageRow) throws -> Void) throws {
        try db.query("SELECT principal_id, action_id, scope_id, day, assignment_id, uses, denied, first_seen, last_seen FROM usage") { r in
            try body(EffectiveUsageRow(principal: r.int(0), action: r.int(1), scope: r.int(2), day: r.int(3), assignment: r.int(4),
                                       uses: r.int(5), denied: r.int(6),
                                       firstSeen: r.isNull(7) ? nil : r.int64(7), lastSeen: r.isNull(8) ? nil : r.int64(8)))
        }
        var failed = Set<UInt64>()
        try db.query("SELECT operation_hash FROM usage_failed_operations") { failed.insert(UInt64(bitPattern: $0.int64(0))) }
        // Uses are operations (REFERENCE.md §3.3, docs/formats.md): an operation seen in several
        // events, files or export shapes is one use, counted at its latest authorized event (a
        // Succeeded event, or a Started / Accepted one when the operation did not fail).
        // Two passes keep memory to a set of hashes: the operations written more than once (an
        // overlap of shapes or files) are found first, and only those are held to pick one event.
        var once = UsageKeySet(), repeated = UsageKeySet()
        try UsageTentativeBlocks.forEach(db) { e in
            if !once.add(e.operation) { repeated.add(e.operation) }
        }
        once = UsageKeySet()
        var best = UsageMap<UsageOperationID, UsageTentativeEntry>()
        func emit(_ e: UsageTentativeEntry) throws {
            let k = e.key
            try body(EffectiveUsageRow(principal: Int(k.principal), action: Int(k.action), scope: Int(k.scope), day: Int(k.day),
                                       assignment: Int(k.assignment), uses: 1, denied: 0,
                                       firstSeen: e.value.last, lastSeen: e.value.last))
        }
        try UsageTentativeBlocks.forEach(db) { e in
            guard ActivityUseRule.counts(confirmed: e.confirmed, operationFailed: failed.contains(e.operation)) else { return }
            guard repeated.contains(e.operation) else { return try emit(e) }
            best.update(UsageOperationID(e.operation), initial: e) { current in
                if ActivityUseRule.isLater(e, than: current) { current = e }
            }
        }
        for e in best.values { try emit(e) }
    }

    /// The de-duplication keys on disk, sorted (tests and diagnostics).
    func seenEventKeys() throws -> [UInt64] {
        var out: [UInt64] = []
        try db.query("SELECT keys FROM usage_seen_blocks") { row in
            row.withBlob(0) { UsageSeenBlocks.appendKeys(of: $0, to: &out) }
        }
        return out.sorted()
    }

    /// The events on disk that can count for their operation (its latest Succeeded event, and a
    /// later Started / Accepted one), as sorted text lines (tests and diagnostics; the blocks
    /// themselves depend on how the imports were batched and when they were written out).
    func tentativeEntries() throws -> [String] {
        var kept = UsageMap<UsageOperationID, UsageOperationEvents>()
        try UsageTentativeBlocks.forEach(db) { e in
            kept.update(UsageOperationID(e.operation), initial: UsageOperationEvents()) { $0.add(e) }
        }
        var lines: [String] = []
        for events in kept.values {
            events.forEach { e in
                lines.append("\(Int64(bitPattern: e.operation)) \(e.key.day) \(e.confirmed ? "confirmed" : "tentative") "
                             + "\(e.value.first.map(String.init) ?? "null") \(e.value.last.map(String.init) ?? "null")")
            }
        }
        return lines.sorted()
    }
}
