import ScopedownCore

/// SD009: subscriptions without a point-of-contact tag.
struct SubscriptionNoContactRule: Rule {
    let description = RuleDescription(
        id: "SD009", kind: "subscription-no-contact", severity: .low,
        summary: "Subscriptions without a point-of-contact tag (`contactTags` in the config; a cost center is not a contact). Runs when some subscription has tags (Resource Graph rows; `az account list` has none).",
        rationale: "Security roadmap steps 1 and 6: every subscription needs a named owner so that an incident, an unused assignment or a finding reaches someone who can act on it.",
        remediation: "Tag the subscription with its point of contact (e.g. `owner=team@example.com`); set `contactTags` if your organization uses another tag name.",
        needs: ["subscription tags (Resource Graph `resourcecontainers`)"],
        triggering: [
            RuleExample("""
            mg corp
            sub sandbox mg=corp tag.costCenter=CC-9000
            expect count=1
            """),
            RuleExample("""
            config contactTags=responsible
            mg corp
            sub prod mg=corp tag.owner=team@example.test
            expect count=1
            """),
        ],
        nonTriggering: [
            RuleExample("""
            mg corp
            sub prod mg=corp tag.Owner=team@example.test
            """),
            RuleExample("""
            mg corp
            sub prod mg=corp tag.securityContact=soc@example.test
            """),
            RuleExample("""
            # no subscription has any tag: tags were not imported (az account list has none)
            mg corp
            sub prod mg=corp
            sub dev mg=corp
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        let wanted = c.config.contactTagKeys
        // `az account list` carries no tags: when no subscription has any, they were not imported.
        guard c.snapshot.subscriptions.contains(where: { !$0.tags.isEmpty }) else { return [] }
        return c.snapshot.subscriptions.filter { s in
            !s.tags.contains { wanted.contains($0.key.lowercased()) && !$0.value.trimmingSpaces().isEmpty }
        }.map { s in
            description.finding(
                scope: s.scope.display,
                message: "subscription `\(s.displayName)` (\(s.id)) has no point-of-contact tag",
                evidence: ["tags: " + (s.tags.isEmpty ? "(none)" : s.tags.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")),
                           "accepted contact tags: " + c.config.contactTags.map { "`\($0)`" }.joined(separator: ", ")])
        }
    }
}
