/// A small ordered JSON value for the inventory files, printed like the az CLI prints (two-space
/// indent, keys in the order given). Events do not use it (they are built as bytes).
indirect enum JValue {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JValue])
    case object([(String, JValue)])

    static func str(_ s: String?) -> JValue { s.map(JValue.string) ?? .null }
    static func strings(_ a: [String]) -> JValue { .array(a.map(JValue.string)) }
    static func tags(_ t: [(String, String)]) -> JValue { .object(t.map { ($0.0, .string($0.1)) }) }

    func write(to out: inout JSONBytes, indent: Int = 0, pretty: Bool = true) {
        switch self {
        case .string(let s): out.string(s)
        case .int(let v): out.int(v)
        case .bool(let b): out.bool(b)
        case .null: out.raw("null")
        case .array(let a):
            if a.isEmpty { out.raw("[]"); return }
            out.raw(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.raw(UInt8(ascii: ",")) }
                if pretty { newline(&out, indent + 2) }
                v.write(to: &out, indent: indent + 2, pretty: pretty)
            }
            if pretty { newline(&out, indent) }
            out.raw(UInt8(ascii: "]"))
        case .object(let o):
            if o.isEmpty { out.raw("{}"); return }
            out.raw(UInt8(ascii: "{"))
            for (i, kv) in o.enumerated() {
                if i > 0 { out.raw(UInt8(ascii: ",")) }
                if pretty { newline(&out, indent + 2) }
                out.key(kv.0)
                if pretty { out.raw(UInt8(ascii: " ")) }
                kv.1.write(to: &out, indent: indent + 2, pretty: pretty)
            }
            if pretty { newline(&out, indent) }
            out.raw(UInt8(ascii: "}"))
        }
    }

    private func newline(_ out: inout JSONBytes, _ n: Int) {
        out.raw(UInt8(ascii: "\n"))
        for _ in 0..<n { out.raw(UInt8(ascii: " ")) }
    }

    func bytes(pretty: Bool = true) -> [UInt8] {
        var out = JSONBytes(capacity: 1 << 16)
        write(to: &out, pretty: pretty)
        if pretty { out.raw(UInt8(ascii: "\n")) }
        return out.bytes
    }
}
