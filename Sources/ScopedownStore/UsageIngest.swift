// The store's usage sink (`UsageSink`, fed by `Store.importUsage`): merges scanned Activity Log
// batches into the usage tables: global interning, de-duplication across files and re-imports, the
// counts the use rule (Core's `ActivityUseRule`) gives each event, aggregation by (principal, action,
// scope, day, evidence), multi-row upserts of the aggregates and binary blocks of seen-event keys and
// tentative uses (UsageBlocks.swift), inside the caller's transaction, written progressively while
// the scanner threads work. Memory is bounded: past fixed caps (`UsageCaps`) what is held is written
// out and, for seen events, looked up on disk.
import ScopedownCore
import ScopedownSQLite

struct UsageKey: Hashable, Comparable, UsageHashKey {
    var principal: Int32
    var action: Int32
    var scope: Int32
    var day: Int32
    var assignment: Int32

    func hash(into h: inout Hasher) {
        h.combine(UInt64(UInt32(bitPattern: principal)) << 32 | UInt64(UInt32(bitPattern: action)))
        h.combine(UInt64(UInt32(bitPattern: scope)) << 32 | UInt64(UInt32(bitPattern: day)) ^ UInt64(UInt32(bitPattern: assignment)) << 16)
    }

    var fastHash: UInt64 {
        usageMix(UInt64(UInt32(bitPattern: principal)) << 32 | UInt64(UInt32(bitPattern: action))
                 ^ usageMix(UInt64(UInt32(bitPattern: scope)) << 32 | UInt64(UInt32(bitPattern: day)))
                 ^ UInt64(UInt32(bitPattern: assignment)) &* 0xC2B2_AE3D_27D4_EB4F)
    }

    /// The primary-key order of the `usage` table (scope first, schema/v001_core.sql).
    static func < (a: UsageKey, b: UsageKey) -> Bool {
        (a.scope, a.principal, a.action, a.day, a.assignment) < (b.scope, b.principal, b.action, b.day, b.assignment)
    }

    /// The key in the same order as two words and a half (`<` on `SortKey` is `<` on `UsageKey`),
    /// with `index` in the low half: sorting these sorts plain words, not keys read through
    /// indices by a closure.
    struct SortKey: Comparable {
        var high: UInt64, middle: UInt64, low: UInt64

        init(_ k: UsageKey, index: Int) {
            // the sign bit flipped: signed order as unsigned order
            @inline(__always) func u(_ x: Int32) -> UInt64 { UInt64(UInt32(bitPattern: x) ^ 0x8000_0000) }
            high = u(k.scope) << 32 | u(k.principal)
            middle = u(k.action) << 32 | u(k.day)
            low = u(k.assignment) << 32 | UInt64(UInt32(truncatingIfNeeded: index))
        }

        var index: Int { Int(UInt32(truncatingIfNeeded: low)) }

        static func < (a: SortKey, b: SortKey) -> Bool {
            (a.high, a.middle, a.low) < (b.high, b.middle, b.low)
        }
    }
}

struct UsageValue {
    var uses: Int64 = 0
    var denied: Int64 = 0
    var first: Int64? = nil
    var last: Int64? = nil

    mutating func use(_ t: Int64) {
        uses += 1
        see(t)
    }

    mutating func deny(_ t: Int64) {
        denied += 1
        see(t)
    }

    mutating func merge(_ o: UsageValue) {
        uses += o.uses
        denied += o.denied
        see(o.first)
        see(o.last)
    }

    mutating func see(_ t: Int64?) {
        guard let t else { return }
        if first.map({ t < $0 }) ?? true { first = t }
        if last.map({ t > $0 }) ?? true { last = t }
    }
}

/// The sizes past which the usage import writes what it holds in memory, so that memory stays
/// bounded whatever the input size. Small values in tests exercise the spill paths.
struct UsageCaps {
    var usage = 250_000
    var pending = 150_000
    var seen = 1_000_000
    /// Written out as the import goes, in the importing thread's idle time while the scanner
    /// threads work, instead of all at the end of the run: new seen-event keys (kept in memory for
    /// look-ups), tentative uses, and aggregates past twice this.
    var progressive = 8_192
    /// seen-event keys are written in blocks per hour: more at a time, for fewer, larger blocks
    var progressiveSeen = 65_536
    static let standard = UsageCaps()

    /// When the file's or the run's aggregates, tentative uses and new seen-event keys are written
    /// out (the same rule for both).
    func writesUsage(_ count: Int) -> Bool { count > usage || count >= 2 * progressive }
    func writesPending(_ count: Int) -> Bool { count > pending || count >= progressive }
    func writesSeen(unwritten: Int, members: Int) -> Bool { members > seen || unwritten >= progressiveSeen }
    /// failed operations are held and written like the tentative uses they cancel
    func writesFailed(_ count: Int) -> Bool { writesPending(count) }
}

/// What the usage imports of one run (`Store.withUsageBatch`: one transaction, a savepoint per
/// file) have established so far. A file's state is merged in only after its savepoint was released
/// (`UsageIngest.commit(into:)`), so a failing file leaves no trace here either. The aggregates,
/// tentative uses and seen-event keys are written progressively as they accumulate (`UsageCaps`),
/// the rest when the run ends (`flush`); seen-event keys stay in memory for look-ups up to a cap. An
/// archive of thousands of hourly files then costs about what one file with the same events costs:
/// no per-file upserts of the same keys, no per-event look-ups of earlier files of the run on disk.
final class UsageRunState {
    /// disjoint, sorted time windows of the imports made before the run
    let windowsBefore: [(Int64, Int64)]
    /// disjoint, sorted time windows of every import, this run's committed files included
    private(set) var windows: [(Int64, Int64)]
    /// interning (key -> id and raw spelling -> id) of the committed files: the rows exist and,
    /// for raw spellings, the smallest display spelling was already kept
    var ids: [[String: Int32]] = Array(repeating: [:], count: 4)
    var rawIDs: [[String: Int32]] = Array(repeating: [:], count: 4)
    var usage = UsageMap<UsageKey, UsageValue>()
    var pending = UsageTentativeBuffer()
    var failedOperations = UsageKeySet()
    /// events of the committed files not yet written to `usage_seen_blocks`
    var seen = UsageKeySet()
    /// The run's seen-event keys dropped from memory past the cap (on disk, in this run's blocks):
    /// a key it says "maybe" for is looked up in this run's blocks of its hour.
    var spilled: UsageBloomFilter?
    /// the blocks of the imports made before the run (ids below this one), by hour, as looked up
    let seenCache: UsageSeenCache
    /// Unresolved callers as counted by the last file of the run, and the `imports` id that file
    /// recorded: while no other import came after it (no new users), the next file only adds its own
    /// new callers instead of re-resolving and counting the whole caller table.
    var unresolvedCallers = 0
    var unresolvedCheckedThrough: Int64?

    let caps: UsageCaps
    /// starts the database's disk writes as the run writes (nil for an in-memory database)
    var writeback: DatabaseWriteback?

    init(db: Connection, caps: UsageCaps = .standard) throws {
        self.caps = caps
        seenCache = UsageSeenCache(firstID: Int64(try db.scalarInt("SELECT COALESCE(MAX(id), 0) + 1 FROM usage_seen_blocks") ?? 1))
        var raw: [(Int64, Int64)] = []
        try db.query("SELECT window_from, window_to FROM usage_imports WHERE window_from IS NOT NULL AND window_to IS NOT NULL ORDER BY 1, 2") { row in
            raw.append((row.int64(0), row.int64(1)))
        }
        var merged: [(Int64, Int64)] = []
        for w in raw { Self.add(w, to: &merged) }
        windowsBefore = merged
        windows = merged
    }

    /// Adds an interval to a sorted list of disjoint intervals.
    static func add(_ w: (Int64, Int64), to list: inout [(Int64, Int64)]) {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].1 < w.0 { lo = mid + 1 } else { hi = mid }
        }
        // list[lo...] end at or after w.0: merge those that start at or before w.1
        var end = lo
        var merged = w
        while end < list.count && list[end].0 <= w.1 {
            merged = (min(merged.0, list[end].0), max(merged.1, list[end].1))
            end += 1
        }
        list.replaceSubrange(lo..<end, with: [merged])
    }

    /// True when one of `list`'s windows covers `t`.
    static func covers(_ list: [(Int64, Int64)], _ t: Int64) -> Bool {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].1 < t { lo = mid + 1 } else { hi = mid }
        }
        return lo < list.count && list[lo].0 <= t
    }

    func addWindow(from: Int64, to: Int64) { Self.add((from, to), to: &windows) }

    /// Adds keys written to this run's blocks and dropped from memory to the filter.
    func spill(_ keys: UsageKeySet) {
        // taken out of the property while it is filled: mutating it in place through the optional
        // from the closure copied its whole bit array per key
        var filter = spilled ?? UsageBloomFilter(bitCount: max(1 << 16, min(1 << 28, caps.seen * 256)))
        spilled = nil
        keys.forEachMember { filter.insert($0) }
        spilled = filter
    }

    /// True when the key is in a block this run wrote (only looked for when the filter says maybe).
    func spilledContains(_ key: UInt64, hour: Int32, db: Connection) throws -> Bool {
        guard let spilled, spilled.mayContain(key) else { return false }
        return try UsageSeenCache.blocksContain(key, hour: hour, from: seenCache.firstID, db: db)
    }

    /// Set when a write failed part-way: what is in memory may be partly on disk already, so the
    /// run must not commit (every later `flush` throws it, and `withUsageBatch` rolls back).
    private(set) var writeError: Error?

    /// Writes the caps' worth (or, with `all`, everything) still held in memory.
    func flush(_ db: Connection, all: Bool = true) throws {
        if let writeError { throw writeError }
        do { try write(db, all: all) } catch {
            writeError = error
            throw error
        }
    }

    private func write(_ db: Connection, all: Bool) throws {
        if all || caps.writesUsage(usage.count) {
            try UsageIngest.writeUsage(db, usage)
            if all { usage = UsageMap() } else { usage.removeAllKeepingCapacity() }
        }
        if all || caps.writesPending(pending.count) {
            try UsageTentativeBlocks.write(db, pending)
            pending.removeAll()
        }
        if all || caps.writesFailed(failedOperations.count) {
            var hashes: [UInt64] = []
            failedOperations.forEachMember { hashes.append($0) }
            try UsageIngest.writeFailed(db, hashes)
            failedOperations = UsageKeySet()
        }
        if all || caps.writesSeen(unwritten: seen.unwrittenKeys.count, members: seen.count) {
            try UsageSeenBlocks.write(db, &seen)
        }
        if seen.count > caps.seen {
            // every key is on disk now: drop them from memory, keep a filter of them
            spill(seen)
            seen = UsageKeySet()
        }
    }
}

final class UsageIngest: UsageSink {
    let db: Connection
    let keepEvents: Bool
    let file: String
    let run: UsageRunState

    // global interning: key -> id, per table (principal, action, scope, assignment), for keys this
    // file added or looked up (the run's committed ones are in `run.ids`)
    private var ids: [[String: Int32]] = Array(repeating: [:], count: 4)
    /// per scanner, per table: local id -> global id
    private var translations: [Int: [[Int32]]] = [:]

    private var usage = UsageMap<UsageKey, UsageValue>()
    /// this file's events per operation, not yet written to `usage_tentative_blocks`
    private var pending = UsageMap<UsageOperationID, UsageOperationEvents>()
    /// operation hashes of this file's Failed events (a fast set: the summary looks every tentative
    /// use up in it)
    private var failedOperations = UsageKeySet()
    /// those not written to `usage_failed_operations` yet (written as they accumulate, like the
    /// tentative uses: not all at the end of the run)
    private var failedToWrite: [UInt64] = []
    /// the de-duplication key of every event of this import (`UsageSeenBlocks.key`)
    private var seen = UsageKeySet()
    private var summary = UsageImportSummary()
    /// Events kept per operation (Succeeded, Started, Accepted with an operation identity).
    private var tentative = 0
    /// The operations of this file with a Succeeded event, and those with a Started / Accepted one:
    /// the file's summary counts each operation once.
    private var confirmedOperations = UsageKeySet()
    private var tentativeOperations = UsageKeySet()
    /// callers this file added that did not resolve
    private var newUnresolved = 0

    // Caps that bound the import's memory whatever the input size: past them
    // the in-memory structure is written out (upserts) and, for seen events, looked up on disk.
    var caps: UsageCaps { run.caps }

    /// `run`: the state of the batch this file belongs to (a fresh one for a file on its own).
    init(db: Connection, keepEvents: Bool, file: String, run: UsageRunState) throws {
        self.db = db
        self.keepEvents = keepEvents
        self.file = file
        self.run = run
    }

    /// True when an import made before this run may hold the event: its time window covers `t`.
    private func mayBeOnDisk(_ t: Int64) -> Bool {
        UsageRunState.covers(run.windowsBefore, t)
    }

    static let tables = ["usage_principals", "usage_actions", "usage_scopes", "usage_assignments"]

    // MARK: interning

    /// The key under which a string of `table` is stored.
    static func key(_ table: StringTable, _ raw: String) -> String {
        switch table {
        case .principal:
            let t = raw.trimmingSpaces()
            return AzureID.isGUID(t) ? AzureID.guidKey(t) : t.lowercased()
        case .action: return AzureID.operationKey(raw)
        case .scope: return Scope(raw).key
        case .assignment: return AzureID.guidKey(raw)
        }
    }

    /// The display spelling kept for a key is the smallest one seen (not the first: scanner threads
    /// deliver in no fixed order, and output must not depend on it).
    private func keepSmallestDisplay(_ table: StringTable, _ id: Int32, _ raw: String) throws {
        switch table {
        case .principal:
            try db.cached("UPDATE usage_principals SET caller = ? WHERE id = ? AND caller > ?").execute([raw.trimmingSpaces(), id, raw.trimmingSpaces()])
        case .action:
            try db.cached("UPDATE usage_actions SET display = ? WHERE id = ? AND display > ?").execute([raw.trimmingSpaces(), id, raw.trimmingSpaces()])
        case .scope:
            let d = Scope(raw).display
            try db.cached("UPDATE usage_scopes SET display = ? WHERE id = ? AND display > ?").execute([d, id, d])
        case .assignment:
            break
        }
    }

    /// raw spelling -> id, for spellings already handled in this import
    private var rawIDs: [[String: Int32]] = Array(repeating: [:], count: 4)

    private func globalID(_ table: StringTable, _ raw: String) throws -> Int32 {
        if let id = rawIDs[table.rawValue][raw] ?? run.rawIDs[table.rawValue][raw] { return id }
        let id = try lookupOrInsert(table, raw)
        rawIDs[table.rawValue][raw] = id
        return id
    }

    private func lookupOrInsert(_ table: StringTable, _ raw: String) throws -> Int32 {
        let key = Self.key(table, raw)
        if let id = ids[table.rawValue][key] ?? run.ids[table.rawValue][key] {
            try keepSmallestDisplay(table, id, raw)
            return id
        }
        // known from an earlier import (looked up on first use: files share the lookup tables)
        if let id = try db.cached("SELECT id FROM \(Self.tables[table.rawValue]) WHERE key = ?").firstInt([key]) {
            let v = Int32(truncatingIfNeeded: id)
            ids[table.rawValue][key] = v
            try keepSmallestDisplay(table, v, raw)
            return v
        }
        switch table {
        case .principal:
            let display = raw.trimmingSpaces()
            let resolved = try resolve(key)
            if resolved == nil && !key.isEmpty { newUnresolved += 1 }
            try db.cached("INSERT INTO usage_principals(key, caller, resolved_id) VALUES (?, ?, ?)")
                .execute([key, display, resolved])
        case .action:
            try db.cached("INSERT INTO usage_actions(key, display) VALUES (?, ?)").execute([key, raw.trimmingSpaces()])
        case .scope:
            try db.cached("INSERT INTO usage_scopes(key, display) VALUES (?, ?)").execute([key, Scope(raw).display])
        case .assignment:
            try db.cached("INSERT INTO usage_assignments(key) VALUES (?)").execute([key])
        }
        let id = Int32(truncatingIfNeeded: db.lastInsertRowID)
        ids[table.rawValue][key] = id
        return id
    }

    /// Caller resolution (REFERENCE.md §1.9.5): a GUID (oid claim or GUID caller)
    /// is the principal id; a UPN resolves through the imported users; '' is no caller.
    private func resolve(_ key: String) throws -> String? {
        if key.isEmpty { return nil }
        if AzureID.isGUID(key) { return key }
        if let id = try db.scalar("SELECT id FROM principals WHERE upn_key = ? ORDER BY id LIMIT 1", [key]), case .text(let s) = id {
            return s
        }
        return nil
    }

    // MARK: events

    /// Events whose seen-set slots are read ahead together (see `consume`).
    static let touchGroup = 32
    /// Keeps the read-ahead loads from being optimized away.
    private var touchSink: UInt64 = 0

    /// One scanner's batch of events (`UsageSink`).
    func add(_ batch: UsageEventBatch) throws {
        // taken out of the dictionary while it grows (no copy of the arrays per batch)
        var tr = translations.removeValue(forKey: batch.scanner) ?? Array(repeating: [], count: 4)
        for table in StringTable.allCases {
            for raw in batch.newStrings[table.rawValue] { tr[table.rawValue].append(try globalID(table, raw)) }
        }
        translations[batch.scanner] = tr
        let unknownPrincipal = try globalID(.principal, "")
        let keepStatement = keepEvents ? try db.cached("""
            INSERT OR IGNORE INTO usage_events(event_hash, import_id, time, principal_id, action_id, scope_id, assignment_id, status, raw)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) : nil
        if keepEvents && eventsImportID == nil {
            eventsImportID = Int64(try db.scalarInt("SELECT COALESCE(MAX(id), 0) + 1 FROM imports") ?? 1)
        }
        let trPrincipal = tr[0], trAction = tr[1], trScope = tr[2], trAssignment = tr[3]
        let events = batch.events
        // The per-event state is moved into locals of the same names for the loop: a stored
        // property of a class mutated in place is a dynamic exclusivity check each time (about 2%
        // of the import's CPU with four of them per event); a local is checked at compile time.
        do {
            var seen = UsageKeySet(), usage = UsageMap<UsageKey, UsageValue>(), pending = UsageMap<UsageOperationID, UsageOperationEvents>()
            var failedOperations = UsageKeySet(), failedToWrite: [UInt64] = []
            var confirmedOperations = UsageKeySet(), tentativeOperations = UsageKeySet()
            swap(&seen, &self.seen)
            swap(&usage, &self.usage)
            swap(&pending, &self.pending)
            swap(&failedOperations, &self.failedOperations)
            swap(&failedToWrite, &self.failedToWrite)
            swap(&confirmedOperations, &self.confirmedOperations)
            swap(&tentativeOperations, &self.tentativeOperations)
            var summary = self.summary, tentative = self.tentative, touchSink = self.touchSink
            defer {
                swap(&seen, &self.seen)
                swap(&usage, &self.usage)
                swap(&pending, &self.pending)
                swap(&failedOperations, &self.failedOperations)
                swap(&failedToWrite, &self.failedToWrite)
                swap(&confirmedOperations, &self.confirmedOperations)
                swap(&tentativeOperations, &self.tentativeOperations)
                self.summary = summary
                self.tentative = tentative
                self.touchSink = touchSink
            }
            for n in events.indices {
                // The file's seen set outgrows the caches (16 MiB at 800k keys) and its probe is a cache
                // miss per event, on the importing thread: the first slots of the next group of keys
                // are read first, as independent loads the CPU overlaps (group prefetching).
                // The run's set too, when earlier files of the run are in it (an archive folder).
                if n & (Self.touchGroup - 1) == 0 {
                    var touched: UInt64 = 0
                    let group = events[n..<min(n + Self.touchGroup, events.count)]
                    for e in group { touched |= seen.firstSlot(e.duplicateKey) }
                    if !run.seen.isEmpty {
                        for e in group { touched |= run.seen.firstSlot(e.duplicateKey) }
                    }
                    touchSink |= touched
                }
                let e = events[n]
                // De-duplication: this import, then earlier imports whose window covers the event.
                let seenKey = e.duplicateKey
                let hour = UsageSeenBlocks.hour(e.time)
                // One probe of this file's set; a key found in the run's set or on disk is taken back
                // off the keys to write (each key is written once).
                if !seen.insert(seenKey, hour: hour) {
                    summary.duplicates += 1
                    continue
                }
                // in the run's memory; in the run's blocks, for keys dropped from memory; in the blocks
                // of earlier imports whose window covers the event
                var known = !run.seen.isEmpty && run.seen.contains(seenKey)
                if !known && run.spilled != nil {
                    known = try run.spilledContains(seenKey, hour: hour, db: db)
                }
                if !known && mayBeOnDisk(e.time) {
                    known = try run.seenCache.contains(seenKey, hour: hour, db: db)
                }
                if known {
                    seen.forgetLastUnwritten()
                    summary.duplicates += 1
                    continue
                }
                summary.events += 1
                if summary.windowFrom.map({ e.time < $0 }) ?? true { summary.windowFrom = e.time }
                if summary.windowTo.map({ e.time > $0 }) ?? true { summary.windowTo = e.time }
                let key = UsageKey(principal: e.principal >= 0 ? trPrincipal[Int(e.principal)] : unknownPrincipal,
                                   action: trAction[Int(e.action)],
                                   scope: e.scope >= 0 ? trScope[Int(e.scope)] : try globalID(.scope, "/"),
                                   day: e.day,
                                   assignment: e.assignment >= 0 ? trAssignment[Int(e.assignment)] : 0)
                if let keepStatement, let raw = batch.rawRecords?[n] {
                    try keepStatement.execute([Int64(bitPattern: e.dedupHash), eventsImportID, e.time, key.principal, key.action, key.scope,
                                               key.assignment, e.status.name, raw])
                }
                // What the event counts for is the use rule's (REFERENCE.md §3.3, `ActivityUseRule`);
                // an operation's events are kept per operation, and the report counts each operation
                // once, at the event the rule picks.
                switch ActivityUseRule.verdict(e) {
                case .use:
                    usage.update(key, initial: UsageValue()) { $0.use(e.time) }
                    summary.uses += 1
                case .operationEvent(let confirmed):
                    var value = UsageValue()
                    value.use(e.time)
                    let entry = UsageTentativeEntry(operation: e.operationHash, key: key, value: value, confirmed: confirmed)
                    pending.update(UsageOperationID(e.operationHash), initial: UsageOperationEvents()) { $0.add(entry) }
                    if confirmed { _ = confirmedOperations.add(e.operationHash) } else { _ = tentativeOperations.add(e.operationHash) }
                    tentative += 1
                case .failedAttempt(let denied):
                    summary.failed += 1
                    if e.operationHash != 0 && failedOperations.add(e.operationHash) { failedToWrite.append(e.operationHash) }
                    if denied {
                        summary.denied += 1
                        usage.update(key, initial: UsageValue()) { $0.deny(e.time) }
                    }
                case .ignored:
                    break
                }
            }
        }
        if caps.writesPending(pending.count) { try flushPending() }
        if caps.writesUsage(usage.count) { try flushUsage() }
        if caps.writesFailed(failedToWrite.count) {
            try Self.writeFailed(db, failedToWrite)
            failedToWrite.removeAll(keepingCapacity: true)
        }
        if seen.count > caps.seen {
            try flushSeen()
        } else if caps.writesSeen(unwritten: seen.unwrittenKeys.count, members: seen.count) {
            try UsageSeenBlocks.write(db, &seen)
        }
        run.writeback?.written()
    }

    /// A row of the pre-aggregated usage CSV.
    func add(_ row: UsageAggregateRow) throws {
        let principal = try globalID(.principal, row.principalID.isEmpty ? row.caller : row.principalID)
        if !row.principalID.isEmpty && !row.caller.isEmpty {
            try db.cached("UPDATE usage_principals SET caller = ? WHERE id = ? AND caller = key").execute([row.caller, principal])
        }
        let key = UsageKey(principal: principal, action: try globalID(.action, row.action), scope: try globalID(.scope, row.scope),
                           day: Int32(truncatingIfNeeded: row.day),
                           assignment: row.roleAssignmentID.isEmpty ? 0 : try globalID(.assignment, row.roleAssignmentID))
        var v = UsageValue()
        usage.update(key, initial: UsageValue()) { u in
            u.uses += Int64(row.uses)
            u.denied += Int64(row.deniedAttempts)
            u.see(row.firstSeen ?? Int64(row.day) * 86_400)
            u.see(row.lastSeen ?? (Int64(row.day) * 86_400 + 86_399))
            v = u
        }
        summary.uses += row.uses
        summary.denied += row.deniedAttempts
        if let f = v.first, summary.windowFrom.map({ f < $0 }) ?? true { summary.windowFrom = f }
        if let l = v.last, summary.windowTo.map({ l > $0 }) ?? true { summary.windowTo = l }
        if usage.count > caps.usage { try flushUsage() }
    }

    // MARK: writing

    private func flushUsage() throws {
        try Self.writeUsage(db, usage)
        usage.removeAllKeepingCapacity()
    }

    /// Rows per upsert statement: one statement step per 8 rows instead of per row. Not more: a
    /// multi-row upsert keeps a statement journal of the pages it changes (it may abort half-way),
    /// in memory up to 64 KiB (16 pages) and past that in a temporary file. With 32 rows a
    /// statement changes more than 16 leaf pages and spills its journal to disk; 8 rows change at
    /// most 8 leaves and a few inner pages.
    static let rowsPerUpsert = 8

    static func upsertSQL(rows: Int) -> String {
        let one = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
        return """
            INSERT INTO usage(principal_id, action_id, scope_id, day, assignment_id, uses, denied, first_seen, last_seen)
            VALUES \(Array(repeating: one, count: rows).joined(separator: ", "))
            ON CONFLICT(scope_id, principal_id, action_id, day, assignment_id) DO UPDATE SET
              uses = uses + excluded.uses,
              denied = denied + excluded.denied,
              first_seen = CASE WHEN first_seen IS NULL OR excluded.first_seen < first_seen THEN excluded.first_seen ELSE first_seen END,
              last_seen = CASE WHEN last_seen IS NULL OR excluded.last_seen > last_seen THEN excluded.last_seen ELSE last_seen END
            """
    }

    static func writeUsage(_ db: Connection, _ usage: UsageMap<UsageKey, UsageValue>) throws {
        if usage.isEmpty { return }
        let many = try db.cached(upsertSQL(rows: rowsPerUpsert))
        let single = try db.cached(upsertSQL(rows: 1))
        many.reset()
        single.reset()
        var sortKeys = [UsageKey.SortKey]()
        sortKeys.reserveCapacity(usage.count)
        for (i, k) in usage.keys.enumerated() { sortKeys.append(UsageKey.SortKey(k, index: i)) }
        sortKeys.sort()
        let order = sortKeys.map(\.index)
        try runRows(order.count, perStatement: rowsPerUpsert, many: many, single: single) { st, row, r in
            let i = order[row]
            let k = usage.keys[i], v = usage.values[i]
            let o = Int32(r * 9)
            try st.bindInt64(Int64(k.principal), at: o + 1)
            try st.bindInt64(Int64(k.action), at: o + 2)
            try st.bindInt64(Int64(k.scope), at: o + 3)
            try st.bindInt64(Int64(k.day), at: o + 4)
            try st.bindInt64(Int64(k.assignment), at: o + 5)
            try st.bindInt64(v.uses, at: o + 6)
            try st.bindInt64(v.denied, at: o + 7)
            try st.bindInt64(v.first, at: o + 8)
            try st.bindInt64(v.last, at: o + 9)
        }
    }

    /// Writes `count` rows with multi-row statements: `perStatement` rows through `many` while that
    /// many are left, the rest one by one through `single`. `bind(statement, row, r)` binds row
    /// `row` as the statement's `r`-th row.
    static func runRows(_ count: Int, perStatement: Int, many: Statement, single: Statement,
                        _ bind: (Statement, Int, Int) throws -> Void) throws {
        var n = 0
        while n < count {
            let batch = count - n >= perStatement ? perStatement : 1
            let st = batch == 1 ? single : many
            for r in 0..<batch { try bind(st, n + r, r) }
            try st.runToCompletion()
            n += batch
        }
    }

    private func flushPending() throws {
        try UsageTentativeBlocks.write(db, Self.entries(pending))
        pending.removeAllKeepingCapacity()
    }

    /// The entries kept per operation, as a buffer in the block format.
    static func entries(_ operations: UsageMap<UsageOperationID, UsageOperationEvents>) -> UsageTentativeBuffer {
        var buffer = UsageTentativeBuffer()
        for events in operations.values { events.forEach { buffer.append($0) } }
        return buffer
    }

    /// Operation hashes per insert statement.
    static let rowsPerFailedInsert = 64

    /// Records failed operations (sorted, `rowsPerFailedInsert` per statement; ones already there
    /// are ignored).
    static func writeFailed(_ db: Connection, _ failed: [UInt64]) throws {
        if failed.isEmpty { return }
        func sql(_ rows: Int) -> String {
            "INSERT OR IGNORE INTO usage_failed_operations(operation_hash) VALUES " + Array(repeating: "(?)", count: rows).joined(separator: ", ")
        }
        let many = try db.cached(sql(rowsPerFailedInsert))
        let single = try db.cached(sql(1))
        many.reset()
        single.reset()
        let hashes = failed.map { Int64(bitPattern: $0) }.sorted()
        try runRows(hashes.count, perStatement: rowsPerFailedInsert, many: many, single: single) { st, row, r in
            try st.bindInt64(hashes[row], at: Int32(r + 1))
        }
    }

    /// Past the cap within one file: its keys are written and dropped from memory (the run's filter
    /// keeps them; should the file fail, its blocks are rolled back and the filter only answers
    /// "maybe" for keys that are not there).
    private func flushSeen() throws {
        try UsageSeenBlocks.write(db, &seen)
        run.spill(seen)
        seen.removeAll()
    }

    /// Completes the file; returns its summary. What is still in memory stays there until
    /// `commit(into:)` hands it to the run, which writes it once for all its files.
    func finish() throws -> UsageImportSummary {
        // Tentative uses count unless their operation failed. Computed once the whole file is read,
        // so the figure does not depend on the order in which the scanner threads delivered batches:
        // the tentative uses on disk, held by the run, and held by this file.
        // The summary counts the file's own tentative uses less those its own failures cancel; a
        // failure in another file cancels in the report (`effectiveUsage`), which reads every
        // failed operation, whatever the order or batching of the imports.
        // Uses are operations: each operation of the file once, a Started / Accepted one unless the
        // file's own failures cancel it (`ActivityUseRule.counts`).
        var uses = confirmedOperations.count
        tentativeOperations.forEachMember { op in
            if !confirmedOperations.contains(op)
                && ActivityUseRule.counts(confirmed: false, operationFailed: failedOperations.contains(op)) { uses += 1 }
        }
        summary.uses += uses
        if let through = run.unresolvedCheckedThrough, try db.scalarInt("SELECT MAX(id) FROM imports").map(Int64.init) == through {
            // nothing was imported since the run's previous file counted: no new users to resolve
            // against, and this file's new callers were resolved as they were added
            summary.unresolvedCallers = run.unresolvedCallers + newUnresolved
        } else {
            // callers whose UPN matches a user imported since
            try db.run("""
                UPDATE usage_principals SET resolved_id = (SELECT p.id FROM principals p WHERE p.upn_key = usage_principals.key ORDER BY p.id LIMIT 1)
                WHERE resolved_id IS NULL AND key <> ''
                """)
            summary.unresolvedCallers = try db.scalarInt(
                "SELECT COUNT(*) FROM usage_principals WHERE resolved_id IS NULL AND key <> ''") ?? 0
        }
        return summary
    }

    /// Hands this file's state to the run, once the file's savepoint was released.
    func commit(into run: UsageRunState) throws {
        for t in 0..<4 {
            run.ids[t].merge(ids[t]) { a, _ in a }
            run.rawIDs[t].merge(rawIDs[t]) { a, _ in a }
        }
        // the first file of a run (or a file on its own) hands its structures over without copying
        if run.usage.isEmpty { swap(&run.usage, &usage) } else {
            for (k, v) in zip(usage.keys, usage.values) { run.usage.update(k, initial: UsageValue()) { $0.merge(v) } }
        }
        if run.pending.isEmpty { run.pending = Self.entries(pending) } else { run.pending.append(contentsOf: Self.entries(pending)) }
        // the failed operations this file did not write yet (the run writes them)
        for op in failedToWrite { run.failedOperations.add(op) }
        if run.seen.isEmpty { swap(&run.seen, &seen) } else { run.seen.formUnion(seen) }
        if let f = summary.windowFrom, let t = summary.windowTo { run.addWindow(from: f, to: t) }
        run.unresolvedCallers = summary.unresolvedCallers
        run.unresolvedCheckedThrough = recordedImportID
        usage = UsageMap()
        pending = UsageMap()
        failedOperations = UsageKeySet()
        failedToWrite = []
        confirmedOperations = UsageKeySet()
        tentativeOperations = UsageKeySet()
        seen = UsageKeySet()
        try run.flush(db, all: false)
    }

    private var recordedImportID: Int64?
    /// `--keep-events`: the `imports` id the kept event rows are written with
    private var eventsImportID: Int64?

    func recordImport(_ importID: Int64, _ s: UsageImportSummary) throws {
        recordedImportID = importID
        try db.run("""
            INSERT INTO usage_imports(import_id, window_from, window_to, events, uses, failed, denied, duplicates,
                                      without_authorization, unresolved_callers)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [importID, s.windowFrom, s.windowTo, s.events, s.uses, s.failed, s.denied, s.duplicates,
                  s.withoutAuthorization, s.unresolvedCallers])
        // The kept events were written under the id this import's row was expected to get (SQLite
        // gives a new row the largest id + 1); should it differ, re-label them. (Writing 0 and
        // re-labelling `WHERE import_id = 0` scanned the whole table once per file: quadratic.)
        if keepEvents, let expected = eventsImportID, expected != importID {
            try db.run("UPDATE usage_events SET import_id = ? WHERE import_id = ?", [importID, expected])
        }
    }

    /// Unresolved callers: kept and reported, never dropped.
    func unresolvedWarnings(examples: Int = 3) throws -> [Diagnostic] {
        if summary.unresolvedCallers == 0 { return [] }
        var callers: [String] = []
        try db.query("SELECT caller FROM usage_principals WHERE resolved_id IS NULL AND key <> '' ORDER BY key LIMIT ?", [examples + 1]) {
            callers.append($0.string(0))
        }
        guard !callers.isEmpty else { return [] }
        let total = try db.scalarInt("SELECT COUNT(*) FROM usage_principals WHERE resolved_id IS NULL AND key <> ''") ?? callers.count
        let shown = callers.prefix(examples).map { "`\(TextSanitizer.clean($0))`" }.joined(separator: ", ") + (total > examples ? ", ..." : "")
        return [.warning("\(total) caller\(total == 1 ? "" : "s") not resolved to a principal (e.g. \(shown)); their events are kept",
                         file: file,
                         help: "import the directory users (Microsoft Graph `GET /users`) so UPN callers resolve to object ids")]
    }
}

extension Statement {
    /// The first column of the first row, if any.
    func firstInt(_ values: [SQLiteBindable?]) throws -> Int? {
        var out: Int?
        try forEachRow(values) { if out == nil { out = $0.int(0) } }
        return out
    }
}
