/// A permission string from a role or deny assignment (`Microsoft.Compute/*/read`, `*`, ...).
///
/// Matching rule (REFERENCE.md §2.2): case-insensitive; `*` matches any run of characters, `/`
/// included (Reader's `*/read` covers `Microsoft.Network/virtualNetworks/subnets/read`); the match
/// is anchored to the whole operation name. Patterns are parsed once, not turned into regexes.
/// Whether the pattern applies to control-plane or data-plane operations is decided by the list it
/// came from (actions vs dataActions), not here.
public struct ActionPattern: Hashable, Sendable, CustomStringConvertible {
    /// The pattern as written in the role.
    public let text: String
    /// Lower-cased pieces between `*`s; a pattern without `*` has one piece.
    public let pieces: [[UInt8]]

    public init(_ text: String) {
        self.text = text
        let lowered = AzureID.operationKey(text)
        self.pieces = lowered.utf8.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false).map(Array.init)
    }

    public var description: String { text }
    public var hasWildcard: Bool { pieces.count > 1 }
    /// The literal text before the first `*` (lower-cased): every match starts with it.
    public var literalPrefix: [UInt8] { pieces[0] }

    public static func == (a: ActionPattern, b: ActionPattern) -> Bool { a.pieces == b.pieces }
    public func hash(into h: inout Hasher) { h.combine(pieces) }

    /// Matches an operation name; `name` may be in any case.
    public func matches(_ name: String) -> Bool {
        matches(lowercasedUTF8: Array(AzureID.operationKey(name).utf8))
    }

    /// Matches an already lower-cased operation name (hot path: no allocation).
    public func matches(lowercasedUTF8 s: [UInt8]) -> Bool {
        s.withUnsafeBufferPointer { matches(lowercased: $0) }
    }

    public func matches(lowercased s: UnsafeBufferPointer<UInt8>) -> Bool {
        if pieces.count == 1 { return pieces[0].elementsEqual(s) }
        let first = pieces[0], last = pieces[pieces.count - 1]
        guard s.count >= first.count + last.count else { return false }
        // Anchored prefix and suffix.
        for i in 0..<first.count where s[i] != first[i] { return false }
        let tailStart = s.count - last.count
        for i in 0..<last.count where s[tailStart + i] != last[i] { return false }
        // Middle pieces in order, greedy leftmost (correct for `*` semantics).
        var pos = first.count
        if pieces.count > 2 {
            for k in 1..<(pieces.count - 1) {
                let piece = pieces[k]
                if piece.isEmpty { continue }
                guard let found = Self.find(piece, in: s, from: pos, until: tailStart) else { return false }
                pos = found + piece.count
            }
        }
        return pos <= tailStart
    }

    private static func find(_ needle: [UInt8], in s: UnsafeBufferPointer<UInt8>, from: Int, until end: Int) -> Int? {
        guard needle.count <= end - from else { return nil }
        var i = from
        let last = end - needle.count
        while i <= last {
            var j = 0
            while j < needle.count && s[i + j] == needle[j] { j += 1 }
            if j == needle.count { return i }
            i += 1
        }
        return nil
    }
}
