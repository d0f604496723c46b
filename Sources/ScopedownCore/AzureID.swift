/// Normalization of Azure identifiers.
///
/// Azure ids, scopes and operation names are case-insensitive (REFERENCE.md §0.5, §1.8), so every
/// stored value has a normalized *key* used for joins and keeps its display spelling beside it.
public enum AzureID {
    /// The canonical key of a GUID: lower-case, dashed 8-4-4-4-12. Accepts the dash-less 32-hex form
    /// that Activity Log evidence uses (REFERENCE.md §1.9.4) and `{braces}`. Anything that is not a
    /// GUID is returned trimmed and lower-cased, so that callers can still join on it.
    public static func guidKey(_ raw: String) -> String {
        if isCanonicalGUIDKey(raw) { return raw }
        var s = raw.trimmingSpaces().lowercased()
        if s.hasPrefix("{") && s.hasSuffix("}") && s.count >= 2 { s = String(s.dropFirst().dropLast()) }
        let hex = s.utf8.filter { $0 != UInt8(ascii: "-") }
        guard hex.count == 32, hex.allSatisfy(Self.isHex) else { return s }
        let chars = Array(hex)
        func part(_ r: Range<Int>) -> String { String(decoding: chars[r], as: UTF8.self) }
        return "\(part(0..<8))-\(part(8..<12))-\(part(12..<16))-\(part(16..<20))-\(part(20..<32))"
    }

    /// Already a key (lower-case, dashed 8-4-4-4-12)? Checked without allocating: ids read back
    /// from the store and most exported ids take this path.
    static func isCanonicalGUIDKey(_ raw: String) -> Bool {
        raw.utf8.withContiguousStorageIfAvailable { b -> Bool in
            guard b.count == 36 else { return false }
            for i in 0..<36 {
                let c = b[i]
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    if c != UInt8(ascii: "-") { return false }
                } else if !((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) { return false }
            }
            return true
        } ?? false
    }

    /// True when `raw` is a GUID in dashed, dash-less or braced form.
    public static func isGUID(_ raw: String) -> Bool {
        let key = guidKey(raw)
        let bytes = Array(key.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if b != UInt8(ascii: "-") { return false }
            } else if !isHex(b) { return false }
        }
        return true
    }

    /// The role-definition key: the GUID in the last path segment, lower-cased
    /// (REFERENCE.md §1.1.2: "key role definitions by the GUID").
    public static func roleDefinitionKey(_ idOrName: String) -> String {
        let trimmed = idOrName.trimmingSpaces()
        let last = trimmed.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? trimmed
        return guidKey(last)
    }

    /// The key of an operation name: lower-cased (REFERENCE.md §0.5).
    public static func operationKey(_ name: String) -> String { name.trimmingSpaces().lowercased() }

    /// The zero GUID that stands for "all principals" in deny assignments (REFERENCE.md §1.4).
    public static let everyone = "00000000-0000-0000-0000-000000000000"

    @inline(__always) static func isHex(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70)
    }
}

extension String {
    /// Trims ASCII spaces, tabs and newlines (Foundation-free).
    public func trimmingSpaces() -> String {
        let u = Array(utf8)
        var lo = 0, hi = u.count
        while lo < hi, u[lo] == 32 || u[lo] == 9 || u[lo] == 10 || u[lo] == 13 { lo += 1 }
        while hi > lo, u[hi - 1] == 32 || u[hi - 1] == 9 || u[hi - 1] == 10 || u[hi - 1] == 13 { hi -= 1 }
        if lo == 0 && hi == u.count { return self }
        return String(decoding: u[lo..<hi], as: UTF8.self)
    }
}
