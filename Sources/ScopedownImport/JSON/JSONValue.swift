import ScopedownCore

/// A handle on one value of a `JSONDocument`: its kind, its content (decoded on demand), its
/// position (`line:column`) and its JSON path (`$[3].permissions[0].actions`).
///
/// The `expect…` and `require…` accessors throw compiler-style `Diagnostic`s such as
/// `roles.json:41:17: error: expected array, found string at $[3].permissions[0].actions`.
public struct JSONValue: Sendable {
    public let document: JSONDocument
    let index: Int

    init(document: JSONDocument, index: Int) {
        self.document = document
        self.index = index
    }

    var node: JSONNode { document.nodes[index] }

    public var kind: JSONKind { node.kind }
    public var isNull: Bool { node.kind == .null }
    /// Byte offset of the value in the document.
    public var byteOffset: Int {
        let n = node
        return n.kind == .string ? Int(n.start) - 1 : Int(n.start)
    }
    public var location: (line: Int, column: Int) { document.location(ofByte: byteOffset) }

    // MARK: scalars

    public var string: String? {
        let n = node
        guard n.kind == .string else { return nil }
        return JSONValue.decodeString(document.bytes, Int(n.start), Int(n.end), special: n.flag)
    }

    public var bool: Bool? { node.kind == .bool ? node.flag : nil }

    /// The number's source text (exact, e.g. for ids written as numbers).
    public var numberText: String? {
        let n = node
        guard n.kind == .number else { return nil }
        return String(decoding: document.bytes[Int(n.start)..<Int(n.end)], as: UTF8.self)
    }

    public var double: Double? { numberText.flatMap { Double($0) } }
    public var int: Int? { numberText.flatMap { Int($0) ?? Double($0).flatMap { $0 == $0.rounded() && abs($0) < 9e15 ? Int($0) : nil } } }

    /// True when this is a string whose bytes equal `ascii` (no decoding; escaped strings are decoded).
    public func stringEquals(_ other: String, caseInsensitive: Bool = false) -> Bool {
        guard let s = string else { return false }
        return caseInsensitive ? s.lowercased() == other.lowercased() : s == other
    }

    // MARK: containers

    /// Elements of an array (empty for any other kind).
    public var elements: [JSONValue] {
        let n = node
        guard n.kind == .array else { return [] }
        var result: [JSONValue] = []
        result.reserveCapacity(Int(n.count))
        var c = index + 1
        let end = Int(n.next)
        while c < end {
            result.append(JSONValue(document: document, index: c))
            c = Int(document.nodes[c].next)
        }
        return result
    }

    /// Number of elements (array) or members (object).
    public var count: Int {
        let n = node
        return n.kind == .array || n.kind == .object ? Int(n.count) : 0
    }

    /// Members of an object in document order (empty for any other kind).
    public var members: [(key: String, value: JSONValue)] {
        let n = node
        guard n.kind == .object else { return [] }
        var result: [(key: String, value: JSONValue)] = []
        var c = index + 1
        let end = Int(n.next)
        let nodes = document.nodes
        while c < end {
            let k = nodes[c]
            let v = c + 1
            guard v < end else { break }
            result.append((JSONValue.decodeString(document.bytes, Int(k.start), Int(k.end), special: k.flag),
                           JSONValue(document: document, index: v)))
            c = Int(nodes[v].next)
        }
        return result
    }

    /// The member named `key` (exact spelling; the last one wins when a key repeats, as most JSON
    /// readers do), or nil. Nil for non-objects.
    public subscript(key: String) -> JSONValue? {
        let n = node
        guard n.kind == .object else { return nil }
        var found: Int? = nil
        var c = index + 1
        let end = Int(n.next)
        let nodes = document.nodes
        let bytes = document.bytes
        var keyBytes = key
        keyBytes.withUTF8 { kb in
            while c < end {
                let k = nodes[c]
                let v = c + 1
                guard v < end else { break }
                if k.flag {
                    if JSONValue.decodeString(bytes, Int(k.start), Int(k.end), special: true) == key { found = v }
                } else if Int(k.end - k.start) == kb.count {
                    var equal = true
                    var j = 0
                    let s = Int(k.start)
                    while j < kb.count { if bytes[s + j] != kb[j] { equal = false; break }; j += 1 }
                    if equal { found = v }
                }
                c = Int(nodes[v].next)
            }
        }
        return found.map { JSONValue(document: document, index: $0) }
    }

    /// Member lookup ignoring ASCII case (Azure exports differ in key casing between tools).
    public func member(caseInsensitive key: String) -> JSONValue? {
        if let exact = self[key] { return exact }
        let lower = key.lowercased()
        for (k, v) in members where k.lowercased() == lower { return v }
        return nil
    }

    /// `self[key]` unless it is JSON `null`.
    public func nonNull(_ key: String) -> JSONValue? {
        guard let v = self[key], !v.isNull else { return nil }
        return v
    }

    // MARK: paths and diagnostics

    /// The JSON path of this value, e.g. `$[3].permissions[0].actions` or `$["@odata.type"]`.
    public var path: String {
        var parts: [String] = []
        var c = index
        let nodes = document.nodes
        while true {
            let parent = nodes[c].parent
            if parent == UInt32.max { break }
            let p = Int(parent)
            if nodes[p].kind == .array {
                var k = p + 1, i = 0
                while k < c { k = Int(nodes[k].next); i += 1 }
                parts.append("[\(i)]")
            } else {
                // c is a value; its key is the node just before it.
                let keyNode = nodes[c - 1]
                let key = JSONValue.decodeString(document.bytes, Int(keyNode.start), Int(keyNode.end), special: keyNode.flag)
                parts.append(JSONValue.pathComponent(key))
            }
            c = p
        }
        return document.origin.path + parts.reversed().joined()
    }

    static func pathComponent(_ key: String) -> String {
        var simple = !key.isEmpty
        for (i, u) in key.utf8.enumerated() {
            let isLetter = (u >= 0x41 && u <= 0x5A) || (u >= 0x61 && u <= 0x7A) || u == 0x5F || u == 0x24
            let isDigit = u >= 0x30 && u <= 0x39
            if !(isLetter || (isDigit && i > 0)) { simple = false; break }
        }
        if simple { return "." + key }
        var escaped = ""
        for ch in key.unicodeScalars {
            switch ch {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            default:
                if ch.value < 0x20 || ch.value == 0x7F { escaped += "\\u" + String(ch.value, radix: 16) } else { escaped.unicodeScalars.append(ch) }
            }
        }
        return "[\"" + escaped + "\"]"
    }

    /// A diagnostic located at this value.
    public func error(_ message: String, help: String? = nil) -> Diagnostic {
        let loc = location
        return Diagnostic.error(message, file: document.file, line: loc.line, column: loc.column, path: path, help: help)
    }

    public func warning(_ message: String, help: String? = nil) -> Diagnostic {
        let loc = location
        return Diagnostic.warning(message, file: document.file, line: loc.line, column: loc.column, path: path, help: help)
    }

    // MARK: typed accessors that throw

    public func expect(_ kind: JSONKind) throws -> JSONValue {
        guard self.kind == kind else { throw error("expected \(kind), found \(self.kind)") }
        return self
    }

    public func expectString() throws -> String {
        guard let s = string else { throw error("expected string, found \(kind)") }
        return s
    }

    public func expectBool() throws -> Bool {
        guard let b = bool else { throw error("expected boolean, found \(kind)") }
        return b
    }

    public func expectArray() throws -> [JSONValue] {
        guard kind == .array else { throw error("expected array, found \(kind)") }
        return elements
    }

    public func expectObject() throws -> JSONValue {
        guard kind == .object else { throw error("expected object, found \(kind)") }
        return self
    }

    /// A member that must be present and not null.
    public func require(_ key: String) throws -> JSONValue {
        guard kind == .object else { throw error("expected object, found \(kind)") }
        guard let v = self[key], !v.isNull else {
            throw error("missing required field `\(key)`", help: "every item of this shape carries `\(key)`")
        }
        return v
    }

    /// A required non-empty string member.
    public func requireString(_ key: String) throws -> String {
        let s = try require(key).expectString()
        if s.trimmingSpaces().isEmpty {
            throw (self[key] ?? self).error("empty required field `\(key)`")
        }
        return s
    }

    /// An optional string member: nil when absent or null; an error when of another type.
    public func optionalString(_ key: String) throws -> String? {
        guard let v = self[key], !v.isNull else { return nil }
        return try v.expectString()
    }

    /// An optional boolean member (nil when absent or null). Accepts `"true"`/`"false"` strings, which
    /// some exports (Resource Graph, CSV conversions) write.
    public func optionalBool(_ key: String) throws -> Bool? {
        guard let v = self[key], !v.isNull else { return nil }
        if let b = v.bool { return b }
        if let s = v.string?.lowercased(), s == "true" || s == "false" { return s == "true" }
        throw v.error("expected boolean, found \(v.kind)")
    }

    /// An optional array of strings (absent or null = empty); non-string elements are errors.
    public func stringArray(_ key: String) throws -> [String] {
        guard let v = self[key], !v.isNull else { return [] }
        return try v.expectArray().map { try $0.expectString() }
    }

    /// An optional `{string: string}` object (tags); absent or null = empty. Non-string values are
    /// kept as their JSON text.
    public func stringMap(_ key: String) throws -> [String: String] {
        guard let v = self[key], !v.isNull else { return [:] }
        var out: [String: String] = [:]
        for (k, value) in try v.expectObject().members {
            if let s = value.string { out[k] = s } else if value.isNull { out[k] = "" } else { out[k] = value.rawText }
        }
        return out
    }

    /// The value's source text.
    public var rawText: String {
        let n = node
        switch n.kind {
        case .string: return String(decoding: document.bytes[(Int(n.start) - 1)...Int(n.end)], as: UTF8.self)
        case .array, .object: return String(decoding: document.bytes[Int(n.start)..<Int(n.end)], as: UTF8.self)
        default: return String(decoding: document.bytes[Int(n.start)..<Int(n.end)], as: UTF8.self)
        }
    }

    // MARK: string decoding

    static func decodeString(_ bytes: [UInt8], _ start: Int, _ end: Int, special: Bool) -> String {
        if !special { return String(decoding: bytes[start..<end], as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var i = start
        func appendScalar(_ v: UInt32) {
            let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
        func hex4(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 {
                let b = bytes[at + k]
                let d: UInt32
                switch b {
                case 0x30...0x39: d = UInt32(b - 0x30)
                case 0x61...0x66: d = UInt32(b - 0x61 + 10)
                default: d = UInt32(b - 0x41 + 10)
                }
                v = v << 4 | d
            }
            return v
        }
        while i < end {
            let b = bytes[i]
            if b != 0x5C { out.append(b); i += 1; continue }
            let e = bytes[i + 1]
            switch e {
            case 0x62: out.append(0x08); i += 2
            case 0x66: out.append(0x0C); i += 2
            case 0x6E: out.append(0x0A); i += 2
            case 0x72: out.append(0x0D); i += 2
            case 0x74: out.append(0x09); i += 2
            case 0x75:
                let u = hex4(i + 2)
                i += 6
                if u >= 0xD800 && u <= 0xDBFF {
                    // High surrogate: needs a following \uDC00-DFFF, else U+FFFD (documented choice).
                    if i + 5 < end, bytes[i] == 0x5C, bytes[i + 1] == 0x75 {
                        let lo = hex4(i + 2)
                        if lo >= 0xDC00 && lo <= 0xDFFF {
                            appendScalar(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00))
                            i += 6
                            continue
                        }
                    }
                    appendScalar(0xFFFD)
                } else if u >= 0xDC00 && u <= 0xDFFF {
                    appendScalar(0xFFFD)
                } else {
                    appendScalar(u)
                }
            default: out.append(e); i += 2   // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
