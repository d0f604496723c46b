/// docs/rules.md, generated from the rules (a test fails when the file is stale).
public enum RulesDocument {
    public static func markdown(_ rules: [RuleDescription] = RuleCatalog.all.map(\.description)) -> String {
        var out = """
        # Finding rules

        Generated from Sources/ScopedownRules/Rules by `scopedown rules --format markdown > docs/rules.md`; \
        do not edit by hand (a test fails when this file is stale).

        Rules judge **effective permissions** through the evaluator (group membership, inheritance, \
        NotActions, conditions and deny assignments applied), not role names. Each finding carries \
        the evaluator's reasons as evidence. Severities: critical, high, medium, low, info.

        | id | kind | severity | summary |
        |---|---|---|---|

        """
        for d in rules { out += "| \(d.id) | [`\(d.kind)`](#\(d.id.lowercased())-\(d.kind)) | \(d.severity.rawValue) | \(d.summary.replacingPipes) |\n" }
        out += """

        ## Configuration (`--config FILE`)

        A JSON object; every key is optional. An unknown key or a value of the wrong type is an \
        error naming the key and its line and column.

        | key | default | meaning |
        |---|---|---|

        """
        for k in FindingsConfig.keys { out += "| `\(k.key)` | `\(k.defaultJSON)` | \(k.meaning.replacingPipes) |\n" }
        out += """

        ## Examples

        Each rule carries triggering and non-triggering examples in a small text language, one fact \
        per line (see `RuleExampleTenant`); one parameterized test runs them all.

        """
        for d in rules {
            out += "\n## \(d.id) \(d.kind)\n\n"
            out += "Severity: \(d.severity.rawValue)"
            if !d.needs.isEmpty { out += ". Needs: " + d.needs.joined(separator: ", ") }
            out += ".\n\n\(d.summary)\n\n**Why.** \(d.rationale)\n\n**Fix.** \(d.remediation)\n\n"
            out += "Triggers:\n\n"
            for e in d.triggering { out += "```\n\(e.text)\n```\n\n" }
            out += "Does not trigger:\n\n"
            for e in d.nonTriggering { out += "```\n\(e.text)\n```\n\n" }
        }
        while out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }
}

extension String {
    var replacingPipes: String {
        var s = ""
        for c in unicodeScalars { if c == "|" { s += "\\|" } else { s.unicodeScalars.append(c) } }
        return s
    }
}
