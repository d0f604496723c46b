import ScopedownCore

/// A parsed JSON text that remembers where every value came from.
///
/// Strict RFC 8259: no trailing commas, comments, `NaN`/`Infinity`, single quotes, unescaped control
/// characters in strings or invalid escapes. A leading UTF-8 byte-order mark is skipped. Nesting is
/// limited to `maxDepth` (512) so hostile input cannot exhaust memory or the stack (the parser is
/// iterative anyway). Decoding choices, documented in docs/formats.md:
/// - a lone UTF-16 surrogate in a `\u` escape decodes to U+FFFD;
/// - bytes that are not valid UTF-8 inside a string decode to U+FFFD.
///
/// The document is a flat *tape* of nodes (one per value and per object key) over the original bytes;
/// strings and numbers are decoded only when asked for. Every node knows its byte offset and its parent,
/// so an error can name `line:column` and the JSON path without any bookkeeping while decoding.
///
/// A final class (immutable after parsing) so that `JSONValue` handles share one buffer cheaply.
public final class JSONDocument: Sendable {
    public let bytes: [UInt8]
    /// The file name used in diagnostics.
    public let file: String
    let nodes: [JSONNode]
    /// Where this text starts in its file (an element handed out by `JSONElementSplitter`): positions
    /// and paths are reported in the whole file's terms.
    public let origin: Origin

    public struct Origin: Sendable {
        /// 1-based line and column of the text's first byte in the file.
        public var line: Int
        public var column: Int
        /// The JSON path of the text's root in the file (`$[3]` for the fourth array element).
        public var path: String
        /// Containers open around the text in its file (1 for an element of a top-level array): the
        /// depth limit counts them, so an element nests as deep as it may in the whole file.
        public var depth: Int
        public init(line: Int = 1, column: Int = 1, path: String = "$", depth: Int = 0) {
            self.line = line
            self.column = column
            self.path = path
            self.depth = depth
        }
        public static let start = Origin()

        /// Moves a diagnostic computed on the text alone to the file's positions and paths.
        func relocate(_ d: Diagnostic) -> Diagnostic {
            var d = d
            if let l = d.line {
                if l == 1, let c = d.column { d.column = c + column - 1 }
                d.line = l + line - 1
            }
            if path != "$" { d.path = path + String((d.path ?? "$").dropFirst()) }
            return d
        }
    }

    public static let maxDepth = 512

    init(bytes: [UInt8], file: String, nodes: [JSONNode], origin: Origin = .start) {
        self.bytes = bytes
        self.file = file
        self.nodes = nodes
        self.origin = origin
    }

    /// Parses a whole JSON text. Throws a `Diagnostic` with line:column on malformed input.
    public static func parse(_ bytes: [UInt8], file: String) throws -> JSONDocument {
        try parse(bytes, file: file, origin: .start)
    }

    /// Parses a text that starts at `origin` in its file (diagnostics carry the file's positions).
    public static func parse(_ bytes: [UInt8], file: String, origin: Origin) throws -> JSONDocument {
        var parser = JSONParser(bytes: bytes, file: file, allowTruncation: false, maxDepth: maxDepth - origin.depth)
        do {
            let nodes = try parser.parse()
            return JSONDocument(bytes: bytes, file: file, nodes: nodes, origin: origin)
        } catch let d as Diagnostic {
            throw origin.line == 1 && origin.column == 1 && origin.path == "$" ? d : origin.relocate(d)
        }
    }

    /// Parses a prefix of a JSON text (format detection): a value cut off by the end of the prefix
    /// is dropped and every open container is closed. `trailing` tells what follows the first value.
    static func parsePrefix(_ bytes: [UInt8], file: String) throws -> (JSONDocument, trailing: UInt8?) {
        var parser = JSONParser(bytes: bytes, file: file, allowTruncation: true)
        let nodes = try parser.parse()
        return (JSONDocument(bytes: bytes, file: file, nodes: nodes), parser.trailingByte)
    }

    /// The top-level value.
    public var root: JSONValue { JSONValue(document: self, index: 0) }

    /// 1-based line and column (in characters) of a byte offset.
    public func location(ofByte offset: Int) -> (line: Int, column: Int) {
        let (line, column) = SourceLocation.of(offset: offset, in: bytes)
        return (line + origin.line - 1, line == 1 ? column + origin.column - 1 : column)
    }
}

enum SourceLocation {
    /// 1-based line and column; the column counts characters (UTF-8 lead bytes), a BOM is not counted.
    static func of(offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var column = 1
        bytes.withUnsafeBufferPointer { p in
            var i = 0
            if end >= 3, p.count >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }
            while i < end {
                let b = p[i]
                if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
        }
        return (line, column)
    }
}

public enum JSONKind: UInt8, Sendable, CustomStringConvertible {
    case null, bool, number, string, array, object

    public var description: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// One tape entry. `start` is the byte offset of the token; for strings `start..<end` is the content
/// between the quotes, for numbers and literals the token. `next` is the index after this node's
/// subtree; `count` the number of elements (arrays) or members (objects). Object children alternate
/// key, value. 4 GiB per document at most (offsets are 32-bit); larger inputs go through
/// `JSONElementSplitter`.
struct JSONNode: Sendable {
    var start: UInt32
    var end: UInt32
    var next: UInt32
    var parent: UInt32
    var count: UInt32
    var kind: JSONKind
    /// Strings: contains a backslash escape or non-ASCII bytes. Bools: the value.
    var flag: Bool
}
