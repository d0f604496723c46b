/// Strips control characters and ANSI escapes from input echoed in messages.
public enum TextSanitizer {
    /// Input echoed in a message: control characters (and so ANSI escape sequences) removed, at most
    /// `limit` characters.
    public static func clean(_ s: String, limit: Int = 200) -> String {
        let kept = String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }))
        return kept.count > limit ? String(kept.prefix(limit)) + "..." : kept
    }
}
