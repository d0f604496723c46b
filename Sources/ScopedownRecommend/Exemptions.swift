import ScopedownCore

/// Assignments the recommender reports but never changes (`--exempt FILE`): break-glass accounts,
/// rare jobs. One rule a line, `#` starts a comment:
///
///     assignment <assignment id>
///     principal <object id or user principal name>
///     role <role name or role definition id>
///     tag <name>[=<value>]        a tag on the assignment's scope or one of its ancestors
public struct Exemptions: Sendable, Hashable {
    public var assignments: Set<String> = []
    public var principals: Set<String> = []
    public var roles: Set<String> = []
    public var tags: [Tag] = []

    public struct Tag: Sendable, Hashable {
        public var name: String
        public var value: String?
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
        public var text: String { value.map { "\(name)=\($0)" } ?? name }
    }

    public init(assignments: Set<String> = [], principals: Set<String> = [], roles: Set<String> = [], tags: [Tag] = []) {
        self.assignments = Set(assignments.map(AzureID.guidKey))
        self.principals = Set(principals.map { $0.lowercased() })
        self.roles = Set(roles.map { $0.lowercased() })
        self.tags = tags
    }

    public var isEmpty: Bool { assignments.isEmpty && principals.isEmpty && roles.isEmpty && tags.isEmpty }

    /// Parses an exemption file; errors name the file and line:column.
    public static func parse(_ text: String, file: String) throws -> Exemptions {
        var e = Exemptions()
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            let kind = parts[0].lowercased()
            let value = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: " \t") : ""
            let column = raw.distance(from: raw.startIndex, to: raw.firstIndex(where: { $0 != " " && $0 != "\t" }) ?? raw.startIndex) + 1
            if value.isEmpty {
                throw Diagnostic.error("expected a value after `\(kind)`", file: file, line: n + 1, column: column)
            }
            switch kind {
            case "assignment":
                // An ARM id or a bare GUID.
                e.assignments.insert(AzureID.guidKey(value.split(separator: "/").last.map(String.init) ?? value))
            case "principal": e.principals.insert(value.lowercased())
            case "role": e.roles.insert(value.lowercased())
            case "tag":
                if let eq = value.firstIndex(of: "=") {
                    e.tags.append(Tag(name: String(value[..<eq]), value: String(value[value.index(after: eq)...])))
                } else {
                    e.tags.append(Tag(name: value, value: nil))
                }
            default:
                throw Diagnostic.error("unknown rule `\(kind)`: expected assignment, principal, role or tag",
                                       file: file, line: n + 1, column: column)
            }
        }
        return e
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String { Substring(self).trimmingCharacters(in: set) }
}
