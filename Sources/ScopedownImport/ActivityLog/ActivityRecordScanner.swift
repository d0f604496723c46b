// Extracts the usage fields from one Activity Log record of any JSON shape (REFERENCE.md §1.9):
//   REST / az (EventData): authorization{action,scope}, caller, claims, status{value},
//     subStatus{value}, properties, correlationId, eventDataId, eventTimestamp, resourceId
//   diagnostic archive / Event Hubs: time, identity{authorization{action,scope,evidence}, claims},
//     resultType, resultSignature, properties, correlationId, resourceId
//   Log Analytics AzureActivity rows: TimeGenerated, Authorization / Authorization_d (object or a
//     string holding JSON), Claims / Claims_d, Caller, ActivityStatusValue, ActivitySubstatusValue,
//     Properties / Properties_d, CorrelationId, EventDataId, ResourceId
// Keys are matched case-insensitively and only at their own nesting level: an `action` inside
// `properties` is never taken. A top-level `records` or `value` array (Event Hubs message, REST
// page) is an envelope whose elements are records.

import ScopedownCore

/// A string value located in some buffer (the input, or a decoded string that held JSON).
struct ActivitySlice {
    var base: UnsafePointer<UInt8>
    var start: Int
    var end: Int
    var escaped: Bool

    var isEmpty: Bool { end <= start }

    /// The content bytes, escapes decoded.
    func bytes() -> [UInt8] {
        if !escaped { return Array(UnsafeBufferPointer(start: base + start, count: end - start)) }
        let c = ActivityByteCursor(base, start: start, end: end)
        return (try? c.unescaped(start, end)) ?? Array(UnsafeBufferPointer(start: base + start, count: end - start))
    }

    func string() -> String { String(decoding: bytes(), as: UTF8.self) }

    func hash(seed: UInt64, lowercase: Bool) -> UInt64 {
        if !escaped { return ActivityHash.hash(base + start, end - start, seed: seed, lowercase: lowercase) }
        return ActivityHash.hash(bytes(), seed: seed, lowercase: lowercase)
    }

    /// ASCII case-insensitive substring search over the raw bytes (needles given lower-case).
    func lowercasedContains(_ needles: [StaticString]) -> Bool {
        // one pass over the bytes, every needle tried where its first byte matches (a bitmap of
        // the needles' first bytes in both cases rejects every other byte with one test)
        var firsts: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &firsts) { bits in
            for needle in needles where needle.utf8CodeUnitCount > 0 {
                let f = needle.utf8Start[0]
                let u = f >= 0x61 && f <= 0x7A ? f & ~0x20 : f
                bits[Int(f >> 3)] |= UInt8(1) << (f & 7)
                bits[Int(u >> 3)] |= UInt8(1) << (u & 7)
            }
        }
        var i = start
        while i < end {
            var c = base[i]
            let word = c < 0x80 ? (c < 0x40 ? firsts.0 : firsts.1) : (c < 0xC0 ? firsts.2 : firsts.3)
            if (word >> UInt64(c & 63)) & 1 == 0 { i += 1; continue }
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            for needle in needles {
                let n = needle.utf8CodeUnitCount
                let l = needle.utf8Start
                guard n > 0, c == l[0], end - i >= n else { continue }
                var k = 1
                while k < n {
                    var d = base[i + k]
                    if d >= 0x41 && d <= 0x5A { d |= 0x20 }
                    if d != l[k] { break }
                    k += 1
                }
                if k == n { return true }
            }
            i += 1
        }
        return false
    }
}

/// The fields of one record, as slices.
struct ActivityRecordFields {
    var time: ActivitySlice?
    var action: ActivitySlice?
    var scope: ActivitySlice?
    var resourceID: ActivitySlice?
    var evidenceAssignment: ActivitySlice?
    var evidencePrincipal: ActivitySlice?
    var evidencePrincipalType: ActivitySlice?
    var oid: ActivitySlice?
    var caller: ActivitySlice?
    var status: ActivitySlice?
    var statusDeprecated: ActivitySlice?
    var subStatus: ActivitySlice?
    var subStatusDeprecated: ActivitySlice?
    var properties: ActivitySlice?
    var correlationID: ActivitySlice?
    var eventDataID: ActivitySlice?
}

/// Interns byte strings into dense local ids by a 64-bit hash of their exact bytes: every distinct
/// spelling reaches the merger, which folds spellings into case-insensitive keys and keeps the
/// smallest spelling, so the result does not depend on which thread saw which spelling first.
/// (Collisions between distinct strings are ignored: at 64 bits they are ~1e-8 likely among a
/// million distinct values.)
struct ActivityInterner {
    /// Open addressing on the (well mixed) 64-bit hash itself: no second hashing of the key.
    /// A slot holds hash (0: empty) and id; at most half the slots are used.
    /// (Small at first: a scanner is made per small file on the prefetch path.)
    var keys: [UInt64] = Array(repeating: 0, count: 64)
    var values: [Int32] = Array(repeating: 0, count: 64)
    var count: Int32 = 0

    mutating func intern(_ s: ActivitySlice, into fresh: inout [String]) -> Int32 {
        // the hash of the decoded bytes (escaped and plain spellings of one string are one id)
        var h: UInt64
        if s.escaped {
            h = s.bytes().withUnsafeBufferPointer { b in
                b.baseAddress.map { ActivityHash.record($0, b.count, seed: 0x5EED) } ?? 0
            }
        } else {
            h = ActivityHash.record(s.base + s.start, s.end - s.start, seed: 0x5EED)
        }
        if h == 0 { h = 1 }
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = keys[slot]
            if k == h { return values[slot] }
            if k == 0 { break }
            slot = (slot + 1) & mask
        }
        let id = count
        count += 1
        keys[slot] = h
        values[slot] = id
        fresh.append(s.string())
        if Int(count) * 2 > keys.count { grow() }
        return id
    }

    private mutating func grow() {
        let size = keys.count * 2
        var k2 = [UInt64](repeating: 0, count: size), v2 = [Int32](repeating: 0, count: size)
        for (k, v) in zip(keys, values) where k != 0 {
            var slot = Int(truncatingIfNeeded: k) & (size - 1)
            while k2[slot] != 0 { slot = (slot + 1) & (size - 1) }
            k2[slot] = k
            v2[slot] = v
        }
        keys = k2
        values = v2
    }
}

/// Scans records and interns their strings. One per worker thread.
package struct ActivityRecordScanner {
    public let scannerID: Int
    public let keepEvents: Bool
    var interners = Array(repeating: ActivityInterner(), count: StringTable.allCases.count)
    /// Buffers holding decoded JSON-in-string values of the current record.
    let scratch = ActivityScratch()
    /// Where the strings of the record being scanned are (rebuilt per line or element).
    let stringIndex = ActivityStringIndex()
    /// False: every string is found byte by byte (the reference the tests compare the index with).
    var useStringIndex = true
    /// The record hash `emit` computed last (`ActivityHash.record`, seed `recordSeed`, of
    /// `base[start..<end]`): `scan` reuses it for the file's record fingerprint instead of hashing
    /// the record a second time.
    var lastRecordHash: (base: UnsafePointer<UInt8>, start: Int, end: Int, hash: UInt64)? = nil

    public init(scannerID: Int, keepEvents: Bool) {
        self.scannerID = scannerID
        self.keepEvents = keepEvents
    }

    // MARK: records

    /// Scans the value at the cursor: a record object, an envelope object, or an array of records.
    mutating func scanValue(_ c: inout ActivityByteCursor, into batch: inout ScannedBatch, depth: Int = 0) throws {
        c.skipWhitespace()
        guard let b = c.peek() else { return }
        if b == 0x5B {
            guard depth < 3 else { try c.skipValue(); return }
            try c.forEachElement { e in
                guard e.peek() == 0x7B || e.peek() == 0x5B else { return }
                try self.scanValue(&e, into: &batch, depth: depth + 1)
            }
        } else if b == 0x7B {
            try scanRecord(&c, into: &batch, depth: depth)
        } else {
            throw ActivityScanError(offset: c.pos, message: "expected an event object or an array of events")
        }
    }

    mutating func scanRecord(_ c: inout ActivityByteCursor, into batch: inout ScannedBatch, depth: Int) throws {
        let start = c.pos
        var f = ActivityRecordFields()
        var isEnvelope = false
        let scratch = self.scratch
        defer { scratch.release() }
        try c.forEachMember { m, k in
            switch k.count {
            case 4:
                if k.is("time") { f.time = try Self.stringValue(&m) }
            case 5:
                if k.is("value"), m.peek() == 0x5B, depth < 3 {
                    isEnvelope = true
                    try self.scanValue(&m, into: &batch, depth: depth + 1)
                }
            case 6:
                if k.is("tables"), m.peek() == 0x5B, depth < 3 {
                    // Log Analytics query API: {"tables":[{"name","columns":[{"name","type"}],"rows":[[...]]}]}
                    isEnvelope = true
                    try self.logAnalyticsTables(&m, into: &batch)
                } else if k.is("caller") { f.caller = try Self.stringValue(&m) }
                else if k.is("status") { f.status = try Self.valueOrNested(&m) }
                else if k.is("claims") { try Self.claims(&m, &f, scratch) }
            case 7:
                if k.is("records"), m.peek() == 0x5B, depth < 3 {
                    isEnvelope = true
                    try self.scanValue(&m, into: &batch, depth: depth + 1)
                }
            case 8:
                if k.is("identity"), m.peek() == 0x7B { try Self.identity(&m, &f, scratch) }
                else if k.is("claims_d") { try Self.claims(&m, &f, scratch) }
            case 9:
                if k.is("substatus") { f.subStatus = try Self.valueOrNested(&m) }
            case 10:
                if k.is("resulttype") { f.status = try Self.valueOrNested(&m) }
                else if k.is("properties") { f.properties = try Self.rawRange(&m) }
                else if k.is("resourceid") { f.resourceID = try Self.stringValue(&m) }
            case 11:
                if k.is("eventdataid") { f.eventDataID = try Self.stringValue(&m) }
            case 12:
                if k.is("properties_d") { f.properties = try Self.rawRange(&m) }
            case 13:
                if k.is("authorization") { try Self.authorization(&m, &f, scratch) }
                else if k.is("correlationid") { f.correlationID = try Self.stringValue(&m) }
                else if k.is("timegenerated") { f.time = try Self.stringValue(&m) }
            case 14:
                if k.is("eventtimestamp") { f.time = try Self.stringValue(&m) }
                else if k.is("activitystatus") { f.statusDeprecated = try Self.stringValue(&m) }
            case 15:
                if k.is("authorization_d") { try Self.authorization(&m, &f, scratch) }
                else if k.is("resultsignature") { f.subStatus = try Self.valueOrNested(&m) }
            case 17:
                if k.is("activitysubstatus") { f.subStatusDeprecated = try Self.stringValue(&m) }
            case 19:
                if k.is("activitystatusvalue") { f.status = try Self.stringValue(&m) }
            case 22:
                if k.is("activitysubstatusvalue") { f.subStatus = try Self.stringValue(&m) }
            default:
                break
            }
        }
        if isEnvelope { return }
        emit(f, recordBase: c.base, recordStart: start, recordEnd: c.pos, index: c.index, into: &batch)
    }

    /// Rows of the Log Analytics query API's tables, each turned into the JSON object it stands for.
    mutating func logAnalyticsTables(_ m: inout ActivityByteCursor, into batch: inout ScannedBatch) throws {
        try m.forEachElement { t in
            guard t.peek() == 0x7B else { return }
            var columns: [[UInt8]] = []
            try t.forEachMember { n, k in
                if k.is("columns"), n.peek() == 0x5B {
                    try n.forEachElement { c in
                        guard c.peek() == 0x7B else { return }
                        try c.forEachMember { cn, ck in
                            if ck.is("name"), let name = try Self.stringValue(&cn) {
                                var bytes: [UInt8] = []
                                ActivityRecordScanner.appendJSONString(&bytes, name.bytes())
                                columns.append(bytes)
                            }
                        }
                    }
                } else if k.is("rows"), n.peek() == 0x5B {
                    try n.forEachElement { r in
                        guard r.peek() == 0x5B else { return }
                        guard !columns.isEmpty else {
                            throw ActivityScanError(offset: r.pos, message: "Log Analytics rows before their columns")
                        }
                        var object: [UInt8] = [0x7B]
                        var index = 0
                        try r.forEachElement { v in
                            let start = v.pos
                            try v.skipValue()
                            guard index < columns.count else { index += 1; return }
                            if index > 0 { object.append(0x2C) }
                            object += columns[index]
                            object.append(0x3A)
                            object += UnsafeBufferPointer(start: v.base + start, count: v.pos - start)
                            index += 1
                        }
                        object.append(0x7D)
                        try object.withUnsafeBufferPointer { b in
                            guard let base = b.baseAddress else { return }
                            var c = ActivityByteCursor(base, start: 0, end: b.count)
                            try self.scanRecord(&c, into: &batch, depth: 3)
                        }
                    }
                }
            }
        }
    }

    static func appendJSONString(_ out: inout [UInt8], _ bytes: [UInt8]) {
        out.append(0x22)
        for b in bytes {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out += [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    // MARK: nested objects

    /// A string value; null (or another non-string) gives nil and is skipped.
    static func stringValue(_ m: inout ActivityByteCursor) throws -> ActivitySlice? {
        guard m.peek() == 0x22 else { try m.skipValue(); return nil }
        let r = try m.readStringRange()
        return ActivitySlice(base: m.base, start: r.start, end: r.end, escaped: r.escaped)
    }

    /// A string, or `{value, localizedValue}` (REST) whose `value` is taken.
    static func valueOrNested(_ m: inout ActivityByteCursor) throws -> ActivitySlice? {
        if m.peek() == 0x7B {
            var out: ActivitySlice?
            try m.forEachMember { n, k in
                if k.is("value") { out = try Self.stringValue(&n) }
            }
            return out
        }
        return try Self.stringValue(&m)
    }

    /// The raw bytes of a value (object or string) for substring checks.
    static func rawRange(_ m: inout ActivityByteCursor) throws -> ActivitySlice? {
        let s = m.pos
        try m.skipValue()
        return ActivitySlice(base: m.base, start: s, end: m.pos, escaped: false)
    }

    /// Runs `body` on the object at the cursor, or on the JSON object held in a string value
    /// (Log Analytics `Authorization` / `Claims` columns). Strings that are not JSON objects are ignored.
    static func objectOrJSONString(_ m: inout ActivityByteCursor, _ scratch: ActivityScratch, _ body: (inout ActivityByteCursor) throws -> Void) throws {
        if m.peek() == 0x7B { try body(&m); return }
        guard m.peek() == 0x22 else { try m.skipValue(); return }
        let r = try m.readStringRange()
        var decoded: [UInt8]
        if r.escaped { decoded = try m.unescaped(r.start, r.end) } else { decoded = Array(UnsafeBufferPointer(start: m.base + r.start, count: r.end - r.start)) }
        guard let first = decoded.firstIndex(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }), decoded[first] == 0x7B else { return }
        let buf = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(decoded.count, 1))
        _ = buf.initialize(from: decoded)
        scratch.buffers.append(buf)
        guard let base = buf.baseAddress else { return }
        var inner = ActivityByteCursor(UnsafePointer(base), start: first, end: decoded.count)
        // A malformed embedded object is ignored rather than failing the whole import.
        do { try body(&inner) } catch {}
    }

    static func identity(_ m: inout ActivityByteCursor, _ f: inout ActivityRecordFields, _ scratch: ActivityScratch) throws {
        try m.forEachMember { n, k in
            if k.is("authorization") { try Self.authorization(&n, &f, scratch) }
            else if k.is("claims") { try Self.claims(&n, &f, scratch) }
        }
    }

    static func authorization(_ m: inout ActivityByteCursor, _ f: inout ActivityRecordFields, _ scratch: ActivityScratch) throws {
        try objectOrJSONString(&m, scratch) { a in
            try a.forEachMember { n, k in
                if k.is("action") { if let v = try Self.stringValue(&n), !v.isEmpty { f.action = v } }
                else if k.is("scope") { if let v = try Self.stringValue(&n), !v.isEmpty { f.scope = v } }
                else if k.is("evidence"), n.peek() == 0x7B {
                    try n.forEachMember { e, ek in
                        if ek.is("roleassignmentid") { f.evidenceAssignment = try Self.stringValue(&e) }
                        else if ek.is("principalid") { f.evidencePrincipal = try Self.stringValue(&e) }
                        else if ek.is("principaltype") { f.evidencePrincipalType = try Self.stringValue(&e) }
                    }
                }
            }
        }
    }

    static func claims(_ m: inout ActivityByteCursor, _ f: inout ActivityRecordFields, _ scratch: ActivityScratch) throws {
        // REFERENCE.md §1.9.5 as below, on the fast path for a flat object of strings
        let base = m.base
        switch m.lastFlatStringMember(where: { s, e in
            asciiEqualsLower(base, s, e, "http://schemas.microsoft.com/identity/claims/objectidentifier")
                || asciiEqualsLower(base, s, e, "oid")
        }) {
        case .found(let start, let end):
            f.oid = ActivitySlice(base: base, start: start, end: end, escaped: false)
            return
        case .absent:
            return
        case .unsure:
            break
        }
        try objectOrJSONString(&m, scratch) { a in
            try a.forEachMember { n, k in
                // REFERENCE.md §1.9.5: the oid claim (objectidentifier) names the principal.
                if k.is("http://schemas.microsoft.com/identity/claims/objectidentifier") || k.is("oid") {
                    if let v = try Self.stringValue(&n), !v.isEmpty { f.oid = v }
                }
            }
        }
    }

    // MARK: normalization

    static func status(_ s: ActivitySlice?) -> ActivityStatus {
        guard let s, !s.isEmpty else { return .missing }
        if !s.escaped {
            // the common spellings without building a String
            let k = ActivityKey(base: s.base, start: s.start, end: s.end)
            switch s.end - s.start {
            case 5: if k.is("start") { return .started }
            case 6: if k.is("failed") { return .failed }; if k.is("accept") { return .accepted }
            case 7: if k.is("success") { return .succeeded }; if k.is("started") { return .started }; if k.is("failure") { return .failed }
            case 8: if k.is("accepted") { return .accepted }
            case 9: if k.is("succeeded") { return .succeeded }
            default: break
            }
        }
        return ActivityStatus.normalize(s.string())
    }

    mutating func emit(_ f: ActivityRecordFields, recordBase: UnsafePointer<UInt8>, recordStart: Int, recordEnd: Int,
                       index: ActivityStringIndex.View? = nil, into batch: inout ScannedBatch) {
        // REFERENCE.md §3.3: the permission is authorization.action, not operationName.
        guard let action = f.action else { batch.withoutAuthorization += 1; return }
        guard let t = f.time, let time = ActivityTime.parse(t.base, t.start, t.end) ?? ActivityTime.parse(t.string()) else {
            batch.withoutTime += 1
            return
        }
        var status = Self.status(f.status)
        if status == .missing { status = Self.status(f.statusDeprecated) }
        var denied = false
        if status == .failed {
            let needles: [StaticString] = ["authorizationfailed", "forbidden", "403"]
            denied = (f.subStatus?.lowercasedContains(needles) ?? false)
                || (f.subStatusDeprecated?.lowercasedContains(needles) ?? false)
                || (f.properties?.lowercasedContains(["authorizationfailed", "forbidden", "403"]) ?? false)
        }
        // Caller (REFERENCE.md §1.9.5): oid claim, else the evidence principal when it
        // is the caller itself (User / ServicePrincipal, not a group), else `caller`.
        var principalSlice = f.oid
        if principalSlice == nil, let p = f.evidencePrincipal, let type = f.evidencePrincipalType {
            let k = ActivityKey(base: type.base, start: type.start, end: type.end)
            if !type.escaped && (k.is("user") || k.is("serviceprincipal")) { principalSlice = p }
            else if type.escaped, ["user", "serviceprincipal"].contains(type.string().lowercased()) { principalSlice = p }
        }
        if principalSlice == nil { principalSlice = f.caller }
        var principal: Int32 = -1, scopeID: Int32 = -1, assignment: Int32 = -1
        if let p = principalSlice, !p.isEmpty { principal = interners[0].intern(p, into: &batch.newStrings[0]) }
        let actionID = interners[1].intern(action, into: &batch.newStrings[1])
        if let s = f.scope ?? f.resourceID, !s.isEmpty { scopeID = interners[2].intern(s, into: &batch.newStrings[2]) }
        if let a = f.evidenceAssignment, !a.isEmpty { assignment = interners[3].intern(a, into: &batch.newStrings[3]) }
        let dedup: UInt64
        if let id = f.eventDataID, !id.isEmpty {
            dedup = id.hash(seed: 0xE1, lowercase: true)
        } else {
            if let index {
                dedup = index.recordHash(recordBase, start: recordStart, end: recordEnd)
            } else {
                dedup = ActivityHash.record(recordBase + recordStart, recordEnd - recordStart, seed: ActivityHash.recordSeed)
            }
            lastRecordHash = (recordBase, recordStart, recordEnd, dedup)
        }
        // The operation's identity in every export shape (docs/formats.md, "Uses are operations"):
        // correlation id + authorization action + scope, case-insensitively.
        var op: UInt64 = 0
        if let corr = f.correlationID, !corr.isEmpty {
            op = ActivityHash.combine(corr.hash(seed: 0xC0, lowercase: true), action.hash(seed: 0xAC, lowercase: true))
            if let s = f.scope ?? f.resourceID, !s.isEmpty { op = ActivityHash.combine(op, s.hash(seed: 0x5C, lowercase: true)) }
            if op == 0 { op = 1 }
        }
        batch.events.append(ScannedEvent(dedupHash: dedup, principal: principal, action: actionID, scope: scopeID,
                                         assignment: assignment, time: time, status: status, denied: denied,
                                         operationHash: op))
        if keepEvents {
            if batch.rawRecords == nil { batch.rawRecords = [] }
            batch.rawRecords?.append(String(decoding: UnsafeBufferPointer(start: recordBase + recordStart, count: recordEnd - recordStart), as: UTF8.self))
        }
    }
}

/// Owner of the buffers that hold decoded JSON-in-string values while one record is scanned.
final class ActivityScratch {
    var buffers: [UnsafeMutableBufferPointer<UInt8>] = []
    func release() {
        if buffers.isEmpty { return } // the common case: no JSON held in a string
        for b in buffers { b.deallocate() }
        buffers.removeAll(keepingCapacity: true)
    }
    deinit { release() }
}
