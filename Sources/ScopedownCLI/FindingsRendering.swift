import ScopedownCore
import ScopedownRender
import ScopedownRules

/// The findings report in each format. Every string from input goes through the format's escaping
/// (JSON escapes, `SafeText.terminal`, `SafeText.csvCell`, Markdown + HTML escaping).
enum FindingsRendering {
    /// The SARIF `partialFingerprints` key (versioned: a new scheme gets a new key).
    static let fingerprintKey = "scopedown/v1"

    /// `width`: table lines wrapped to it (nil: one line each, as the golden files hold them).
    static func render(_ findings: [Finding], format: FindingsCommand.Format, context: RuleContext? = nil, artifact: String = "scopedown.db",
                       width: Int? = nil) -> String {
        switch format {
        case .json: return json(findings).render() + "\n"
        case .table:
            let names = context.map { NameBook(snapshot: $0.evaluator.snapshot) }
            let text = table(findings, names: names)
            guard let width else { return text }
            return text.split(separator: "\n", omittingEmptySubsequences: false)
                .flatMap { TextWrap.wrap(String($0), width: width) }.joined(separator: "\n")
        case .csv: return csv(findings)
        case .markdown: return markdown(findings)
        case .sarif: return sarif(findings, artifact: artifact).render() + "\n"
        }
    }

    static func json(_ findings: [Finding]) -> JSON {
        .object([("findings", .array(findings.map(json)))])
    }

    static func json(_ f: Finding) -> JSON {
        var m: [(String, JSON)] = [("rule", .string(f.rule)), ("kind", .string(f.kind)), ("severity", .string(f.severity.rawValue))]
        if let p = f.principal { m.append(("principal", .string(p))) }
        if let s = f.scope { m.append(("scope", .string(s))) }
        if let a = f.assignment { m.append(("assignment", .string(a))) }
        if let r = f.role { m.append(("role", .string(r))) }
        m.append(("message", .string(f.message)))
        m.append(("evidence", .strings(f.evidence)))
        return .object(m)
    }

    static func summary(_ findings: [Finding]) -> String {
        let counts = Severity.allCases.reversed().compactMap { s -> String? in
            let n = findings.filter { $0.severity == s }.count
            return n == 0 ? nil : "\(n) \(s.rawValue)"
        }
        return "\(findings.count) finding(s)" + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", "))
    }

    /// A principal is named by display name and UPN or app id (with its id) when the directory knows it.
    static func table(_ findings: [Finding], names: NameBook? = nil) -> String {
        var out = ""
        for f in findings {
            out += SafeText.terminal("\(f.severity.rawValue.uppercased())  \(f.rule)  \(f.kind)") + "\n"
            out += "  " + SafeText.terminal(f.message) + "\n"
            var where_: [String] = []
            if let s = f.scope { where_.append("scope: \(s)") }
            if let p = f.principal {
                let facts = names?.principal(p)
                where_.append("principal: " + (facts?.displayName == nil ? p : "\(facts?.label ?? p) (\(p))"))
            }
            if let a = f.assignment { where_.append("assignment: \(a)") }
            if !where_.isEmpty { out += "  " + SafeText.terminal(where_.joined(separator: "  ")) + "\n" }
            for e in f.evidence { out += "  - " + SafeText.terminal(e) + "\n" }
            out += "\n"
        }
        return out + summary(findings) + "\n"
    }

    static let csvHeader = ["rule", "kind", "severity", "principal", "scope", "assignment", "role", "message", "evidence", "fingerprint"]

    static func csv(_ findings: [Finding]) -> String {
        var c = CSV(header: csvHeader)
        for f in findings {
            // Control characters (ANSI escapes) removed too: CSV files end up in terminals as well.
            c.append([f.rule, f.kind, f.severity.rawValue, f.principal ?? "", f.scope ?? "", f.assignment ?? "", f.role ?? "",
                      f.message, f.evidence.joined(separator: " | "), f.fingerprint].map(SafeText.terminal))
        }
        return c.render()
    }

    /// Text for a Markdown table cell: control characters dropped, HTML escaped, and the Markdown
    /// characters that could start a link, emphasis, code or a new cell backslash-escaped.
    static func markdownCell(_ s: String) -> String {
        var out = ""
        for u in SafeText.html(SafeText.terminal(s)).unicodeScalars {
            if "\\`*_[]()|#~!".unicodeScalars.contains(u) { out.append("\\") }
            out.unicodeScalars.append(u)
        }
        return out
    }

    static func markdown(_ findings: [Finding]) -> String {
        var out = "# scopedown findings\n\n" + summary(findings) + "\n"
        if findings.isEmpty { return out }
        out += "\n| severity | rule | kind | scope | principal | message | evidence |\n|---|---|---|---|---|---|---|\n"
        for f in findings {
            let cells = [f.severity.rawValue, f.rule, f.kind, f.scope ?? "", f.principal ?? "", f.message]
            out += "| " + cells.map(markdownCell).joined(separator: " | ") + " | " + f.evidence.map(markdownCell).joined(separator: "<br>") + " |\n"
        }
        return out
    }

    // MARK: - SARIF 2.1.0

    static func sarifLevel(_ s: Severity) -> String {
        switch s {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low, .info: return "note"
        }
    }

    /// GitHub code scanning's `security-severity` (a CVSS-like score) per severity.
    static func securitySeverity(_ s: Severity) -> String {
        switch s {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "3.0"
        case .info: return "1.0"
        }
    }

    static func sarif(_ findings: [Finding], artifact: String) -> JSON {
        let rules = RuleCatalog.all.map(\.description)
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let driver: JSON = .object([
            ("name", .string("scopedown")),
            ("version", .string(ScopedownCommand.configuration.version)),
            ("rules", .array(rules.map { d in
                .object([
                    ("id", .string(d.id)),
                    ("name", .string(d.kind)),
                    ("shortDescription", .object([("text", .string(d.summary))])),
                    ("fullDescription", .object([("text", .string(d.rationale))])),
                    ("help", .object([("text", .string("\(d.rationale)\n\nRemediation: \(d.remediation)")),
                                      ("markdown", .string("**\(d.kind)** (\(d.id))\n\n\(d.rationale)\n\n**Remediation:** \(d.remediation)"))])),
                    ("defaultConfiguration", .object([("level", .string(sarifLevel(d.severity)))])),
                    ("properties", .object([("tags", .strings(["security", "azure-rbac"])),
                                            ("security-severity", .string(securitySeverity(d.severity)))])),
                ])
            })),
        ])
        let results: [JSON] = findings.map { f in
            var props: [(String, JSON)] = [("severity", .string(f.severity.rawValue)), ("kind", .string(f.kind))]
            if let p = f.principal { props.append(("principal", .string(p))) }
            if let a = f.assignment { props.append(("assignment", .string(a))) }
            if let r = f.role { props.append(("role", .string(r))) }
            props.append(("evidence", .strings(f.evidence)))
            var logical: [(String, JSON)] = [("fullyQualifiedName", .string(f.scope ?? "/")), ("kind", .string("resource"))]
            if f.scope == nil { logical = [("fullyQualifiedName", .string("/")), ("kind", .string("resource"))] }
            var r: [(String, JSON)] = [
                ("ruleId", .string(f.rule)),
                ("level", .string(sarifLevel(f.severity))),
                ("message", .object([("text", .string(f.message))])),
                ("locations", .array([.object([
                    ("physicalLocation", .object([
                        ("artifactLocation", .object([("uri", .string(artifact))])),
                        ("region", .object([("startLine", .int(1))])),
                    ])),
                    ("logicalLocations", .array([.object(logical)])),
                ])])),
                ("partialFingerprints", .object([(fingerprintKey, .string(f.fingerprint))])),
                ("properties", .object(props)),
            ]
            if let i = index[f.rule] { r.insert(("ruleIndex", .int(i)), at: 1) }
            return .object(r)
        }
        return .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", driver)])),
                ("results", .array(results)),
            ])])),
        ])
    }
}
