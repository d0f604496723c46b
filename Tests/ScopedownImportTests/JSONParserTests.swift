import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    func parse(_ text: String, file: String = "t.json") throws -> JSONDocument {
        try JSONDocument.parse(Array(text.utf8), file: file)
    }

    func error(_ text: String) -> Diagnostic? {
        diagnostic { _ = try parse(text) }
    }

    @Test func scalarsAndContainers() throws {
        let doc = try parse(#"{"a": [1, -2.5e3, true, false, null, "x\u00e9\n\"y\""], "b": {}, "c": []}"#)
        let a = try #require(doc.root["a"]).elements
        #expect(a.map(\.kind) == [.number, .number, .bool, .bool, .null, .string])
        #expect(a[0].int == 1)
        #expect(a[1].double == -2500)
        #expect(a[2].bool == true && a[3].bool == false)
        #expect(a[5].string == "xé\n\"y\"")
        #expect(doc.root["b"]?.count == 0 && doc.root["c"]?.count == 0)
        #expect(doc.root.members.map(\.key) == ["a", "b", "c"])
        #expect(doc.root["missing"] == nil)
    }

    @Test func surrogatePairsAndLoneSurrogates() throws {
        let doc = try parse(#"["\ud83d\ude00", "\ud83d", "\ude00x", "\u0000"]"#)
        let s = doc.root.elements.map(\.string)
        #expect(s[0] == "😀")
        // Lone surrogates decode to U+FFFD (documented choice).
        #expect(s[1] == "\u{FFFD}")
        #expect(s[2] == "\u{FFFD}x")
        #expect(s[3] == "\u{0}")
    }

    @Test func pathsAndPositions() throws {
        let text = "[\n  {\"permissions\": [\n    {\"actions\": \"oops\"}]},\n  {\"@odata.type\": 1}\n]"
        let doc = try parse(text, file: "roles.json")
        let actions = try #require(doc.root.elements[0]["permissions"]?.elements[0]["actions"])
        #expect(actions.path == "$[0].permissions[0].actions")
        #expect(actions.location == (3, 17))
        let e = diagnostic { _ = try actions.expectArray() }
        #expect(e?.description == "roles.json:3:17: error: expected array, found string at $[0].permissions[0].actions")
        let odata = try #require(doc.root.elements[1]["@odata.type"])
        #expect(odata.path == #"$[1]["@odata.type"]"#)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let doc = try parse("{\"é\": \"ü\", \"k\": true}")
        let k = try #require(doc.root["k"])
        #expect(k.location == (1, 17))
        #expect(doc.root["é"]?.string == "ü")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let doc = try JSONDocument.parse([0xEF, 0xBB, 0xBF] + Array("{\"a\": 1}".utf8), file: "bom.json")
        #expect(doc.root["a"]?.int == 1)
        #expect(doc.root["a"].map { $0.location == (1, 7) } == true)
    }

    @Test(arguments: [
        ("[1, 2,]", "t.json:1:7: error: trailing comma before `]`"),
        ("{\"a\": 1,}", "t.json:1:9: error: trailing comma before `}`"),
        ("[NaN]", "t.json:1:2: error: unexpected `N`: expected a JSON value"),
        ("[Infinity]", "t.json:1:2: error: unexpected `I`: expected a JSON value"),
        ("[1] // c", "t.json:1:5: error: unexpected `/` after the JSON value"),
        ("/* c */ [1]", "t.json:1:1: error: unexpected `/`: expected a JSON value"),
        ("[\"a\tb\"]", "t.json:1:4: error: control character 0x9 in string"),
        ("[\"\\x\"]", "t.json:1:3: error: invalid escape `\\x` in string"),
        ("[\"\\u12G4\"]", "t.json:1:3: error: invalid \\u escape: expected 4 hex digits"),
        ("['a']", "t.json:1:2: error: unexpected `'`: expected a JSON value"),
        ("[01]", "t.json:1:3: error: expected `,` or `]` in array, found `1`"),
        ("[1.]", "t.json:1:4: error: invalid number: expected a digit after `.`"),
        ("{\"a\" 1}", "t.json:1:6: error: expected `:` after object key, found `1`"),
        ("{a: 1}", "t.json:1:2: error: expected a string key, found `a`"),
        ("[tru]", "t.json:1:2: error: unexpected `t`: expected a JSON value"),
        ("{\"a\": [1, 2", "t.json:1:12: error: unexpected end of file: expected `,` or `]`"),
        ("[\"abc", "t.json:1:2: error: unexpected end of file: unterminated string"),
        ("", "t.json:1:1: error: empty file"),
        ("{} {}", "t.json:1:4: error: unexpected `{` after the JSON value"),
    ])
    func strictErrors(text: String, expected: String) {
        let e = error(text)
        #expect(e.map { $0.description.components(separatedBy: "\n")[0] } == expected)
    }

    @Test func nestingBombIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let e = error(deep)
        #expect(e?.message == "nesting deeper than 512 levels")
        #expect(e?.column == 513)
        let objects = String(repeating: "{\"a\":", count: 600) + "1" + String(repeating: "}", count: 600)
        #expect(error(objects)?.message == "nesting deeper than 512 levels")
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(error(ok) == nil)
    }

    @Test func invalidUTF8InStringsBecomesReplacementCharacter() throws {
        let doc = try JSONDocument.parse(Array("[\"a".utf8) + [0xFF] + Array("b\"]".utf8), file: "t.json")
        #expect(doc.root.elements[0].string == "a\u{FFFD}b")
    }

    @Test func typedAccessorsNameTheField() throws {
        let doc = try parse(#"[{"name": "x", "tags": {"a": "b", "n": 1}, "flag": "true", "list": ["a", 2]}]"#)
        let item = doc.root.elements[0]
        #expect(diagnostic { _ = try item.requireString("principalId") }?.description
                == "t.json:1:2: error: missing required field `principalId` at $[0]\n  help: every item of this shape carries `principalId`")
        #expect(try item.stringMap("tags") == ["a": "b", "n": "1"])
        #expect(try item.optionalBool("flag") == true)
        #expect(diagnostic { _ = try item.stringArray("list") }?.description == "t.json:1:74: error: expected string, found number at $[0].list[1]")
    }

    @Test func prefixParseClosesOpenContainers() throws {
        let (doc, trailing) = try JSONDocument.parsePrefix(Array(#"{"value": [{"id": "a", "type": "x"}, {"id": "b", "na"#.utf8), file: "p.json")
        #expect(trailing == nil)
        let items = try #require(doc.root["value"]).elements
        #expect(items.count == 2)
        #expect(items[0]["type"]?.string == "x")
        #expect(items[1]["id"]?.string == "b")
        #expect(items[1].count == 1)
        let (lines, next) = try JSONDocument.parsePrefix(Array("{\"a\": 1}\n{\"a\": 2}\n".utf8), file: "l.json")
        #expect(next == UInt8(ascii: "{"))
        #expect(lines.root["a"]?.int == 1)
    }
}

/// Random JSON values serialized and re-parsed: the parsed tree equals the generated one.
@Suite("JSON parser property")
struct JSONParserPropertyTests {
    indirect enum Value: Equatable {
        case null, bool(Bool), int(Int), string(String), array([Value]), object([(String, Value)])
        static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.null, .null): return true
            case let (.bool(x), .bool(y)): return x == y
            case let (.int(x), .int(y)): return x == y
            case let (.string(x), .string(y)): return x == y
            case let (.array(x), .array(y)): return x == y
            case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            default: return false
            }
        }
    }

    static let alphabet: [String] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "é", "😀", "\u{7F}", "中", "\u{2028}"]

    func randomString(_ g: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...8, using: &g)).map { _ in Self.alphabet.randomElement(using: &g) ?? "a" }.joined()
    }

    func randomValue(_ g: inout SeededGenerator, depth: Int) -> Value {
        let pick = depth > 4 ? Int.random(in: 0...3, using: &g) : Int.random(in: 0...5, using: &g)
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &g))
        case 2: return .int(Int.random(in: -1_000_000_000_000...1_000_000_000_000, using: &g))
        case 3: return .string(randomString(&g))
        case 4: return .array((0..<Int.random(in: 0...4, using: &g)).map { _ in randomValue(&g, depth: depth + 1) })
        default:
            var seen = Set<String>()
            var members: [(String, Value)] = []
            for _ in 0..<Int.random(in: 0...4, using: &g) {
                let k = randomString(&g)
                if seen.insert(k).inserted { members.append((k, randomValue(&g, depth: depth + 1))) }
            }
            return .object(members)
        }
    }

    func serialize(_ v: Value, _ g: inout SeededGenerator) -> String {
        let ws = [" ", "\n", "\t", "\r\n", ""].randomElement(using: &g) ?? ""
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .string(let s): return quote(s, &g)
        case .array(let a): return "[" + ws + a.map { serialize($0, &g) }.joined(separator: "," + ws) + "]"
        case .object(let o): return "{" + ws + o.map { quote($0.0, &g) + ws + ":" + serialize($0.1, &g) }.joined(separator: ",") + ws + "}"
        }
    }

    func quote(_ s: String, _ g: inout SeededGenerator) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += Bool.random(using: &g) ? "\\n" : "\\u000a"
            case "\t": out += "\\t"
            case "/": out += Bool.random(using: &g) ? "\\/" : "/"
            default:
                if u.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16) }
                else if u.value > 0xFFFF && Bool.random(using: &g) {
                    let v = u.value - 0x10000
                    out += String(format: "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    func read(_ j: JSONValue) -> Value {
        switch j.kind {
        case .null: return .null
        case .bool: return .bool(j.bool ?? false)
        case .number: return .int(j.int ?? -1)
        case .string: return .string(j.string ?? "?")
        case .array: return .array(j.elements.map(read))
        case .object: return .object(j.members.map { ($0.key, read($0.value)) })
        }
    }

    @Test func roundTrip() throws {
        var g = SeededGenerator(seed: 20261129)
        for _ in 0..<RandomCases.count(default: 300) {
            let value = randomValue(&g, depth: 0)
            let text = serialize(value, &g)
            let doc = try JSONDocument.parse(Array(text.utf8), file: "r.json")
            #expect(read(doc.root) == value, "\(text)")
            // Splitting an array of such values element by element gives the same values, whatever the chunk size.
            let array = "[" + (0..<3).map { _ in serialize(randomValue(&g, depth: 1), &g) }.joined(separator: ",\n") + "]"
            let whole = try JSONDocument.parse(Array(array.utf8), file: "a.json").root.elements.map(read)
            var splitter = JSONElementSplitter(MemoryByteStream(Array(array.utf8), displayName: "a.json"),
                                               chunkSize: Int.random(in: 1...64, using: &g))
            var parts: [Value] = []
            while let e = try splitter.next() { parts.append(read(try e.parse(file: "a.json").root)) }
            #expect(parts == whole, "\(array)")
            // Every truncation of the text is an error, never a crash (or the text of a complete shorter value).
            let bytes = Array(text.utf8)
            if bytes.count > 1 {
                let cut = Int.random(in: 1..<bytes.count, using: &g)
                _ = try? JSONDocument.parse(Array(bytes[0..<cut]), file: "r.json")
                // Random single-byte corruption: never a crash.
                var corrupt = bytes
                corrupt[Int.random(in: 0..<bytes.count, using: &g)] = UInt8.random(in: 0...255, using: &g)
                _ = try? JSONDocument.parse(corrupt, file: "r.json")
            }
        }
    }
}
