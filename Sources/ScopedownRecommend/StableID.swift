/// Deterministic GUIDs and short hashes from content: the same input gives the same role and
/// assignment ids, so that re-running a plan updates instead of duplicating.
enum StableID {
    /// 64-bit FNV-1a of the UTF-8 bytes, from a given offset basis.
    static func fnv(_ text: String, basis: UInt64) -> UInt64 {
        var h = basis
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        // Final avalanche (SplitMix64) so that close inputs give distant ids.
        var z = h
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func hex(_ v: UInt64, _ digits: Int) -> String {
        let s = String(v, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - s.count)) + s
        return String(padded.prefix(digits))
    }

    /// A version-4-shaped GUID (lower case) derived from `text`.
    static func guid(_ text: String) -> String {
        let a = fnv(text, basis: 0xCBF2_9CE4_8422_2325), b = fnv(text, basis: 0x8422_2325_CBF2_9CE4)
        let h = hex(a, 16) + hex(b, 16)
        let c = Array(h)
        let variant = "89ab"[String.Index(utf16Offset: Int(b >> 60) & 3, in: "89ab")]
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-" + String(variant)
            + String(c[17..<20]) + "-" + String(c[20..<32])
    }

    /// Eight hex digits of `text`'s hash.
    static func short(_ text: String) -> String { hex(fnv(text, basis: 0xCBF2_9CE4_8422_2325), 8) }
}
