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

    static func hex(_ v: UInt64, _ digits: Int) -> String { String(decoding: hexDigits(v).prefix(digits), as: UTF8.self) }

    /// The 16 lower-case hex digits of `v`, zero-padded.
    static func hexDigits(_ v: UInt64) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<16).map { digits[Int((v >> UInt64(60 - 4 * $0)) & 15)] }
    }

    /// A version-4-shaped GUID (lower case) derived from `text`.
    static func guid(_ text: String) -> String {
        let a = fnv(text, basis: 0xCBF2_9CE4_8422_2325), b = fnv(text, basis: 0x8422_2325_CBF2_9CE4)
        let c = hexDigits(a) + hexDigits(b)
        let variant = Array("89ab".utf8)[Int(b >> 60) & 3]
        let dash = UInt8(ascii: "-")
        var out: [UInt8] = []
        out.reserveCapacity(36)
        out += c[0..<8]; out.append(dash); out += c[8..<12]; out.append(dash); out.append(UInt8(ascii: "4")); out += c[13..<16]
        out.append(dash); out.append(variant); out += c[17..<20]; out.append(dash); out += c[20..<32]
        return String(decoding: out, as: UTF8.self)
    }

    /// Eight hex digits of `text`'s hash.
    static func short(_ text: String) -> String { hex(fnv(text, basis: 0xCBF2_9CE4_8422_2325), 8) }
}
