/// A JSON value for output, with object keys in the order given (documented output shapes keep
/// their documented key order; callers sort lists). Rendering is deterministic: same value, same
/// bytes. Strings are escaped per RFC 8259 (control characters as \u00XX; `/` is not escaped).
public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool { a.render(pretty: false) == b.render(pretty: false) }

    public static func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }
    public static func optional(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }

    /// Pretty output uses two-space indentation and ends without a newline.
    public func render(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, pretty: pretty, indent: 0)
        return out
    }

    /// The value as it appears nested `indent` levels deep in a pretty rendering (its first line
    /// not indented, the following ones by `indent` more levels): lets a caller render the
    /// elements of a large array separately (e.g. on several threads) and join them.
    public func render(pretty: Bool, indent: Int) -> String {
        var out = ""
        write(into: &out, pretty: pretty, indent: indent)
        return out
    }

    /// `render(pretty:indent:)` appended to `out` (no intermediate string per value).
    public func render(into out: inout String, pretty: Bool, indent: Int) {
        write(into: &out, pretty: pretty, indent: indent)
    }

    private func write(into out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isFinite {
                if d == d.rounded(), abs(d) < 1e15 { out += String(Int(d)) } else { out += String(d) }
            } else { out += "null" }
        case .string(let s): JSON.escape(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if pretty { JSON.newline(into: &out, indent: indent + 1) }
                item.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { JSON.newline(into: &out, indent: indent) }
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (k, v)) in members.enumerated() {
                if i > 0 { out += "," }
                if pretty { JSON.newline(into: &out, indent: indent + 1) }
                JSON.escape(k, into: &out)
                out += pretty ? ": " : ":"
                v.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { JSON.newline(into: &out, indent: indent) }
            out += "}"
        }
    }

    /// A newline and `indent` levels of two-space indentation (the common depths prepared once).
    static func newline(into out: inout String, indent: Int) {
        if indent < newlines.count { out += newlines[indent] } else { out += "\n" + String(repeating: "  ", count: indent) }
    }

    private static let newlines: [String] = (0..<16).map { "\n" + String(repeating: "  ", count: $0) }

    static func escape(_ s: String, into out: inout String) {
        out += "\""
        // Fast path: printable ASCII without `"` or `\` is copied as is (what the loop below
        // would produce, scalar by scalar).
        func plain(_ c: UInt8) -> Bool { c >= 0x20 && c < 0x7F && c != 0x22 && c != 0x5C }
        let fast = s.utf8.withContiguousStorageIfAvailable { b -> Bool in
            for c in b where !plain(c) { return false }
            return true
        } ?? s.utf8.allSatisfy(plain)
        if fast {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value) {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}
