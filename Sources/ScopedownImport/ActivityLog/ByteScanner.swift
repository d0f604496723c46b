// A byte-level JSON scanner that walks one record and extracts only the fields the usage import
// needs, without building a tree. It validates the structure it walks (strings
// terminate, brackets match, members and elements are well formed, numbers and literals are
// spelled as RFC 8259 writes them, nesting is bounded) so that truncated or corrupt input is an
// error, line by line.

#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// An error met while scanning: a byte offset in the scanned buffer and a lower-case message.
package struct ActivityScanError: Error, Sendable, Equatable {
    public var offset: Int
    public var message: String
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }
}

@inline(__always) func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for k in 0..<n where a[k] != b[k] { return false }
    return true
}

/// An object key's bytes (escapes decoded).
struct ActivityKey {
    let base: UnsafePointer<UInt8>
    let start: Int
    let end: Int

    @inline(__always) var count: Int { end - start }

    /// Case-insensitive comparison with an ASCII literal given lower-case.
    @inline(__always) func `is`(_ lit: StaticString) -> Bool { asciiEqualsLower(base, start, end, lit) }
}

/// True when `base[start..<end]` equals `lit` (given lower-case), ASCII letters compared without case.
@inline(__always) func asciiEqualsLower(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ lit: StaticString) -> Bool {
    let n = lit.utf8CodeUnitCount
    guard end - start == n else { return false }
    let l = lit.utf8Start
    if n >= 8 {
        // eight bytes at a time, the last word first: the keys that share a length often share a
        // long prefix too (the claim URIs, `http://schemas.microsoft.com/...`) and differ at the end
        let key = UnsafeRawPointer(base + start), want = UnsafeRawPointer(l)
        @inline(__always) func same(_ k: Int) -> Bool {
            ActivityHash.lowercased(key.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                == want.loadUnaligned(fromByteOffset: k, as: UInt64.self)
        }
        if !same(n - 8) { return false }
        var k = 0
        while k < n - 8 {
            if !same(k) { return false }
            k += 8
        }
        return true
    }
    for k in 0..<n {
        var c = base[start + k]
        if c >= 0x41 && c <= 0x5A { c |= 0x20 }
        if c != l[k] { return false }
    }
    return true
}

/// A view of bytes with a cursor. All reads are bounds-checked against `end`.
struct ActivityByteCursor {
    let base: UnsafePointer<UInt8>
    let end: Int
    var pos: Int
    /// The string index of the bytes (built by `ActivityStringIndex.build` over a range that holds
    /// `pos..<end`), or nil: strings are then found byte by byte.
    let index: ActivityStringIndex.View?
    /// Containers open around `pos` (those `forEachMember` / `forEachElement` are inside): the
    /// nesting limit counts from the top of the record's text, not from a skipped value.
    var depth = 0

    init(_ base: UnsafePointer<UInt8>, start: Int, end: Int, index: ActivityStringIndex.View? = nil) {
        self.base = base
        self.pos = start
        self.end = end
        self.index = index
    }

    @inline(__always) var atEnd: Bool { pos >= end }
    @inline(__always) func byte(_ i: Int) -> UInt8 { base[i] }

    @inline(__always) mutating func skipWhitespace() {
        // (every whitespace byte is at most 0x20: one test when there is none, the common case)
        if pos < end && base[pos] <= 0x20 { skipWhitespaceRun() }
    }

    private mutating func skipWhitespaceRun() {
        while pos < end {
            let b = base[pos]
            if b == 0x20 || b == 0x0D || b == 0x09 {
                pos += 1
            } else if b == 0x0A {
                // a pretty-printed document's indentation, eight spaces at a time
                pos = spaces(from: pos + 1)
            } else {
                return
            }
        }
    }

    /// The first offset at or after `i` that is not a space (`end` at most), eight bytes at a time.
    @inline(__always) func spaces(from i: Int) -> Int {
        var i = i
        let raw = UnsafeRawPointer(base)
        while i + 8 <= end {
            let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ 0x2020_2020_2020_2020
            if x != 0 { return i + x.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end && base[i] == 0x20 { i += 1 }
        return i
    }

    @inline(__always) func peek() -> UInt8? { pos < end ? base[pos] : nil }

    @inline(__always) mutating func expect(_ b: UInt8, _ what: StaticString) throws {
        if pos < end && base[pos] == b { pos += 1; return }
        try expectAfterWhitespace(b, what)
    }

    @inline(never) mutating func expectAfterWhitespace(_ b: UInt8, _ what: StaticString) throws {
        skipWhitespace()
        guard pos < end else { throw ActivityScanError(offset: pos, message: "unexpected end of input, expected \(what)") }
        guard base[pos] == b else { throw ActivityScanError(offset: pos, message: "expected \(what)") }
        pos += 1
    }

    /// Reads a string whose opening quote is at `pos`. Returns the raw content range (without
    /// quotes) and whether it contains escapes. Control characters and escapes that RFC 8259 does
    /// not spell are rejected, the first in the string's order.
    @inline(__always)
    mutating func readStringRange() throws -> (start: Int, end: Int, escaped: Bool) {
        guard pos < end, base[pos] == 0x22 else { throw ActivityScanError(offset: pos, message: "expected a string") }
        if let index { return try indexedStringRange(index) }
        return try scanStringRange()
    }

    /// readStringRange by the index: the closing quote is the first quote after `pos` that is not
    /// preceded by an odd run of backslashes (the same quote the byte loop stops at: a run of
    /// backslashes cannot start before the opening quote).
    @inline(__always)
    private mutating func indexedStringRange(_ x: ActivityStringIndex.View) throws -> (start: Int, end: Int, escaped: Bool) {
        let close = x.quote(after: pos)
        var escaped = false
        if x.backslashes != nil || x.controls != nil {
            // a line with a backslash or a control character somewhere: the string's checks, out of line
            escaped = try Self.checkString(base, end: end, origin: x.origin, backslashes: x.backslashes, controls: x.controls,
                                           open: pos, close: close)
        }
        guard close < end else { throw ActivityScanError(offset: pos, message: "unterminated string") }
        let start = pos + 1
        pos = close + 1
        return (start, close, escaped)
    }

    /// The escapes and control characters of the string whose quotes are at `open` and `close`, by
    /// the index's masks, the first error in the string's order; true when it has escapes.
    @inline(never)
    private static func checkString(_ base: UnsafePointer<UInt8>, end: Int, origin: Int, backslashes: UnsafePointer<UInt64>?,
                                    controls: UnsafePointer<UInt64>?, open: Int, close: Int) throws -> Bool {
        typealias View = ActivityStringIndex.View
        let stop = min(close, end)
        let control = controls.flatMap { View.first($0, origin: origin, from: open + 1, to: stop) }
        var escaped = false
        if let b = backslashes, var at = View.first(b, origin: origin, from: open + 1, to: stop) {
            escaped = true
            // the escapes before the first control character (an escaped byte is not one in the
            // mask); a backslash before `next` is the escaped byte of the previous escape (`\\`)
            let to = control ?? stop
            var next = at
            while at < to {
                if at >= next { next = try escapeEnd(base, end, at) }
                guard let following = View.first(b, origin: origin, from: at + 1, to: to) else { break }
                at = following
            }
        }
        if let control { throw ActivityScanError(offset: control, message: "control character in string") }
        return escaped
    }

    /// readStringRange byte by byte (eight at a time).
    private mutating func scanStringRange() throws -> (start: Int, end: Int, escaped: Bool) {
        let start = pos + 1
        var i = start
        var escaped = false
        let raw = UnsafeRawPointer(base)
        while true {
            // eight bytes at a time while none is a quote, a backslash or a control character (SWAR)
            while i + 8 <= end {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let q = w ^ 0x2222_2222_2222_2222, b = w ^ 0x5C5C_5C5C_5C5C_5C5C
                let hits = ((q &- 0x0101_0101_0101_0101) & ~q) | ((b &- 0x0101_0101_0101_0101) & ~b)
                    | ((w &- 0x2020_2020_2020_2020) & ~w)
                if hits & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            guard i < end else { break }
            let c = base[i]
            if c == 0x22 {
                pos = i + 1
                return (start, i, escaped)
            }
            if c == 0x5C {
                escaped = true
                i = try Self.escapeEnd(base, end, i)
                continue
            }
            if c < 0x20 { throw ActivityScanError(offset: i, message: "control character in string") }
            i += 1
        }
        throw ActivityScanError(offset: start - 1, message: "unterminated string")
    }

    /// The offset after the escape whose backslash is at `i`, checked as RFC 8259 spells escapes
    /// (`\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t` `\uXXXX`). A backslash that ends the line is
    /// left for the caller (an unterminated string).
    @inline(__always) static func escapeEnd(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: Int) throws -> Int {
        guard i + 1 < end else { return i + 2 }
        switch base[i + 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
            return i + 2
        case 0x75:
            guard hex4(base, i + 2, end) != nil else {
                throw ActivityScanError(offset: i, message: "invalid \\u escape: expected 4 hex digits")
            }
            return i + 6
        case let e:
            // the parser's wording: a byte that is not printable ASCII shows as `?`
            let shown = e >= 0x20 && e < 0x7F ? String(UnicodeScalar(e)) : "?"
            throw ActivityScanError(offset: i, message: "invalid escape `\\\(shown)` in string")
        }
    }

    /// Skips one value of any kind starting at `pos` (after whitespace). Brackets must match;
    /// nesting deeper than 512 is an error (a nesting bomb must not exhaust anything).
    @inline(__always) mutating func skipValue() throws {
        if pos < end && base[pos] == 0x22 { _ = try readStringRange(); return }
        try skipOtherValue()
    }

    @inline(never) mutating func skipOtherValue() throws {
        skipWhitespace()
        guard pos < end else { throw ActivityScanError(offset: pos, message: "unexpected end of input, expected a value") }
        switch base[pos] {
        case 0x22:
            _ = try readStringRange()
        case 0x7B, 0x5B:
            try skipContainer()
        default:
            try skipScalar()
        }
    }

    /// Skips a number or a literal (`true`, `false`, `null`) at `pos`, checked as RFC 8259 writes
    /// them; what follows it is for the caller to check.
    @inline(__always) mutating func skipScalar() throws {
        let b = base[pos]
        switch b {
        case 0x74: try skipLiteral("true")
        case 0x66: try skipLiteral("false")
        case 0x6E: try skipLiteral("null")
        case 0x2D, 0x30...0x39: try skipNumber()
        default: throw ActivityScanError(offset: pos, message: "unexpected character `\(Self.printable(c: b))`")
        }
    }

    private mutating func skipLiteral(_ lit: StaticString) throws {
        let n = lit.utf8CodeUnitCount
        guard pos + n <= end, memcmpBytes(base + pos, lit.utf8Start, n),
              pos + n == end || !Self.isWordByte(base[pos + n]) else {
            throw ActivityScanError(offset: pos, message: "unexpected character `\(Self.printable(c: base[pos]))`: expected a JSON value")
        }
        pos += n
    }

    @inline(__always) static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x2E || c == 0x2B || c == 0x2D || c == 0x5F || c >= 0x80
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func skipNumber() throws {
        let start = pos
        var i = pos
        @inline(__always) func digits() -> Bool {
            let s = i
            while i < end, base[i] >= 0x30 && base[i] <= 0x39 { i += 1 }
            return i > s
        }
        if base[i] == 0x2D { i += 1 }
        guard i < end, base[i] >= 0x30 && base[i] <= 0x39 else { throw badNumber(start) }
        if base[i] == 0x30 { i += 1 } else { _ = digits() }
        if i < end, base[i] == 0x2E {
            i += 1
            guard digits() else { throw badNumber(start) }
        }
        if i < end, base[i] | 0x20 == 0x65 {
            i += 1
            if i < end, base[i] == 0x2B || base[i] == 0x2D { i += 1 }
            guard digits() else { throw badNumber(start) }
        }
        if i < end, Self.isWordByte(base[i]) { throw badNumber(start) }
        pos = i
    }

    private func badNumber(_ at: Int) -> ActivityScanError {
        ActivityScanError(offset: at, message: "malformed number")
    }

    static func printable(c: UInt8) -> String {
        if c >= 0x20 && c < 0x7F { return String(UnicodeScalar(c)) }
        return "\\u{\(String(c, radix: 16))}"
    }

    /// Skips an object or array at `pos`, checked as strictly as a parser reads it (RFC 8259:
    /// members are `"key": value` separated by commas, values are strings, numbers, literals or
    /// containers) without building anything; nesting deeper than 512 levels is an error.
    mutating func skipContainer() throws {
        // the open brackets as bits (1: `{`), the first 64 levels in a register, deeper ones in an array
        var shallow: UInt64 = 0
        var deep: [Bool] = []
        var depth = 0
        let start = pos
        // what may come next: a value (or the closer of an empty array), a key (or the closer of
        // an empty object), `:`, or `,` / the closer
        var want = Want.value
        let maxDepth = 512 - self.depth
        @inline(__always) func inObject() -> Bool {
            depth <= 64 ? shallow & (1 << UInt64(depth - 1)) != 0 : (deep.last ?? false)
        }
        while pos < end {
            let b = base[pos]
            switch b {
            case 0x0A:
                pos = spaces(from: pos + 1)
                continue
            case 0x20, 0x0D, 0x09:
                break
            case 0x22:
                switch want {
                case .value, .valueOrClose: want = .commaOrClose
                case .key, .keyOrClose: want = .colon
                default: throw unexpected(b)
                }
                if let x = index {
                    // a string without a control character or backslash in it (by the masks) is
                    // skipped by its closing quote alone (what readStringRange finds, less the checks
                    // that cannot fail); one with either is read, escapes checked
                    let close = x.quote(after: pos)
                    if x.plain(from: pos + 1, to: close) {
                        guard close < end else { throw ActivityScanError(offset: pos, message: "unterminated string") }
                        pos = close + 1
                        continue
                    }
                }
                _ = try readStringRange()
                continue
            case 0x7B, 0x5B:
                guard want == .value || want == .valueOrClose else { throw unexpected(b) }
                if depth >= maxDepth { throw ActivityScanError(offset: pos, message: "nesting deeper than 512 levels") }
                if depth < 64 {
                    if b == 0x7B { shallow |= 1 << UInt64(depth) } else { shallow &= ~(1 << UInt64(depth)) }
                } else {
                    deep.append(b == 0x7B)
                }
                depth += 1
                want = b == 0x7B ? .keyOrClose : .valueOrClose
            case 0x7D, 0x5D:
                guard depth > 0, inObject() == (b == 0x7D) else {
                    throw ActivityScanError(offset: pos, message: "mismatched `\(Self.printable(c: b))`")
                }
                guard want == .commaOrClose || (want == .keyOrClose && b == 0x7D) || (want == .valueOrClose && b == 0x5D) else {
                    throw unexpected(b)
                }
                depth -= 1
                if depth >= 64 { deep.removeLast() }
                if depth == 0 {
                    pos += 1
                    return
                }
                want = .commaOrClose
            case 0x3A:
                guard want == .colon else { throw unexpected(b) }
                want = .value
            case 0x2C:
                guard want == .commaOrClose else { throw unexpected(b) }
                want = inObject() ? .key : .value
            default:
                guard want == .value || want == .valueOrClose else { throw unexpected(b) }
                try skipScalar()
                want = .commaOrClose
                continue
            }
            pos += 1
        }
        throw ActivityScanError(offset: start, message: "unexpected end of input inside this \(base[start] == 0x7B ? "object" : "array")")
    }

    enum Want { case value, valueOrClose, key, keyOrClose, colon, commaOrClose }

    private func unexpected(_ b: UInt8) -> ActivityScanError {
        ActivityScanError(offset: pos, message: "unexpected `\(Self.printable(c: b))`")
    }

    /// Iterates the members of the object whose `{` is at `pos` (after whitespace). `body` gets the
    /// key's raw range and must consume the value (read or skip it) and return.
    mutating func forEachMember(_ body: (inout ActivityByteCursor, ActivityKey) throws -> Void) throws {
        try expect(0x7B, "`{`")
        depth += 1
        defer { depth -= 1 }
        skipWhitespace()
        if pos < end, base[pos] == 0x7D { pos += 1; return }
        while true {
            skipWhitespace()
            let key = try readStringRange()
            try expect(0x3A, "`:`")
            skipWhitespace()
            let before = pos
            if key.escaped {
                // an escaped key (`"http:\/\/schemas..."` as some serializers write it): compare decoded
                let decoded = try unescaped(key.start, key.end)
                try decoded.withUnsafeBufferPointer { d in
                    guard let p = d.baseAddress else { return }
                    try body(&self, ActivityKey(base: p, start: 0, end: d.count))
                }
            } else {
                try body(&self, ActivityKey(base: base, start: key.start, end: key.end))
            }
            if pos == before { try skipValue() }
            skipWhitespace()
            guard pos < end else { throw ActivityScanError(offset: pos, message: "unexpected end of input inside an object") }
            let c = base[pos]
            pos += 1
            if c == 0x2C { continue }
            if c == 0x7D { return }
            throw ActivityScanError(offset: pos - 1, message: "expected `,` or `}`")
        }
    }

    /// The fast path of `forEachMember` for an object of string members only (the `claims` object,
    /// about half of a diagnostic-archive record): with the string index, no whitespace, no escapes
    /// and no control characters in the object, each member is four quote look-ups and three byte
    /// checks. Returns the value range of the last member whose key `matches` and whose value is not
    /// empty (what the member-by-member walk would keep), or `.unsure` (pos unchanged) for anything
    /// else, to be walked by `forEachMember`.
    enum FlatMemberResult { case unsure, found(start: Int, end: Int), absent }

    @inline(__always)
    mutating func lastFlatStringMember(where matches: (_ keyStart: Int, _ keyEnd: Int) -> Bool) -> FlatMemberResult {
        guard let x = index else { return .unsure }
        guard pos + 1 < end, base[pos] == 0x7B, base[pos + 1] == 0x22 else { return .unsure }
        // the quotes one after another from the mask words: the next quote depends on the previous
        // one through one bit operation only
        let rel = pos + 1 - x.origin
        var n = rel >> 6
        var m = x.quotes[n] & (~UInt64(0) &<< UInt64(rel & 63))
        @inline(__always) func next() -> Int {
            while m == 0 {
                n &+= 1
                m = x.quotes[n]
            }
            let q = x.origin &+ n &<< 6 &+ m.trailingZeroBitCount
            m &= m &- 1
            return q
        }
        var p = next() // the opening quote of the first key (pos + 1)
        var found: (start: Int, end: Int)? = nil
        while true {
            let keyEnd = next()
            guard keyEnd + 2 < end, base[keyEnd + 1] == 0x3A, base[keyEnd + 2] == 0x22 else { return .unsure }
            let valueOpen = next() // keyEnd + 2
            let valueEnd = next()
            guard valueEnd + 1 < end else { return .unsure }
            if valueEnd > valueOpen + 1 && matches(p + 1, keyEnd) { found = (valueOpen + 1, valueEnd) }
            let c = base[valueEnd + 1]
            if c == 0x2C {
                guard valueEnd + 2 < end, base[valueEnd + 2] == 0x22 else { return .unsure }
                p = next() // valueEnd + 2
                continue
            }
            guard c == 0x7D else { return .unsure }
            // escapes (the key or value bytes would need decoding) or control characters (an
            // error) anywhere in the object: walk it member by member. Every quote met above is
            // one the member walk meets too: each follows `{`, `:` or `,`, so it is not escaped.
            if let b = x.backslashes, ActivityStringIndex.View.first(b, origin: x.origin, from: pos, to: valueEnd) != nil {
                return .unsure
            }
            if let c = x.controls, ActivityStringIndex.View.first(c, origin: x.origin, from: pos, to: valueEnd) != nil {
                return .unsure
            }
            pos = valueEnd + 2
            if let found { return .found(start: found.start, end: found.end) }
            return .absent
        }
    }

    /// Iterates the elements of the array whose `[` is at `pos`. `body` must consume the element.
    mutating func forEachElement(_ body: (inout ActivityByteCursor) throws -> Void) throws {
        try expect(0x5B, "`[`")
        depth += 1
        defer { depth -= 1 }
        skipWhitespace()
        if pos < end, base[pos] == 0x5D { pos += 1; return }
        while true {
            skipWhitespace()
            let before = pos
            try body(&self)
            if pos == before { try skipValue() }
            skipWhitespace()
            guard pos < end else { throw ActivityScanError(offset: pos, message: "unexpected end of input inside an array") }
            let c = base[pos]
            pos += 1
            if c == 0x2C { continue }
            if c == 0x5D { return }
            throw ActivityScanError(offset: pos - 1, message: "expected `,` or `]`")
        }
    }

    /// The bytes of a string's content with escapes decoded (UTF-8). Invalid escapes are errors.
    func unescaped(_ start: Int, _ stop: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(stop - start)
        var i = start
        while i < stop {
            let b = base[i]
            if b != 0x5C { out.append(b); i += 1; continue }
            guard i + 1 < stop else { throw ActivityScanError(offset: i, message: "bad escape") }
            let e = base[i + 1]
            i += 2
            switch e {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard let u = hex4(i, stop) else { throw ActivityScanError(offset: i - 2, message: "bad \\u escape") }
                i += 4
                var scalar = u
                if u >= 0xD800 && u < 0xDC00 {
                    // a high surrogate must be followed by \uDC00-\uDFFF
                    if i + 6 <= stop, base[i] == 0x5C, base[i + 1] == 0x75, let lo = hex4(i + 2, stop), lo >= 0xDC00, lo < 0xE000 {
                        scalar = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                        i += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if u >= 0xDC00 && u < 0xE000 {
                    scalar = 0xFFFD
                }
                appendUTF8(&out, scalar)
            default:
                throw ActivityScanError(offset: i - 2, message: "bad escape")
            }
        }
        return out
    }

    private func hex4(_ i: Int, _ stop: Int) -> UInt32? { Self.hex4(base, i, stop) }

    static func hex4(_ base: UnsafePointer<UInt8>, _ i: Int, _ stop: Int) -> UInt32? {
        guard i + 4 <= stop else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = base[i + k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }

    private func appendUTF8(_ out: inout [UInt8], _ s: UInt32) {
        switch s {
        case 0..<0x80: out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (s >> 6))); out.append(UInt8(0x80 | (s & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (s >> 12))); out.append(UInt8(0x80 | ((s >> 6) & 0x3F))); out.append(UInt8(0x80 | (s & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (s >> 18))); out.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F))); out.append(UInt8(0x80 | (s & 0x3F)))
        }
    }
}

/// A 64-bit hash of bytes (FNV-1a over 8-byte words, then a final avalanche). Used for
/// de-duplication keys and interning; not cryptographic.
package enum ActivityHash {
    @inline(__always) static func mix(_ h: UInt64) -> UInt64 {
        var z = h
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public static func hash(_ p: UnsafePointer<UInt8>, _ count: Int, seed: UInt64 = 0, lowercase: Bool = false) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        var i = 0
        let raw = UnsafeRawPointer(p)
        if !lowercase {
            while i + 8 <= count {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                h = (h ^ w) &* 0x100_0000_01B3
                h ^= h >> 29
                i += 8
            }
        } else {
            while i + 8 <= count {
                let w = lowercased(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                h = (h ^ w) &* 0x100_0000_01B3
                h ^= h >> 29
                i += 8
            }
        }
        while i < count {
            var c = p[i]
            if lowercase, c >= 0x41 && c <= 0x5A { c |= 0x20 }
            h = (h ^ UInt64(c)) &* 0x100_0000_01B3
            i += 1
        }
        return mix(h ^ UInt64(count))
    }

    /// Eight bytes with the ASCII letters A-Z made lower-case (SWAR; other bytes unchanged).
    @inline(__always) static func lowercased(_ w: UInt64) -> UInt64 {
        let low7 = w & 0x7F7F_7F7F_7F7F_7F7F
        let atLeastA = low7 &+ 0x3F3F_3F3F_3F3F_3F3F // bit 7 set where the byte is >= 0x41
        let pastZ = low7 &+ 0x2525_2525_2525_2525 // bit 7 set where the byte is >= 0x5B
        let upper = atLeastA & ~pastZ & ~w & 0x8080_8080_8080_8080
        return w | upper >> 2
    }

    /// The 128-bit product of `a` and `b`, folded (wyhash's mixing step).
    @inline(__always) static func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        return hi ^ lo
    }

    /// The seed of the record de-duplication hash.
    static let recordSeed: UInt64 = 0xE2

    /// The state of `record` after whole 64-byte blocks: four lanes, one multiply per 16 bytes each.
    struct RecordState {
        var a: UInt64, b: UInt64, c: UInt64, d: UInt64
        static let k0: UInt64 = 0xA076_1D64_78BD_642F, k1: UInt64 = 0xE703_7ED1_A0B4_28DB
        static let k2: UInt64 = 0x8EBC_6AF0_9C88_C6E3, k3: UInt64 = 0x5899_65CC_7537_4CC3

        init(seed: UInt64) {
            a = seed ^ mum(seed ^ Self.k0, Self.k1)
            b = a ^ Self.k2
            c = a ^ Self.k3
            d = a ^ Self.k0
        }

        /// One 64-byte block given as eight little-endian words.
        @inline(__always) mutating func block(_ w: (UInt64, UInt64, UInt64, UInt64), _ v: (UInt64, UInt64, UInt64, UInt64)) {
            a = mum(w.0 ^ Self.k1, w.1 ^ a)
            b = mum(w.2 ^ Self.k2, w.3 ^ b)
            c = mum(v.0 ^ Self.k3, v.1 ^ c)
            d = mum(v.2 ^ Self.k0, v.3 ^ d)
        }

        /// The hash of the `count` bytes whose first `done` (a multiple of 64) went through `block`.
        func finish(_ p: UnsafePointer<UInt8>, done: Int, count: Int) -> UInt64 {
            let raw = UnsafeRawPointer(p)
            @inline(__always) func word(_ i: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) }
            var h = mum(a ^ Self.k0, b ^ Self.k1) ^ mum(c ^ Self.k2, d ^ Self.k3)
            var i = done
            while i + 16 <= count {
                h = mum(word(i) ^ Self.k1, word(i + 8) ^ h)
                i += 16
            }
            // the last 0-15 bytes, as two little-endian words zero-padded
            var last: (UInt64, UInt64) = (0, 0)
            let r = count &- i
            if r > 0 && count >= 16 {
                // the 16 bytes that end at `count` as one little-endian 128-bit value, shifted
                // right by the bytes before `i`: the same two words, without a copy
                let lo = word(count &- 16), hi = word(count &- 8)
                let s = UInt64(8 &* (16 &- r)) // 8...120
                if s >= 64 {
                    last = (hi &>> (s &- 64), 0)
                } else {
                    last = ((lo &>> s) | (hi &<< (64 &- s)), hi &>> s)
                }
            } else if r > 0 {
                withUnsafeMutableBytes(of: &last) { t in
                    t.baseAddress?.copyMemory(from: raw + i, byteCount: r)
                }
            }
            h = mum(last.0 ^ Self.k1, last.1 ^ h)
            return mix(mum(Self.k1 ^ UInt64(count), h ^ Self.k0))
        }
    }

    /// A 64-bit hash of a whole record's bytes (the de-duplication key of records without an
    /// `eventDataId`), in the manner of wyhash: one 64x64->128-bit multiply per 16 bytes, on four
    /// independent lanes over 64-byte blocks (so that the multiplies overlap; the string index
    /// computes the blocks of a line while it reads them), then folded and avalanched.
    /// Deterministic; every byte and the length count.
    public static func record(_ p: UnsafePointer<UInt8>, _ count: Int, seed: UInt64 = 0) -> UInt64 {
        var state = RecordState(seed: seed)
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 64 <= count {
            state.block(raw.loadUnaligned(fromByteOffset: i, as: (UInt64, UInt64, UInt64, UInt64).self),
                        raw.loadUnaligned(fromByteOffset: i + 32, as: (UInt64, UInt64, UInt64, UInt64).self))
            i += 64
        }
        return state.finish(p, done: i, count: count)
    }

    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0, lowercase: Bool = false) -> UInt64 {
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return mix(seed ^ 0xCBF2_9CE4_8422_2325) }
            return hash(base, b.count, seed: seed, lowercase: lowercase)
        }
    }

    public static func hash(_ s: String, seed: UInt64 = 0, lowercase: Bool = false) -> UInt64 {
        hash(Array(s.utf8), seed: seed, lowercase: lowercase)
    }

    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 { mix(a ^ (b &* 0x9E37_79B9_7F4A_7C15)) }
}

/// Where the strings of a record are, found 64 bytes at a time before the record is walked (the
/// first stage of simdjson, reduced to what the cursor needs): per 64-byte block, a bit mask of the
/// quotes that are not escaped (not preceded by an odd run of backslashes), of the backslashes, and
/// of the control characters inside strings that are not escaped. The cursor then finds the end of a string, and
/// whether it has escapes or a control character, with a few bit operations instead of a byte loop.
///
/// Pure Swift SIMD on the default target: two `SIMD32<UInt8>` per block compared with `.==`, the
/// lane masks packed into a `UInt64` with a multiply. Backslashes and control characters are rare:
/// a block without any costs one packed mask (the quotes).
final class ActivityStringIndex {
    /// The masks as the cursor reads them. Bit `k` of block `n` is the byte at `origin + 64 n + k`.
    /// `quotes` has one more block than the range, with bit 0 set (a quote past the end).
    struct View {
        let origin: Int
        let blocks: Int
        let quotes: UnsafePointer<UInt64>
        /// nil when the range has no backslash / no control character inside a string (the common case)
        let backslashes: UnsafePointer<UInt64>?
        let controls: UnsafePointer<UInt64>?
        /// `ActivityHash.record` (seed `recordSeed`) of the bytes from `origin`, after the blocks
        /// up to `hashedEnd`: what a record that starts at `origin` and ends at or after
        /// `hashedEnd` finishes from.
        let hash: ActivityHash.RecordState
        let hashedEnd: Int

        /// `ActivityHash.record(base + start, end - start, seed: ActivityHash.recordSeed)`.
        func recordHash(_ base: UnsafePointer<UInt8>, start: Int, end: Int) -> UInt64 {
            if start == origin && end >= hashedEnd { return hash.finish(base + start, done: hashedEnd - start, count: end - start) }
            return ActivityHash.record(base + start, end - start, seed: ActivityHash.recordSeed)
        }

        /// The position of the first quote after `pos` (`origin + 64 * blocks` when none).
        @inline(__always) func quote(after pos: Int) -> Int {
            // wrapping arithmetic: positions are within the indexed range (no overflow checks)
            let rel = pos &+ 1 &- origin
            var n = rel &>> 6
            var m = quotes[n] & (~UInt64(0) &<< UInt64(rel & 63))
            while m == 0 {
                n &+= 1
                m = quotes[n]
            }
            return origin &+ n &<< 6 &+ m.trailingZeroBitCount
        }

        /// True when `from..<to` holds no backslash and no control character (by the masks).
        @inline(__always) func plain(from: Int, to: Int) -> Bool {
            if let b = backslashes, Self.first(b, origin: origin, from: from, to: to) != nil { return false }
            if let c = controls, Self.first(c, origin: origin, from: from, to: to) != nil { return false }
            return true
        }

        /// The first set bit of `masks` in `from..<to` (absolute positions), or nil.
        @inline(__always) static func first(_ masks: UnsafePointer<UInt64>, origin: Int, from: Int, to: Int) -> Int? {
            guard from < to else { return nil }
            let a = from - origin, b = to - origin
            var n = a >> 6
            var m = masks[n] & (~UInt64(0) &<< UInt64(a & 63))
            let last = (b - 1) >> 6
            while true {
                if n == last {
                    let keep = (b & 63) == 0 ? ~UInt64(0) : (UInt64(1) &<< UInt64(b & 63)) &- 1
                    m &= keep
                    return m == 0 ? nil : origin + n << 6 + m.trailingZeroBitCount
                }
                if m != 0 { return origin + n << 6 + m.trailingZeroBitCount }
                n += 1
                m = masks[n]
            }
        }
    }

    /// Ranges longer than this are walked byte by byte (bounded index memory: 3 bits per byte).
    static let maxIndexedBytes = 16 << 20

    private var quotes: UnsafeMutablePointer<UInt64>
    private var backslashes: UnsafeMutablePointer<UInt64>
    private var controls: UnsafeMutablePointer<UInt64>
    private var capacity: Int

    init() {
        capacity = 64
        quotes = .allocate(capacity: capacity)
        backslashes = .allocate(capacity: capacity)
        controls = .allocate(capacity: capacity)
    }

    deinit {
        quotes.deallocate()
        backslashes.deallocate()
        controls.deallocate()
    }

    /// `x`: eight bytes each 0x00 or 0xFF -> eight bits.
    @inline(__always) static func pack8(_ x: UInt64) -> UInt64 {
        ((x & 0x8040_2010_0804_0201) &* 0x0101_0101_0101_0101) >> 56
    }

    /// Bit k: the parity of the set bits of `x` up to and including k (prefix XOR). Applied to a
    /// block's quote bits, it says which bytes lie inside a string.
    @inline(__always) static func prefixParity(_ x: UInt64) -> UInt64 {
        var p = x
        p ^= p << 1
        p ^= p << 2
        p ^= p << 4
        p ^= p << 8
        p ^= p << 16
        p ^= p << 32
        return p
    }

    /// The 32 lanes of `m` as the low 32 bits. On x86_64, SSE2's `pmovmskb` (baseline on every
    /// x86_64 CPU) through Clang's builtin intrinsics module; elsewhere a multiply per 8 lanes.
    @inline(__always) static func pack(_ m: SIMDMask<SIMD32<Int8>>) -> UInt64 {
        #if arch(x86_64)
        let v = unsafeBitCast(m, to: (__m128i, __m128i).self)
        let lo = UInt64(UInt32(bitPattern: _mm_movemask_epi8(v.0)))
        let hi = UInt64(UInt32(bitPattern: _mm_movemask_epi8(v.1)))
        return lo | hi << 16
        #else
        let w = unsafeBitCast(m, to: (UInt64, UInt64, UInt64, UInt64).self)
        return pack8(w.0) | pack8(w.1) << 8 | pack8(w.2) << 16 | pack8(w.3) << 24
        #endif
    }

    /// The bytes below 0x20 (control characters) of a 64-byte block as bits. On x86_64 through
    /// SSE2 (`max(x, 0x1F) == 0x1F`: SSE2 has no unsigned byte compare, and `.<` is emulated
    /// with unpacks, several times slower); elsewhere `.<`.
    @inline(__always) static func controls(_ lo: SIMD32<UInt8>, _ hi: SIMD32<UInt8>) -> UInt64 {
        #if arch(x86_64)
        let a = unsafeBitCast(lo, to: (__m128i, __m128i).self), b = unsafeBitCast(hi, to: (__m128i, __m128i).self)
        let k = _mm_set1_epi8(0x1F)
        @inline(__always) func bits(_ x: __m128i) -> UInt64 {
            UInt64(UInt32(bitPattern: _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(x, k), k))))
        }
        return bits(a.0) | bits(a.1) << 16 | bits(b.0) << 32 | bits(b.1) << 48
        #else
        let space = SIMD32<UInt8>(repeating: 0x20)
        return pack(lo .< space) | pack(hi .< space) << 32
        #endif
    }

    /// True when a 64-byte block holds a backslash or a control character (rare).
    @inline(__always) static func hasBackslashOrControl(_ lo: SIMD32<UInt8>, _ hi: SIMD32<UInt8>) -> Bool {
        #if arch(x86_64)
        let a = unsafeBitCast(lo, to: (__m128i, __m128i).self), b = unsafeBitCast(hi, to: (__m128i, __m128i).self)
        let k = _mm_set1_epi8(0x1F), backslash = _mm_set1_epi8(0x5C)
        @inline(__always) func rare(_ x: __m128i) -> __m128i {
            _mm_or_si128(_mm_cmpeq_epi8(x, backslash), _mm_cmpeq_epi8(_mm_max_epu8(x, k), k))
        }
        return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(rare(a.0), rare(a.1)), _mm_or_si128(rare(b.0), rare(b.1)))) != 0
        #else
        let backslash = SIMD32<UInt8>(repeating: 0x5C), space = SIMD32<UInt8>(repeating: 0x20)
        return any((lo .== backslash) .| (lo .< space) .| (hi .== backslash) .| (hi .< space))
        #endif
    }

    @inline(__always) static func any(_ m: SIMDMask<SIMD32<Int8>>) -> Bool {
        let w = unsafeBitCast(m, to: (UInt64, UInt64, UInt64, UInt64).self)
        return (w.0 | w.1 | w.2 | w.3) != 0
    }

    private func grow(to blocks: Int, keeping used: Int) {
        let bigger = max(capacity * 2, blocks)
        for p in [\ActivityStringIndex.quotes, \.backslashes, \.controls] {
            let fresh = UnsafeMutablePointer<UInt64>.allocate(capacity: bigger)
            fresh.update(from: self[keyPath: p], count: used)
            self[keyPath: p].deallocate()
            self[keyPath: p] = fresh
        }
        capacity = bigger
    }

    /// Indexes `base[start..<end]`; nil when the range is too long to index.
    func build(_ base: UnsafePointer<UInt8>, start: Int, end: Int) -> View? {
        guard end - start <= Self.maxIndexedBytes else { return nil }
        return build(base, start: start, limit: end, stopAtNewline: false).view
    }

    /// Indexes the line that starts at `start` (JSON Lines), finding its end on the way: `lineEnd`
    /// is the offset of the first newline at or after `start`, or `limit`. The view is nil when
    /// the line is too long to index (`lineEnd` is then nil too: find it otherwise).
    func buildLine(_ base: UnsafePointer<UInt8>, start: Int, limit: Int) -> (view: View?, lineEnd: Int?) {
        build(base, start: start, limit: limit, stopAtNewline: true)
    }

    @inline(__always)
    private func build(_ base: UnsafePointer<UInt8>, start: Int, limit: Int, stopAtNewline: Bool) -> (view: View?, lineEnd: Int?) {
        if !stopAtNewline {
            let blocks = (limit - start + 63) >> 6
            if blocks + 1 > capacity { grow(to: blocks + 1, keeping: 0) }
        }
        var anyBackslash: UInt64 = 0, anyControl: UInt64 = 0
        // the backslash and control masks are written from the first block that has any (the
        // blocks before it are zeroed then): most lines have none, and store one mask per block
        var rareFrom = -1
        // 1 when the first byte of the next block is escaped (an odd backslash run ends this block)
        var carry: UInt64 = 0
        // the quote masks of the blocks so far, xor-ed: the parity of its bits is whether the
        // next block starts inside a string (one xor per block; the parity is taken in rare blocks)
        var quoteXor: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        let quote = SIMD32<UInt8>(repeating: 0x22), backslash = SIMD32<UInt8>(repeating: 0x5C)
        let space = SIMD32<UInt8>(repeating: 0x20), newline = SIMD32<UInt8>(repeating: 0x0A)
        var tail = (SIMD32<UInt8>(), SIMD32<UInt8>())
        var hash = ActivityHash.RecordState(seed: ActivityHash.recordSeed)
        var hashing = true
        var hashedEnd = start
        var end = limit
        var n = 0
        var i = start
        var quotes = self.quotes, backslashes = self.backslashes, controls = self.controls
        while i < end {
            if n + 2 > capacity {
                if i - start >= Self.maxIndexedBytes { return (nil, nil) }
                grow(to: n + 2, keeping: n)
                quotes = self.quotes
                backslashes = self.backslashes
                controls = self.controls
            }
            let lo: SIMD32<UInt8>, hi: SIMD32<UInt8>
            if i + 64 <= limit {
                lo = raw.loadUnaligned(fromByteOffset: i, as: SIMD32<UInt8>.self)
                hi = raw.loadUnaligned(fromByteOffset: i + 32, as: SIMD32<UInt8>.self)
            } else {
                // the last partial block, padded with spaces (no quote, backslash or control character)
                tail = (space, space)
                withUnsafeMutableBytes(of: &tail) { t in
                    t.baseAddress?.copyMemory(from: raw + i, byteCount: limit - i)
                }
                lo = tail.0
                hi = tail.1
            }
            var q = Self.pack(lo .== quote) | Self.pack(hi .== quote) << 32
            var wholeBlock = i + 64 <= limit // and (below) before the newline
            // a newline is a control character: it takes the rare path too
            if Self.hasBackslashOrControl(lo, hi) || carry != 0 {
                let backslashBits = Self.pack(lo .== backslash) | Self.pack(hi .== backslash) << 32
                let controlBytes = Self.controls(lo, hi)
                if rareFrom < 0 {
                    rareFrom = n
                    backslashes.initialize(repeating: 0, count: n)
                    controls.initialize(repeating: 0, count: n)
                }
                var b = backslashBits
                var escaped = carry
                carry = 0
                if b != 0 {
                    // simdjson's odd-backslash-sequence trick: the bytes escaped by an odd run
                    let evenBits: UInt64 = 0x5555_5555_5555_5555
                    let starts = b & ~escaped // a backslash escaped by the previous block starts nothing
                    let followsEscape = starts << 1 | escaped
                    let oddStarts = starts & ~evenBits & ~followsEscape
                    let (sum, overflow) = oddStarts.addingReportingOverflow(starts)
                    carry = overflow ? 1 : 0
                    escaped = (evenBits ^ (sum << 1)) & followsEscape
                }
                q &= ~escaped
                // bit k: inside a string after byte k (the quotes' prefix parity); control characters
                // outside strings (a pretty-printed record's newlines and indentation) are whitespace
                // or the walk's error, not the string checks'
                let inside = Self.prefixParity(q) ^ (0 &- UInt64(quoteXor.nonzeroBitCount & 1))
                var c = controlBytes & ~escaped & inside
                if stopAtNewline && controlBytes != 0 {
                    // any newline byte ends the line, escaped or not (lines are cut before parsing)
                    let nl = Self.pack(lo .== newline) | Self.pack(hi .== newline) << 32
                    if nl != 0 {
                        wholeBlock = false
                        let cut = nl.trailingZeroBitCount
                        end = i + cut
                        let keep = (UInt64(1) &<< UInt64(cut)) &- 1
                        q &= keep
                        b &= keep
                        c &= keep
                    }
                }
                quotes[n] = q
                backslashes[n] = b
                controls[n] = c
                anyBackslash |= b
                anyControl |= c
            } else {
                quotes[n] = q
                if rareFrom >= 0 {
                    backslashes[n] = 0
                    controls[n] = 0
                }
            }
            quoteXor ^= q
            if wholeBlock && hashing {
                // the words loaded again from memory (an L1 hit): taken out of the vector
                // registers, they cost more shuffles than the loads
                hash.block(raw.loadUnaligned(fromByteOffset: i, as: (UInt64, UInt64, UInt64, UInt64).self),
                           raw.loadUnaligned(fromByteOffset: i + 32, as: (UInt64, UInt64, UInt64, UInt64).self))
                hashedEnd = i + 64
            } else {
                hashing = false
            }
            n += 1
            i += 64
        }
        quotes[n] = 1
        let view = View(origin: start, blocks: n, quotes: UnsafePointer(quotes),
                        backslashes: anyBackslash == 0 ? nil : UnsafePointer(backslashes),
                        controls: anyControl == 0 ? nil : UnsafePointer(controls),
                        hash: hash, hashedEnd: hashedEnd)
        return (view, end)
    }
}
