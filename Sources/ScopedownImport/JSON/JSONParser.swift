import ScopedownCore

/// Iterative byte-level RFC 8259 parser producing the node tape of `JSONDocument`.
struct JSONParser {
    let bytes: [UInt8]
    let file: String
    let allowTruncation: Bool
    /// Containers the text may open (`JSONDocument.maxDepth` less those open around it).
    let maxDepth: Int
    private(set) var trailingByte: UInt8? = nil

    init(bytes: [UInt8], file: String, allowTruncation: Bool, maxDepth: Int = JSONDocument.maxDepth) {
        self.bytes = bytes
        self.file = file
        self.allowTruncation = allowTruncation
        self.maxDepth = maxDepth
    }

    private struct Truncated: Error {}

    private static let noParent = UInt32.max
    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
    static let nullBytes = Array("null".utf8)

    mutating func parse() throws -> [JSONNode] {
        guard bytes.count < Int(UInt32.max) else {
            throw Diagnostic.error("file too large to parse as one JSON document (\(bytes.count) bytes)", file: file,
                                   help: "split it, or import it as JSON Lines")
        }
        var result: [JSONNode] = []
        var trailing: UInt8? = nil
        let (bytes, file, truncation, maxDepth) = (self.bytes, self.file, allowTruncation, self.maxDepth)
        try bytes.withUnsafeBufferPointer { p in
            var machine = Machine(p: p, bytes: bytes, fileName: file, truncationAllowed: truncation, maxDepth: maxDepth)
            try machine.run()
            swap(&result, &machine.nodes)
            trailing = machine.trailing
        }
        trailingByte = trailing
        return result
    }

    /// The parser's state as stored properties (static exclusivity: no runtime access checks in the
    /// hot loops).
    private struct Machine {
        let p: UnsafeBufferPointer<UInt8>
        let n: Int
        let bytes: [UInt8]
        let fileName: String
        let truncationAllowed: Bool
        let maxDepth: Int
        var i = 0
        var nodes: [JSONNode] = []
        var stack: [UInt32] = []   // open containers (node indices)
        var trailing: UInt8? = nil

        init(p: UnsafeBufferPointer<UInt8>, bytes: [UInt8], fileName: String, truncationAllowed: Bool, maxDepth: Int) {
            self.maxDepth = maxDepth
            self.p = p
            self.n = p.count
            self.bytes = bytes
            self.fileName = fileName
            self.truncationAllowed = truncationAllowed
            nodes.reserveCapacity(max(16, p.count / 12))
            if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }
        }


        func fail(_ message: String, at offset: Int, help: String? = nil) -> Diagnostic {
            let loc = SourceLocation.of(offset: offset, in: bytes)
            return Diagnostic.error(message, file: fileName, line: loc.line, column: loc.column, help: help)
        }
        func describe(_ offset: Int) -> String {
            if offset >= n { return "end of file" }
            let b = p[offset]
            if b >= 0x21 && b < 0x7F && b != 0x60 { return "`\(Character(Unicode.Scalar(b)))`" }
            return "byte 0x" + String(b, radix: 16, uppercase: true)
        }
        @inline(__always) mutating func skipSpace() {
            var j = i
            while j < n {
                let b = p[j]
                if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { j += 1 } else { break }
            }
            i = j
        }
        func eof(_ what: String) throws -> Never {
            if truncationAllowed { throw Truncated() }
            throw fail("unexpected end of file: \(what)", at: n, help: "the file looks truncated")
        }
        @inline(__always) func parentIndex() -> UInt32 { stack.last ?? JSONParser.noParent }

        /// Scans a string starting at the opening quote; returns the node (not appended).
        mutating func scanString() throws -> JSONNode {
            let open = i
            i += 1
            let contentStart = i
            var special = false
            // Fast path: plain bytes up to the closing quote, on a local index.
            var j = i
            while j < n {
                let b = p[j]
                if b == 0x22 || b == 0x5C || b < 0x20 { break }
                if b >= 0x80 { special = true }
                j += 1
            }
            i = j
            while true {
                guard i < n else {
                    if truncationAllowed { throw Truncated() }
                    throw fail("unexpected end of file: unterminated string", at: open, help: "the file ends inside this string: it looks truncated")
                }
                let b = p[i]
                if b == 0x22 { break }
                if b == 0x5C {
                    special = true
                    guard i + 1 < n else { try eof("unterminated string") }
                    let e = p[i + 1]
                    switch e {
                    case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 2
                    case 0x75:
                        guard i + 5 < n else { try eof("unterminated \\u escape") }
                        for k in 2...5 where !isHexDigit(p[i + k]) {
                            throw fail("invalid \\u escape: expected 4 hex digits", at: i)
                        }
                        i += 6
                    default:
                        throw fail("invalid escape `\\\(Character(Unicode.Scalar(e < 0x80 && e >= 0x20 ? e : 0x3F)))` in string", at: i,
                                   help: "only \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX are valid JSON escapes")
                    }
                    continue
                }
                if b < 0x20 {
                    throw fail("control character 0x\(String(b, radix: 16, uppercase: true)) in string", at: i,
                               help: "control characters must be escaped in JSON strings")
                }
                if b >= 0x80 { special = true }
                i += 1
            }
            let node = JSONNode(start: UInt32(contentStart), end: UInt32(i), next: 0, parent: parentIndex(),
                                count: 0, kind: .string, flag: special)
            i += 1
            return node
        }

        mutating func scanNumber() throws -> JSONNode {
            let start = i
            if p[i] == 0x2D { i += 1 }
            guard i < n else { try eof("incomplete number") }
            if p[i] == 0x30 {
                i += 1
            } else if p[i] >= 0x31 && p[i] <= 0x39 {
                while i < n && p[i] >= 0x30 && p[i] <= 0x39 { i += 1 }
            } else {
                throw fail("invalid number", at: start)
            }
            if i < n && p[i] == 0x2E {
                i += 1
                let digits = i
                while i < n && p[i] >= 0x30 && p[i] <= 0x39 { i += 1 }
                if i == digits { if i >= n { try eof("incomplete number") }; throw fail("invalid number: expected a digit after `.`", at: i) }
            }
            if i < n && (p[i] == 0x65 || p[i] == 0x45) {
                i += 1
                if i < n && (p[i] == 0x2B || p[i] == 0x2D) { i += 1 }
                let digits = i
                while i < n && p[i] >= 0x30 && p[i] <= 0x39 { i += 1 }
                if i == digits { if i >= n { try eof("incomplete number") }; throw fail("invalid number: expected a digit in the exponent", at: i) }
            }
            if i >= n && truncationAllowed && !stack.isEmpty { throw Truncated() }
            return JSONNode(start: UInt32(start), end: UInt32(i), next: 0, parent: parentIndex(), count: 0,
                            kind: .number, flag: false)
        }

        mutating func scanLiteral(_ w: [UInt8], kind: JSONKind, flag: Bool) throws -> JSONNode {
            let start = i
            let len = w.count
            for k in 0..<len {
                guard start + k < n else { try eof("incomplete literal") }
                if p[start + k] != w[k] {
                    throw fail("unexpected \(describe(start)): expected a JSON value", at: start,
                               help: "JSON has no NaN, Infinity, comments or unquoted words")
                }
            }
            i += len
            return JSONNode(start: UInt32(start), end: UInt32(i), next: 0, parent: parentIndex(), count: 0,
                            kind: kind, flag: flag)
        }

        /// Closes the container on top of the stack.
        mutating func close() {
            let idx = Int(stack.removeLast())
            nodes[idx].next = UInt32(nodes.count)
            nodes[idx].end = UInt32(i)
        }

        /// Expects an object key (string) then `:`; appends the key node.
        mutating func readKey() throws {
            skipSpace()
            guard i < n else { try eof("expected an object key") }
            guard p[i] == 0x22 else {
                if p[i] == 0x7D { throw fail("trailing comma before `}`", at: i, help: "remove the comma after the last member") }
                throw fail("expected a string key, found \(describe(i))", at: i)
            }
            var key = try scanString()
            key.next = UInt32(nodes.count + 1)
            skipSpace()
            guard i < n else { try eof("expected `:`") }
            guard p[i] == 0x3A else { throw fail("expected `:` after object key, found \(describe(i))", at: i) }
            i += 1
            nodes.append(key)
        }


        mutating func run() throws {
            do {
                var needValue = true
                while true {
                    if needValue {
                        skipSpace()
                        guard i < n else {
                            if nodes.isEmpty && stack.isEmpty { throw fail("empty file", at: n) }
                            try eof("expected a value")
                        }
                        let b = p[i]
                        if let top = stack.last { nodes[Int(top)].count += 1 }
                        switch b {
                        case 0x7B, 0x5B:
                            if stack.count >= maxDepth {
                                throw fail("nesting deeper than \(JSONDocument.maxDepth) levels", at: i,
                                           help: "this is not an Azure export; it may be hostile input")
                            }
                            let isObject = b == 0x7B
                            nodes.append(JSONNode(start: UInt32(i), end: 0, next: 0, parent: parentIndex(), count: 0,
                                                  kind: isObject ? .object : .array, flag: false))
                            stack.append(UInt32(nodes.count - 1))
                            i += 1
                            skipSpace()
                            guard i < n else { try eof(isObject ? "expected `}`" : "expected `]`") }
                            if isObject {
                                if p[i] == 0x7D { i += 1; close(); needValue = false; break }
                                try readKey()
                            } else if p[i] == 0x5D {
                                i += 1; close(); needValue = false; break
                            }
                            continue
                        case 0x22:
                            var s = try scanString(); s.next = UInt32(nodes.count + 1); nodes.append(s)
                        case 0x2D, 0x30...0x39:
                            var s = try scanNumber(); s.next = UInt32(nodes.count + 1); nodes.append(s)
                        case 0x74:
                            var s = try scanLiteral(JSONParser.trueBytes, kind: .bool, flag: true); s.next = UInt32(nodes.count + 1); nodes.append(s)
                        case 0x66:
                            var s = try scanLiteral(JSONParser.falseBytes, kind: .bool, flag: false); s.next = UInt32(nodes.count + 1); nodes.append(s)
                        case 0x6E:
                            var s = try scanLiteral(JSONParser.nullBytes, kind: .null, flag: false); s.next = UInt32(nodes.count + 1); nodes.append(s)
                        case 0x5D where stack.last.map({ nodes[Int($0)].kind == .array }) ?? false:
                            throw fail("trailing comma before `]`", at: i, help: "remove the comma after the last element")
                        default:
                            throw fail("unexpected \(describe(i)): expected a JSON value", at: i,
                                       help: "JSON has no NaN, Infinity, comments or single quotes")
                        }
                        needValue = false
                    }
                    // After a value.
                    guard let top = stack.last else { break }
                    skipSpace()
                    guard i < n else { try eof(nodes[Int(top)].kind == .object ? "expected `,` or `}`" : "expected `,` or `]`") }
                    let b = p[i]
                    if nodes[Int(top)].kind == .object {
                        if b == 0x2C { i += 1; try readKey(); needValue = true }
                        else if b == 0x7D { i += 1; close() }
                        else { throw fail("expected `,` or `}` in object, found \(describe(i))", at: i) }
                    } else {
                        if b == 0x2C { i += 1; needValue = true }
                        else if b == 0x5D { i += 1; close() }
                        else { throw fail("expected `,` or `]` in array, found \(describe(i))", at: i) }
                    }
                }
                skipSpace()
                if i < n {
                    if truncationAllowed { trailing = p[i] } else {
                        throw fail("unexpected \(describe(i)) after the JSON value", at: i,
                                   help: p[i] == 0x7B ? "several JSON values in one file: is this JSON Lines?" : nil)
                    }
                }
            } catch is Truncated {
                // Prefix parse: drop a dangling object key, close every open container, recount.
                if let top = stack.last, nodes[Int(top)].kind == .object {
                    var c = Int(top) + 1, children = 0, lastKey = -1
                    while c < nodes.count {
                        if children % 2 == 0 { lastKey = c }
                        children += 1
                        c = Int(nodes[c].next)
                    }
                    if children % 2 == 1, lastKey >= 0 { nodes.removeLast(nodes.count - lastKey) }
                }
                var closed: [Int] = []
                while let top = stack.last { closed.append(Int(top)); close() }
                for idx in closed {
                    var c = idx + 1, children: UInt32 = 0
                    while c < Int(nodes[idx].next) { children += 1; c = Int(nodes[c].next) }
                    nodes[idx].count = nodes[idx].kind == .object ? children / 2 : children
                }
                if nodes.isEmpty { throw fail("unexpected end of file: the first value is cut off", at: n) }
            }
    
        }
    }
}

@inline(__always) func isHexDigit(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
}
