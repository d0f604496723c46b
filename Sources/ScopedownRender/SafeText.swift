/// Escaping of hostile text. Role names, descriptions, tags and display names come from anyone who
/// can create a custom role or tag a resource: nothing from input reaches a terminal, a CSV cell or
/// an HTML page unescaped.
public enum SafeText {
    /// For terminal output: removes C0/C1 control characters (ESC included, so no ANSI sequences),
    /// DEL, and the Unicode bidirectional overrides and isolates used in "Trojan Source" attacks;
    /// newlines and tabs become spaces. Printable text is unchanged.
    public static func terminal(_ s: String) -> String {
        var needs = false
        for u in s.unicodeScalars where isUnsafe(u) { needs = true; break }
        if !needs { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u == "\n" || u == "\t" || u == "\r" { out.append(" ") } else if !isUnsafe(u) { out.append(u) }
        }
        return String(out)
    }

    static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) { return true }
        if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F { return true }
        return false
    }

    /// One CSV cell (RFC 4180), safe in a terminal and a spreadsheet: control characters (so escape
    /// sequences), DEL and bidirectional overrides are stripped and line breaks and tabs become spaces,
    /// as in `terminal`; a leading `=`, `+`, `-` or `@` (after spaces) is then neutralized with a `'` so spreadsheets
    /// do not evaluate it (OWASP CSV injection); quoted when it holds a comma or quote.
    public static func csvCell(_ s: String) -> String {
        var v = terminal(s)
        if let f = v.unicodeScalars.first(where: { $0 != " " }), f == "=" || f == "+" || f == "-" || f == "@" || f == "\t" || f == "\r" {
            v = "'" + v
        }
        // Judged on scalars, as a CSV reader splits: a comma or quote followed by a combining mark
        // is one `Character`, but still a separator or a quote to the reader.
        guard v.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") }) else { return v }
        var out = String.UnicodeScalarView()
        out.append("\"")
        for u in v.unicodeScalars {
            if u == "\"" { out.append("\"") }
            out.append(u)
        }
        out.append("\"")
        return String(out)
    }

    /// A POSIX shell word in single quotes: the value verbatim, each `'` written as `'\''`. Scalar by
    /// scalar: a quote followed by a combining mark is one `Character`, but still a quote to the
    /// shell. Control characters are kept: callers strip or escape them first.
    public static func shellQuoted(_ s: String) -> String {
        var out = "'"
        for u in s.unicodeScalars {
            if u == "'" { out += "'\\''" } else { out.unicodeScalars.append(u) }
        }
        return out + "'"
    }

    /// Text for HTML element content and attribute values.
    public static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if isUnsafe(c) && c != "\n" && c != "\t" { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            result += rest[rest.startIndex..<r.lowerBound]
            result += replacement
            rest = rest[r.upperBound...]
        }
        result += rest
        return result
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target)
        guard !t.isEmpty, count >= t.count else { return nil }
        var i = startIndex
        while i < endIndex {
            var j = i, k = 0
            while k < t.count, j < endIndex, self[j] == t[k] { j = index(after: j); k += 1 }
            if k == t.count { return i..<j }
            i = index(after: i)
        }
        return nil
    }
}
