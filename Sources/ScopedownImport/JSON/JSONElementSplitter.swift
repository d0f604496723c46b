import ScopedownCore

/// One element handed out by `JSONElementSplitter`: the raw bytes of one top-level array element or
/// one JSON-Lines value, with where it starts in the input.
package struct JSONElement: Sendable {
    public var bytes: [UInt8]
    /// 0-based position among the elements.
    public var index: Int
    /// Byte offset of the element's first byte in the (decompressed) input.
    public var byteOffset: Int
    /// 1-based line and column of the element's first byte.
    public var line: Int
    public var column: Int
    /// Containers open around the element (1 in a top-level array, 0 for a JSON Lines value).
    public var enclosingDepth = 0

    /// Parses the element as a JSON document. Positions in diagnostics and `JSONValue.location` are
    /// the element's position in the whole input; paths start with `pathPrefix` (e.g. `$[12]`).
    public func parse(file: String, pathPrefix: String? = nil) throws -> JSONDocument {
        try JSONDocument.parse(bytes, file: file,
                               origin: JSONDocument.Origin(line: line, column: column, path: pathPrefix ?? "$", depth: enclosingDepth))
    }
}

/// Hands out the elements of a huge JSON array (`[ {...}, {...} ]`), or the values of a JSON Lines
/// / concatenated-JSON stream, one at a time without parsing or holding the whole input: memory is
/// bounded by the largest element (at most `maxElementBytes`) plus one read chunk.
///
/// The splitter only tracks strings, escapes and bracket depth; each element's own syntax is checked
/// when it is parsed (`JSONElement.parse`). Structural errors between elements (a missing comma,
/// text after the closing `]`, an element cut off by the end of the input) are reported with
/// line:column.
package struct JSONElementSplitter {
    public enum Mode: Sendable, Equatable {
        /// Decide from the first byte: `[` = array, anything else = JSON Lines.
        case automatic
        /// Elements of one top-level array.
        case array
        /// Top-level values separated by whitespace (JSON Lines, concatenated JSON).
        case lines
    }

    public let file: String
    public private(set) var mode: Mode
    public var maxElementBytes = 256 << 20
    private let source: ByteStream
    private var buffer: [UInt8] = []
    private var pos = 0
    private var base = 0          // input offset of buffer[0]
    private var line = 1
    private var lineStart = 0     // input offset of the current line's first byte
    private var ended = false
    /// Characters of the current line dropped from the buffer by compaction (`carryLine` = its line).
    private var carry = 0
    private var carryLine = -1
    private var started = false
    private var finished = false
    private var count = 0
    private let chunkSize: Int
    /// The column of the last element start, so the next one on the same line counts only the
    /// characters in between (elements of a one-line array stay linear, not quadratic).
    private var columnCacheLine = -1
    private var columnCacheOffset = 0
    private var columnCacheValue = 1

    public init(_ source: ByteStream, mode: Mode = .automatic, chunkSize: Int = 4 << 20) {
        self.source = source
        self.file = source.displayName
        self.mode = mode
        self.chunkSize = chunkSize
    }

    /// Total bytes consumed so far (for progress reports).
    public var bytesConsumed: Int { base + pos }

    private mutating func fill() throws -> Bool {
        if ended { return false }
        // Compact: drop consumed bytes before reading more.
        if pos > 0 {
            let dropped = characters(from: max(lineStart - base, 0), to: pos)
            if carryLine == line && lineStart < base { carry += dropped } else { carry = dropped; carryLine = line }
            buffer.removeSubrange(0..<pos)
            base += pos
            pos = 0
        }
        let chunk = try source.read(max: chunkSize)
        if chunk.isEmpty { ended = true; return false }
        buffer.append(contentsOf: chunk)
        return true
    }

    private func diagnostic(_ message: String, at offset: Int, help: String? = nil) -> Diagnostic {
        Diagnostic.error(message, file: file, line: line, column: columnOf(offset), help: help)
    }

    private func characters(from: Int, to: Int) -> Int {
        var n = 0
        var i = from
        while i < to && i < buffer.count { if buffer[i] & 0xC0 != 0x80 { n += 1 }; i += 1 }
        return n
    }

    /// Column in characters of an input offset on the current line (counting bytes already dropped).
    private func columnOf(_ offset: Int) -> Int {
        if carryLine == line && lineStart < base {
            return 1 + carry + characters(from: 0, to: offset - base)
        }
        return 1 + characters(from: max(lineStart - base, 0), to: offset - base)
    }

    /// `columnOf` for element starts, which come in increasing order: resumes from the previous
    /// element's column when it is on the same line and still in the buffer.
    private mutating func elementColumn(_ offset: Int) -> Int {
        let column: Int
        if columnCacheLine == line, columnCacheOffset >= base, offset >= columnCacheOffset {
            column = columnCacheValue + characters(from: columnCacheOffset - base, to: offset - base)
        } else {
            column = columnOf(offset)
        }
        (columnCacheLine, columnCacheOffset, columnCacheValue) = (line, offset, column)
        return column
    }

    /// Skips whitespace (and a leading BOM); returns the next byte without consuming it, or nil at end.
    private mutating func peekNonSpace() throws -> UInt8? {
        while true {
            while pos < buffer.count {
                let b = buffer[pos]
                if b == 0x0A { line += 1; pos += 1; lineStart = base + pos }
                else if b == 0x20 || b == 0x0D || b == 0x09 { pos += 1 }
                else if base + pos == 0, b == 0xEF { // BOM
                    if buffer.count < 3, try fill() { continue }
                    if buffer.count >= pos + 3, buffer[pos + 1] == 0xBB, buffer[pos + 2] == 0xBF { pos += 3; lineStart = 3 } else { return b }
                }
                else { return b }
            }
            if try !fill() { return nil }
        }
    }

    /// The next element, or nil at the end of the input.
    public mutating func next() throws -> JSONElement? {
        if finished { return nil }
        if !started {
            started = true
            guard let first = try peekNonSpace() else {
                finished = true
                throw Diagnostic.error("empty file", file: file)
            }
            if mode == .automatic { mode = first == 0x5B ? .array : .lines }
            if mode == .array {
                guard first == 0x5B else { throw diagnostic("expected `[` at the start of a JSON array", at: base + pos) }
                pos += 1
                guard let b = try peekNonSpace() else { throw diagnostic("unexpected end of file: expected `]`", at: base + pos) }
                if b == 0x5D { pos += 1; try finishArray(); return nil }
            }
        } else if mode == .array {
            guard let b = try peekNonSpace() else { throw diagnostic("unexpected end of file: expected `,` or `]`", at: base + pos, help: "the file looks truncated") }
            if b == 0x5D { pos += 1; try finishArray(); return nil }
            guard b == 0x2C else { throw diagnostic("expected `,` or `]` between array elements, found `\(Character(Unicode.Scalar(b)))`", at: base + pos) }
            pos += 1
            guard let c = try peekNonSpace() else { throw diagnostic("unexpected end of file: expected a value", at: base + pos, help: "the file looks truncated") }
            if c == 0x5D { throw diagnostic("trailing comma before `]`", at: base + pos, help: "remove the comma after the last element") }
        }
        if mode == .lines {
            guard try peekNonSpace() != nil else { finished = true; return nil }
        }
        return try scanElement()
    }

    private mutating func finishArray() throws {
        finished = true
        if let b = try peekNonSpace() {
            throw diagnostic("unexpected `\(Character(Unicode.Scalar(b)))` after the closing `]`", at: base + pos)
        }
    }

    /// Scans one value starting at `pos` (a non-space byte) and returns its bytes.
    private mutating func scanElement() throws -> JSONElement {
        let startOffset = base + pos
        let startLine = line
        let startColumn = elementColumn(startOffset)
        var depth = 0
        var inString = false
        var escaped = false
        var i = pos
        var scalar = false
        if pos < buffer.count {
            let b = buffer[pos]
            scalar = b != 0x7B && b != 0x5B && b != 0x22
        }
        scan: while true {
            var state = ScanState(depth: depth, inString: inString, escaped: escaped, line: line, lineStart: lineStart)
            let outcome = buffer.withUnsafeBufferPointer { p in
                Self.scan(p, from: i, base: base, scalar: scalar, state: &state)
            }
            (depth, inString, escaped, line, lineStart) = (state.depth, state.inString, state.escaped, state.line, state.lineStart)
            switch outcome {
            case .done(let end):
                i = end
                break scan
            case .unbalanced(let at, let b):
                throw diagnostic("unbalanced `\(Character(Unicode.Scalar(b)))`", at: base + at)
            case .needMore(let end):
                i = end
            }
            if i - pos > maxElementBytes {
                throw Diagnostic.error("element \(count) is larger than \(maxElementBytes >> 20) MiB", file: file,
                                       line: startLine, column: startColumn)
            }
            let consumed = i - pos
            if try !fill() {
                if scalar && consumed > 0 { break scan }
                // Parse what there is for a precise message (where the text stops, and what was expected).
                var partial = JSONElement(bytes: Array(buffer[pos..<buffer.count]), index: count, byteOffset: startOffset,
                                          line: startLine, column: startColumn)
                partial.enclosingDepth = mode == .array ? 1 : 0
                _ = try partial.parse(file: file, pathPrefix: mode == .array ? "$[\(count)]" : nil)
                throw Diagnostic.error("unexpected end of file inside element \(count)", file: file, line: startLine,
                                       column: startColumn, help: "the file looks truncated")
            }
            i = pos + consumed
        }
        let bytes = Array(buffer[pos..<i])
        pos = i
        var element = JSONElement(bytes: bytes, index: count, byteOffset: startOffset, line: startLine, column: startColumn)
        element.enclosingDepth = mode == .array ? 1 : 0
        count += 1
        return element
    }

    private struct ScanState {
        var depth: Int
        var inString: Bool
        var escaped: Bool
        var line: Int
        var lineStart: Int
    }

    private enum ScanOutcome {
        case done(Int)
        case needMore(Int)
        case unbalanced(Int, UInt8)
    }

    /// The hot loop: tracks strings, escapes, depth and newlines over the buffered bytes.
    private static func scan(_ p: UnsafeBufferPointer<UInt8>, from start: Int, base: Int, scalar: Bool,
                             state: inout ScanState) -> ScanOutcome {
        var i = start
        let n = p.count
        var depth = state.depth, inString = state.inString, escaped = state.escaped
        var line = state.line, lineStart = state.lineStart
        defer {
            state.depth = depth; state.inString = inString; state.escaped = escaped
            state.line = line; state.lineStart = lineStart
        }
        while i < n {
            let b = p[i]
            if inString {
                if escaped { escaped = false }
                else if b == 0x5C { escaped = true }
                else if b == 0x22 { inString = false; if depth == 0 { return .done(i + 1) } }
                else if b == 0x0A { line += 1; lineStart = base + i + 1 }
            } else if scalar {
                if b == 0x2C || b == 0x5D || b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x7D { return .done(i) }
            } else {
                switch b {
                case 0x22: inString = true
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D:
                    depth -= 1
                    if depth == 0 { return .done(i + 1) }
                    if depth < 0 { return .unbalanced(i, b) }
                case 0x0A: line += 1; lineStart = base + i + 1
                default: break
                }
            }
            i += 1
        }
        return .needMore(i)
    }
}
