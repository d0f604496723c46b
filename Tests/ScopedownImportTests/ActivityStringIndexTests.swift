import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

/// The string index (64-byte blocks of quote / backslash / control masks) must give exactly what the
/// byte-by-byte walk gives: the same events, the same de-dup hashes, the same errors at the same
/// line and column, wherever the strings, escapes and records fall relative to the blocks.
@Suite("Activity Log string index")
struct ActivityStringIndexTests {
    /// One chunk of JSON Lines scanned with the string index and without it.
    static func scanBoth(_ text: String, elements: [Range<Int>]? = nil) -> (indexed: ScannedBatch, reference: ScannedBatch) {
        scanBoth(bytes: Array(text.utf8), elements: elements)
    }

    static func scanBoth(bytes: [UInt8], elements: [Range<Int>]? = nil) -> (indexed: ScannedBatch, reference: ScannedBatch) {
        var indexed = ActivityRecordScanner(scannerID: 0, keepEvents: false)
        var reference = ActivityRecordScanner(scannerID: 0, keepEvents: false)
        reference.useStringIndex = false
        let chunk = ActivityChunk(index: 0, bytes: bytes, startLine: 1, elements: elements)
        return (indexed.scan(chunk), reference.scan(chunk))
    }

    static func summary(_ b: ScannedBatch) -> String {
        let events = b.events.map {
            "\($0.dedupHash) \($0.principal) \($0.action) \($0.scope) \($0.assignment) \($0.time) \($0.status.name) \($0.denied) \($0.operationHash)"
        }
        let error = b.error.map { "\($0.line):\($0.column): \($0.message)" } ?? "-"
        return "\(events) \(b.newStrings) \(b.withoutAuthorization) \(b.withoutTime) \(error)"
    }

    /// A diagnostic-archive record whose strings start at a chosen offset (the padding shifts the
    /// rest of the record across the 64-byte blocks).
    static func record(pad: Int, action: String, claimsValue: String = "v", oidKey: String = "oid") -> String {
        let padding = String(repeating: "p", count: pad)
        return #"{"p":"\#(padding)","time":"2024-01-02T03:04:05Z","identity":{"authorization":{"action":"\#(action)","scope":"/s"},"#
            + #""claims":{"aud":"\#(claimsValue)","\#(oidKey)":"11111111-2222-3333-4444-555555555555","x":"y"}},"resultType":"Success"}"#
    }

    @Test("escaped quotes and backslash runs at every offset of a 64-byte block")
    func escapesAcrossBlocks() throws {
        for pad in 0..<130 {
            for run in 1...5 {
                // a run of `run` backslashes then a quote: escaped when the run is odd
                let backslashes = String(repeating: "\\", count: run)
                let action = run % 2 == 1 ? "A\(backslashes)\"B" : "A\(backslashes)B"
                let line = Self.record(pad: pad, action: action, claimsValue: "c\(backslashes)\(run % 2 == 1 ? "\"" : "")d")
                let (indexed, reference) = Self.scanBoth(line + "\n")
                #expect(Self.summary(indexed) == Self.summary(reference), "pad \(pad) run \(run)")
                #expect(indexed.error == nil, "pad \(pad) run \(run)")
                #expect(indexed.events.count == 1)
                // the action as decoded
                let expected = run % 2 == 1 ? "A" + String(repeating: "\\", count: run / 2) + "\"B" : "A" + String(repeating: "\\", count: run / 2) + "B"
                #expect(indexed.newStrings[1] == [expected], "pad \(pad) run \(run)")
                #expect(indexed.newStrings[0] == ["11111111-2222-3333-4444-555555555555"])
            }
        }
    }

    @Test("strings and objects that span blocks; records shorter than one block; blank and CRLF lines")
    func spansAndShortRecords() {
        var lines: [String] = []
        lines.append(#"{"time":"2024-01-02T00:00:00Z"}"#) // shorter than 64 bytes, no action
        lines.append(#"{"a":1}"#)
        lines.append("")
        lines.append("   ")
        for pad in [0, 1, 30, 62, 63, 64, 65, 127, 128, 200] {
            lines.append(Self.record(pad: pad, action: String(repeating: "Long/", count: 40) + "action",
                                     claimsValue: String(repeating: "z", count: pad + 70)))
            lines.append(Self.record(pad: pad, action: "A/b", oidKey: "OID") + "\r")
            lines.append("  " + Self.record(pad: pad, action: "Lead/space") + " \t")
        }
        let (indexed, reference) = Self.scanBoth(lines.joined(separator: "\n") + "\n")
        #expect(Self.summary(indexed) == Self.summary(reference))
        #expect(indexed.error == nil)
        #expect(indexed.events.count == 30)
        #expect(indexed.withoutAuthorization == 2)
    }

    @Test("claims: the last non-empty oid at the claims level wins, as the member walk has it; deep values are skipped")
    func claimsLastWins() {
        let deep = String(repeating: "[{\"k\":", count: 70) + "1" + String(repeating: "}]", count: 70)
        let lines = [
            #"{"time":"2024-01-02T00:00:00Z","identity":{"authorization":{"action":"A/1"},"claims":{"oid":"A","http://schemas.microsoft.com/identity/claims/objectidentifier":"B","OID":""}}}"#,
            #"{"time":"2024-01-02T00:00:00Z","identity":{"authorization":{"action":"A/2"},"claims":{"OiD":"C","n":{"oid":"decoy"}}}}"#,
            #"{"time":"2024-01-02T00:00:00Z","identity":{"authorization":{"action":"A/3"},"claims":{"x":"\"oid\":\"decoy\"","oid":"D\u0045"}}}"#,
            #"{"time":"2024-01-02T00:00:00Z","identity":{"authorization":{"action":"A/4"},"claims":{ "oid" : "E" }},"p":"# + "\"" + deep.replacingOccurrences(of: "\"", with: "\\\"") + "\"}",
            #"{"time":"2024-01-02T00:00:00Z","identity":{"authorization":{"action":"A/5"},"claims":{"oid":"F"}},"p":"# + deep + "}",
        ]
        let (indexed, reference) = Self.scanBoth(lines.joined(separator: "\n") + "\n")
        #expect(Self.summary(indexed) == Self.summary(reference))
        #expect(indexed.error == nil)
        #expect(indexed.newStrings[0] == ["B", "C", "DE", "E", "F"])
    }

    @Test("evidence: flat objects from the index, the last of each key wins; escapes, spaces and nested values walked")
    func evidenceMembers() {
        let evidences = [
            #"{"role":"Contributor","roleAssignmentId":"a1","principalId":"p1","principalType":"User"}"#,
            #"{"principalId":"p1","PrincipalId":"p2","principalType":"Group","principalType":"ServicePrincipal","roleAssignmentId":""}"#,
            #"{"principalId":"p\u0033","principalType":"User","roleAssignmentId":"a\/3"}"#,
            #"{ "principalId":"p4","principalType":"User" }"#,
            #"{"principalId":"p5","x":{"principalId":"decoy"},"principalType":"User"}"#,
            #"{"principalId":null,"principalType":"User","roleAssignmentId":"a6"}"#,
            #"{"principalId":"p7","principalType":"User","roleAssignmentId":"a7","n":1}"#,
            #"{}"#,
        ]
        var lines: [String] = []
        for pad in [0, 13, 40, 63, 64, 90] {
            for (i, e) in evidences.enumerated() {
                lines.append(#"{"p":"\#(String(repeating: "p", count: pad))","time":"2024-01-02T00:00:00Z","identity":{"authorization":{"#
                             + #""action":"V/\#(i)","evidence":\#(e),"scope":"/s"}}}"#)
            }
        }
        let (indexed, reference) = Self.scanBoth(lines.joined(separator: "\n") + "\n")
        #expect(Self.summary(indexed) == Self.summary(reference))
        #expect(indexed.error == nil)
        #expect(indexed.newStrings[0] == ["p1", "p2", "p3", "p4", "p5", "p7"])
        #expect(indexed.newStrings[3] == ["a1", "a/3", "a6", "a7"])
    }

    @Test("the same records as document elements")
    func elements() {
        let records = (0..<20).map { Self.record(pad: $0 * 7, action: "E/\($0)\\\\") }
        var text = "["
        var ranges: [Range<Int>] = []
        for (i, r) in records.enumerated() {
            if i > 0 { text += ",\n " }
            let start = text.utf8.count
            text += r
            ranges.append(start..<text.utf8.count)
        }
        text += "]"
        let (indexed, reference) = Self.scanBoth(text, elements: ranges)
        #expect(Self.summary(indexed) == Self.summary(reference))
        #expect(indexed.events.count == 20)
    }

    @Test("pretty-printed elements: indentation of every length, CR and tabs outside strings, control characters and escapes inside them at every block offset; errors where the parser puts them")
    func prettyPrintedElements() throws {
        let pieces = ["plain", "tab\there", "esc\\\"q", "ctl\u{01}raw", "nl\\nok", "bad\\q"]
        var rejected = 0
        for indent in 0..<20 {
            for pad in stride(from: 0, to: 70, by: 7) {
                for piece in pieces {
                    let sp = String(repeating: " ", count: indent)
                    let value = String(repeating: "v", count: pad) + piece
                    let element = "{\n\(sp)  \"time\" :\t\"2024-01-02T03:04:05Z\",\r\n\(sp)  \"authorization\": {\n\(sp)    \"action\": \"\(value)\",\n"
                        + "\(sp)    \"scope\": \"/s\"\n\(sp)  },\n\(sp)  \"x\": [ 1 ,\n\(sp)  {\"y\" : \"\(value)\"} ],\n\(sp)  \"status\": {\"value\": \"Succeeded\"}\n\(sp)}"
                    var text = "[\n" + sp
                    let start = text.utf8.count
                    text += element
                    let range = start..<text.utf8.count
                    text += "\n]\n"
                    let (indexed, reference) = Self.scanBoth(text, elements: [range])
                    let what = "indent \(indent) pad \(pad) \(piece)"
                    #expect(Self.summary(indexed) == Self.summary(reference), "\(what)")
                    var parserError: Diagnostic? = nil
                    do { _ = try JSONDocument.parse(Array(text.utf8), file: "x") } catch let d as Diagnostic { parserError = d }
                    #expect((indexed.error == nil) == (parserError == nil), "\(what): \(String(describing: indexed.error)) \(String(describing: parserError))")
                    if let e = indexed.error, let d = parserError {
                        rejected += 1
                        #expect(e.line == d.line && e.column == d.column, "\(what): scanner \(e), parser \(d)")
                    } else if indexed.error == nil {
                        #expect(indexed.events.count == 1, "\(what)")
                    }
                }
            }
        }
        #expect(rejected > 100)
    }

    @Test("errors: the same message at the same line and column", arguments: [
        // a control character in a string, far into the line (beyond the first block)
        (String(repeating: " ", count: 70) + "{\"time\":\"2024-01-02T00:00:00Z\",\"a\":\"x\u{01}y\"}", 1, 108, "control character in string"),
        // a tab inside a string is a control character; outside it is whitespace
        ("{\"a\":\t\"x\ty\"}", 1, 9, "control character in string"),
        // a backslash before a control character is an invalid escape, as the JSON parser has it
        ("{\"a\":\"x\\\u{01}y\",\"b\":\"\u{02}\"}", 1, 8, "invalid escape `\\?` in string"),
        // the first error in the string's order: a control character before a bad escape, and after one
        ("{\"a\":\"x\u{02}\\qy\"}", 1, 8, "control character in string"),
        ("{\"a\":\"x\\n\\q\u{02}y\"}", 1, 10, "invalid escape `\\q` in string"),
        ("{\"a\":[\"" + String(repeating: "\\\\", count: 40) + "\\u12x4\"]}", 1, 88, "invalid \\u escape"),
        // unterminated: the position of the opening quote
        ("{\"a\":1}\n{\"b\":\"" + String(repeating: "q", count: 100), 2, 6, "unterminated string"),
        ("{\"b\":\"" + String(repeating: "q", count: 100) + "\\\"}", 1, 6, "unterminated string"),
        ("{\"a\":[1,2}", 1, 10, "mismatched"),
        ("{\"a\":{\"b\":\"c\"}}}", 1, 16, "unexpected data after the event"),
        // 512 levels in all, whether walked as envelopes or skipped: the 513th bracket is the error
        (String(repeating: "[", count: 600), 1, 513, "nesting deeper than 512 levels"),
        ("{\"a\":" + String(repeating: "[", count: 600) + "\n", 1, 517, "nesting deeper than 512 levels"),
        // deeper than the 64 levels kept in a register
        ("{\"a\":" + String(repeating: "[", count: 100) + "}", 1, 106, "mismatched `}`"),
        ("{\"a\":" + String(repeating: "[{\"k\":", count: 70) + "1" + String(repeating: "}]", count: 69) + "]]}", 1, 565, "mismatched `]`"),
    ])
    func errors(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        let (indexed, reference) = Self.scanBoth(text)
        #expect(Self.summary(indexed) == Self.summary(reference))
        let e = indexed.error
        #expect(e?.line == line, "\(String(describing: e))")
        #expect(e?.column == column, "\(String(describing: e))")
        #expect(e?.message.contains(message) ?? false, "\(String(describing: e))")
    }

    @Test("random records with traps: indexed == byte by byte, events and errors")
    func randomDifferential() {
        var rng = SeededGenerator(seed: 64)
        let pieces = ["a", "\"", "\\", "\\\\", "\\\"", "\\u00e9", "é", "😀", "\t", "\u{01}", " ", "{", "}", "[", "]", ",", ":",
                      "oid", "\"oid\":\"x\"", String(repeating: "y", count: 60)]
        for c in 0..<RandomCases.count(default: 200) {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                var line = RandomEvents.json(RandomEvents.record(&rng))
                // sometimes corrupt the line at a random byte (errors must agree too)
                if Int.random(in: 0..<4, using: &rng) == 0 {
                    var bytes = Array(line.utf8)
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes.insert(contentsOf: Array(RandomEvents.pick(pieces, &rng).utf8), at: at)
                    line = String(decoding: bytes, as: UTF8.self)
                }
                lines.append(line)
            }
            let (indexed, reference) = Self.scanBoth(lines.joined(separator: "\n") + "\n")
            #expect(Self.summary(indexed) == Self.summary(reference), "case \(c)")
        }
    }

    @Test("the record hash from the index equals ActivityHash.record, whatever the length and the line's end")
    func recordHash() {
        var rng = SeededGenerator(seed: 9)
        let index = ActivityStringIndex()
        for length in Array(0...200) + [255, 256, 257, 1000, 4096] {
            let body = (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }.map { $0 == 0x22 || $0 == 0x5C ? 0x61 : $0 }
            for trailer: [UInt8] in [[0x0A, 0x7B, 0x7D], [], [0x0D, 0x0A]] {
                let bytes = body + trailer
                bytes.withUnsafeBufferPointer { b in
                    guard let base = b.baseAddress else { return }
                    let (view, lineEnd) = index.buildLine(base, start: 0, limit: b.count)
                    let expected = ActivityHash.record(base, length, seed: ActivityHash.recordSeed)
                    #expect(view?.recordHash(base, start: 0, end: length) == expected, "length \(length)")
                    #expect(lineEnd == (trailer.first == 0x0A ? length : trailer.first == 0x0D ? length + 1 : length))
                }
            }
        }
        // different bytes, different hashes; the length counts
        func hash(_ bytes: [UInt8], _ count: Int) -> UInt64? {
            bytes.withUnsafeBufferPointer { b in b.baseAddress.map { ActivityHash.record($0, count) } }
        }
        #expect(hash(Array("{\"a\":1}".utf8), 7) != hash(Array("{\"a\":2}".utf8), 7))
        let zeros = [UInt8](repeating: 0, count: 32)
        #expect(hash(zeros, 16) != hash(zeros, 17))
        #expect(hash(zeros, 16) == hash(zeros, 16))
    }

    @Test("key comparison eight bytes at a time == byte by byte, for every length and a difference at every position")
    func keyComparison() {
        let literals: [StaticString] = ["oid", "time", "claims", "resulttype", "authorization",
                                        "http://schemas.microsoft.com/identity/claims/objectidentifier",
                                        "http://schemas.microsoft.com/identity/claims/tenantid", "abcdefgh", "abcdefghi"]
        func reference(_ key: [UInt8], _ lit: StaticString) -> Bool {
            let l = UnsafeBufferPointer(start: lit.utf8Start, count: lit.utf8CodeUnitCount)
            return key.count == l.count && zip(key, l).allSatisfy { k, w in (k >= 0x41 && k <= 0x5A ? k | 0x20 : k) == w }
        }
        func fast(_ key: [UInt8], _ lit: StaticString) -> Bool {
            // the key in the middle of a buffer, as it is in a record
            let bytes = Array("{\"".utf8) + key + Array("\":1}".utf8)
            return bytes.withUnsafeBufferPointer { b in
                b.baseAddress.map { asciiEqualsLower($0, 2, 2 + key.count, lit) } ?? false
            }
        }
        var checked = 0
        for lit in literals {
            let exact = Array(UnsafeBufferPointer(start: lit.utf8Start, count: lit.utf8CodeUnitCount))
            var variants: [[UInt8]] = [exact, exact.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, Array(exact.dropLast()), exact + [0x61]]
            for i in exact.indices {
                // a difference at each position: another letter, the other case of a non-letter's
                // neighbour in the table (@ [ ` {), a byte with the high bit set
                for b: UInt8 in [0x40, 0x5B, 0x60, 0x7B, 0xC1, exact[i] ^ 0x01, exact[i] ^ 0x20] {
                    var v = exact
                    v[i] = b
                    variants.append(v)
                }
            }
            for v in variants {
                #expect(fast(v, lit) == reference(v, lit), "\(String(decoding: v, as: UTF8.self)) vs \(lit)")
                checked += 1
            }
        }
        #expect(checked > 500)
    }

    static func intern(_ interner: inout ActivityInterner, _ bytes: [UInt8], escaped: Bool, into fresh: inout [String]) -> Int32 {
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return -1 }
            return interner.intern(ActivitySlice(base: base, start: 0, end: b.count, escaped: escaped), into: &fresh)
        }
    }

    @Test("interner: one id per distinct decoded string, across table growth; escaped and plain spellings agree")
    func interner() {
        var interner = ActivityInterner()
        var fresh: [String] = []
        let texts = (0..<5000).map { "/subscriptions/\($0 % 2500)/x" } // every string twice
        var ids: [String: Int32] = [:]
        for t in texts {
            let id = Self.intern(&interner, Array(t.utf8), escaped: false, into: &fresh)
            if let seen = ids[t] { #expect(seen == id) } else { ids[t] = id }
        }
        #expect(fresh.count == 2500)
        #expect(fresh == (0..<2500).map { "/subscriptions/\($0)/x" })
        // `\/subscriptions\/7\/x` decodes to a string seen above: the same id
        let id = Self.intern(&interner, Array(#"\/subscriptions\/7\/x"#.utf8), escaped: true, into: &fresh)
        #expect(id == ids["/subscriptions/7/x"])
        #expect(fresh.count == 2500)
    }

    @Test("the file's record fingerprint (from emit's record hash when it computed one) equals the byte walk's and the hashes of the records")
    func recordFingerprint() {
        var lines: [String] = []
        for pad in [0, 5, 63, 64, 100] {
            lines.append(Self.record(pad: pad, action: "F/\(pad)")) // emits: its hash is reused
            lines.append(#"{"eventDataId":"e\#(pad)","time":"2024-01-02T00:00:00Z","authorization":{"action":"G/\#(pad)"}}"#)
            lines.append(#"{"time":"2024-01-02T00:00:00Z","p":"\#(String(repeating: "q", count: pad))"}"#) // no action
            lines.append(#"{"records":[{"time":"2024-01-02T00:00:00Z","authorization":{"action":"H/\#(pad)"}}]}"#) // envelope
        }
        let text = lines.joined(separator: "\n") + "\n"
        let (indexed, reference) = Self.scanBoth(text)
        #expect(indexed.error == nil)
        #expect(indexed.fingerprint == reference.fingerprint)
        var expected = RecordSequenceFingerprint()
        for line in lines {
            let bytes = Array(line.utf8)
            bytes.withUnsafeBufferPointer { b in
                if let base = b.baseAddress { expected.add(ActivityHash.record(base, b.count, seed: ActivityHash.recordSeed)) }
            }
        }
        #expect(indexed.fingerprint == expected)
        #expect(indexed.fingerprint.records == lines.count)
    }

    @Test("skipped containers: strings holding brackets, quotes and escapes at every block offset, errors in them")
    func skippedContainers() {
        var lines: [String] = []
        let values = [
            #"{"a":"}]{[","b":[1,{"c":"\"}\\"}],"d":{}}"#,
            #"[{"x":"\\\"]"},[],"{",null,true,-1.5e3]"#,
            #"{"message":"{\"error\":{\"code\":\"Forbidden\"}}","n":[[[]]]}"#,
        ]
        for pad in 0..<70 {
            for v in values {
                let padding = String(repeating: "p", count: pad)
                lines.append(#"{"p":"\#(padding)","properties":\#(v),"time":"2024-01-02T00:00:00Z","resultType":"Failed","#
                             + #""identity":{"authorization":{"action":"S/\#(pad)"},"claims":{"oid":"o"}},"x":\#(v)}"#)
            }
        }
        let (indexed, reference) = Self.scanBoth(lines.joined(separator: "\n") + "\n")
        #expect(Self.summary(indexed) == Self.summary(reference))
        #expect(indexed.fingerprint == reference.fingerprint)
        #expect(indexed.error == nil)
        #expect(indexed.events.count == lines.count)
        // an unterminated string, a control character and a mismatched bracket in a skipped object
        for (bad, message) in [(#"{"a":"b}"#, "unterminated string"), ("{\"a\":\"b\u{01}\"}", "control character in string"),
                               (#"{"a":["b"}"#, "mismatched")] {
            for pad in [0, 30, 63, 64] {
                let line = #"{"p":"\#(String(repeating: "p", count: pad))","properties":\#(bad)"#
                let (i, r) = Self.scanBoth(line + "\n")
                #expect(Self.summary(i) == Self.summary(r), "\(bad) pad \(pad)")
                #expect(i.error?.message.contains(message) ?? false, "\(bad) pad \(pad): \(String(describing: i.error))")
            }
        }
    }

    /// What may go inside a string: escapes RFC 8259 spells and others, UTF-8 (valid, cut short,
    /// stray continuation bytes, an encoded surrogate), control bytes and DEL.
    static let stringContents: [[UInt8]] = [
        #"\n"#, #"\\"#, #"\""#, #"\/"#, #"\b\f\r\t"#, #"\u00e9"#, #"\uD83D\uDE00"#, #"\uDC00"#, #"\\\\\""#,
        #"\q"#, #"\x41"#, #"\u12g4"#, #"\U0041"#, #"\'"#, #"\\\q"#, #"\u00"#, "\\ ", "é😀",
    ].map { Array($0.utf8) } + [
        [0x5C, 0x01], [0x5C, 0xC3, 0xA9], [0xC3], [0x80], [0xFF], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98],
        [0x01], [0x09], [0x1F], [0x7F], [0x00],
    ]

    /// A record with five places for string contents: a string in a skipped container, a skipped
    /// member's value, the action (read and decoded), a claims value (the flat-object path) and a
    /// key; `pad` moves them all across the 64-byte blocks.
    static func contentsRecord(pad: Int, place: Int, _ piece: [UInt8]) -> [UInt8] {
        let parts = [#"{"p":"\#(String(repeating: "p", count: pad))","time":"2024-01-02T03:04:05Z","properties":{"a":[1,{"b":"x"#,
                     #""}]},"category":"x"#,
                     #"","identity":{"authorization":{"action":"A/x"#,
                     #"","scope":"/s"},"claims":{"aud":"x"#,
                     #"","oid":"11111111-2222-3333-4444-555555555555"}},"resultType":"Success","k"#,
                     #"":1}"#]
        var out: [UInt8] = []
        for (k, part) in parts.enumerated() {
            out += Array(part.utf8)
            if k == place { out += piece }
        }
        return out
    }

    @Test("escapes, UTF-8 and control characters inside strings at every block offset: indexed == byte by byte, accepted exactly when the JSON parser accepts, the error where the parser puts it")
    func stringContentsAgainstParser() throws {
        var rejected = 0
        for pad in 0..<64 {
            for piece in Self.stringContents {
                for place in 0..<5 {
                    let line = Self.contentsRecord(pad: pad, place: place, piece)
                    let (indexed, reference) = Self.scanBoth(bytes: line + [0x0A])
                    let what = "pad \(pad) place \(place) \(piece)"
                    #expect(Self.summary(indexed) == Self.summary(reference), "\(what)")
                    var parserError: Diagnostic? = nil
                    do { _ = try JSONDocument.parse(line, file: "x") } catch let d as Diagnostic { parserError = d }
                    #expect((indexed.error == nil) == (parserError == nil),
                            "\(what): scanner \(String(describing: indexed.error)), parser \(String(describing: parserError))")
                    if let e = indexed.error, let d = parserError {
                        rejected += 1
                        #expect(e.line == d.line && e.column == d.column, "\(what): scanner \(e), parser \(d)")
                    } else if indexed.error == nil {
                        #expect(indexed.events.count == 1, "\(what)")
                    }
                }
            }
        }
        // both outcomes are exercised
        #expect(rejected > 1000)
    }

    @Test("the record hash is stable: every tail length gives the value it always gave (stored fingerprints)")
    func recordHashGolden() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var folded: UInt64 = 0
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            for count in 0...b.count {
                folded = ActivityHash.combine(folded, ActivityHash.record(base, count, seed: ActivityHash.recordSeed))
            }
            // at an offset: the tail ends inside a longer buffer
            for count in 0...100 {
                folded = ActivityHash.combine(folded, ActivityHash.record(base + 7, count, seed: ActivityHash.recordSeed))
            }
        }
        #expect(folded == 7_769_618_760_613_312_123)
    }

    /// The de-dup hash is stored (seen-event blocks, `events.dedup_hash`): a re-import recognises
    /// events by it, so its value for a given record must never change.
    @Test("the stored de-dup hash keeps its pinned values (eventDataId, case, raw record)")
    func dedupHashVectors() {
        let auth = #""identity":{"authorization":{"scope":"/subscriptions/s1","action":"Microsoft.Compute/virtualMachines/write"}}"#
        let lines = [
            #"{"time":"2024-05-01T10:00:00Z","eventDataId":"0f0e0d0c-0b0a-4090-8070-605040302010",\#(auth)}"#,
            #"{"time":"2024-05-01T10:00:00Z","eventDataId":"0F0E0D0C-0B0A-4090-8070-605040302010",\#(auth)}"#,
            #"{"time":"2024-05-01T10:00:00Z",\#(auth)}"#,
            #"{"time":"2024-05-01T10:00:00Z", \#(auth)}"#,
        ]
        let (indexed, reference) = Self.scanBoth(lines.joined(separator: "\n") + "\n")
        let hashes = indexed.events.map(\.dedupHash)
        #expect(hashes == reference.events.map(\.dedupHash))
        #expect(hashes == [12_405_751_472_108_599_384, 12_405_751_472_108_599_384, 10_630_820_649_804_469_261, 3_733_734_929_997_901_459])
    }

    @Test("the denied check's substring search equals an ASCII-lower-cased search, any bytes, any case")
    func lowercasedContains() {
        var rng = SeededGenerator(seed: 403)
        let pieces: [[UInt8]] = [Array("AuthorizationFailed".utf8), Array("forBIDDEN".utf8), Array("403".utf8), Array("40".utf8),
                                 Array("authorizationfaile".utf8), Array("fORBIDDE".utf8), [0xC3, 0xA9], [0xFF, 0x80, 0x41], Array("aF4".utf8)]
        let needles: [StaticString] = ["authorizationfailed", "forbidden", "403"]
        for c in 0..<RandomCases.count(default: 500) {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                if Bool.random(using: &rng) { bytes += RandomEvents.pick(pieces, &rng) } else { bytes.append(UInt8.random(in: 0...255, using: &rng)) }
            }
            let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            let expected = ["authorizationfailed", "forbidden", "403"].contains { n in
                let n = Array(n.utf8)
                return lower.count >= n.count && (0...(lower.count - n.count)).contains { Array(lower[$0..<$0 + n.count]) == n }
            }
            let got = bytes.withUnsafeBufferPointer { b in
                b.baseAddress.map { ActivitySlice(base: $0, start: 0, end: b.count, escaped: false).lowercasedContains(needles) } ?? false
            }
            #expect(got == expected, "case \(c): \(bytes)")
        }
    }

    @Test("SWAR lower-casing changes exactly A-Z")
    func lowercasing() {
        for b in 0...255 {
            let w = UInt64(b) * 0x0101_0101_0101_0101
            let expected = UInt64((b >= 0x41 && b <= 0x5A) ? b | 0x20 : b) * 0x0101_0101_0101_0101
            #expect(ActivityHash.lowercased(w) == expected, "byte \(b)")
        }
        #expect(ActivityHash.hash("MiCrOsOfT.Compute/VIRTUALMACHINES/x", lowercase: true)
                == ActivityHash.hash("microsoft.compute/virtualmachines/x", lowercase: true))
    }
}
