import ScopedownRender

/// The inventory files are ordered JSON values (`ScopedownRender.JSON`), printed like the az CLI
/// prints them: two-space indent, keys in the order given. Events do not use it (they are built as
/// bytes by `JSONBytes`, for speed).
extension JSON {
    static func str(_ s: String?) -> JSON { optional(s) }
    static func tags(_ t: [(String, String)]) -> JSON { .object(t.map { ($0.0, .string($0.1)) }) }

    /// The file's bytes: pretty output ends with a newline.
    func bytes(pretty: Bool = true) -> [UInt8] {
        Array((render(pretty: pretty) + (pretty ? "\n" : "")).utf8)
    }
}
