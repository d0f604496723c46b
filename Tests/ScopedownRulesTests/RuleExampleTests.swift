import Testing
import ScopedownCore
@testable import ScopedownRules

/// Every example of every rule, one test case each: triggering examples must produce a finding of
/// their rule (and meet their `expect` lines), non-triggering ones none. Failures point at the
/// example's own line.
struct RuleExampleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var rule: String
        var triggering: Bool
        var index: Int
        var example: RuleExample
        var testDescription: String { "\(rule) \(triggering ? "triggering" : "non-triggering") #\(index + 1)" }
    }

    static let cases: [Case] = RuleCatalog.all.flatMap { r in
        r.description.triggering.enumerated().map { Case(rule: r.description.id, triggering: true, index: $0, example: $1) }
            + r.description.nonTriggering.enumerated().map { Case(rule: r.description.id, triggering: false, index: $0, example: $1) }
    }

    static func location(_ e: RuleExample, line offset: Int = 0) -> SourceLocation {
        SourceLocation(fileID: e.fileID, filePath: e.filePath, line: e.line + offset, column: 1)
    }

    @Test(arguments: cases)
    func example(_ c: Case) throws {
        guard let rule = RuleCatalog.all.first(where: { $0.description.id == c.rule }) else {
            Issue.record("no rule \(c.rule)")
            return
        }
        let tenant: RuleExampleTenant
        do {
            tenant = try RuleExampleTenant(parsing: c.example.text)
        } catch let f as RuleExampleTenant.Failure {
            Issue.record("example does not parse: \(f.message)", sourceLocation: Self.location(c.example, line: f.line))
            return
        }
        let findings = RuleCatalog.run(tenant.context(), rules: [rule])
        for f in findings {
            #expect(f.rule == c.rule && f.kind == rule.description.kind, sourceLocation: Self.location(c.example))
        }
        if c.triggering {
            #expect(!findings.isEmpty, "\(c.rule) should trigger", sourceLocation: Self.location(c.example))
            for (line, problem) in tenant.unmet(findings) {
                Issue.record("\(problem); got: \(findings.map { "\($0.severity.rawValue) \($0.principal ?? "-") \($0.message)" })",
                             sourceLocation: Self.location(c.example, line: line))
            }
        } else {
            #expect(findings.isEmpty, "\(c.rule) should not trigger; got: \(findings.map(\.message))",
                    sourceLocation: Self.location(c.example))
        }
    }

    @Test func everyRuleHasExamplesAndAStableIdentity() {
        var ids = Set<String>(), kinds = Set<String>()
        for r in RuleCatalog.all {
            let d = r.description
            #expect(d.id.count == 5 && d.id.hasPrefix("SD"), "\(d.id)")
            #expect(ids.insert(d.id).inserted, "duplicate id \(d.id)")
            #expect(kinds.insert(d.kind).inserted, "duplicate kind \(d.kind)")
            #expect(d.kind.allSatisfy { $0 == "-" || ($0.isLowercase && $0.isLetter) }, "\(d.kind) is not kebab-case")
            #expect(!d.triggering.isEmpty && !d.nonTriggering.isEmpty, "\(d.id) needs both kinds of example")
            #expect(!d.summary.isEmpty && !d.rationale.isEmpty && !d.remediation.isEmpty)
        }
        #expect(RuleCatalog.all.map(\.description.id) == RuleCatalog.all.map(\.description.id).sorted())
    }

    @Test func aBadExampleNamesItsLine() {
        #expect(throws: RuleExampleTenant.Failure.self) { try RuleExampleTenant(parsing: "sub prod\nassign a1 x NoSuchRole /") }
        do {
            _ = try RuleExampleTenant(parsing: "sub prod\nfrobnicate")
            Issue.record("should fail")
        } catch let f as RuleExampleTenant.Failure {
            #expect(f.line == 2)
            #expect(f.message == "unknown fact `frobnicate`")
        } catch { Issue.record("\(error)") }
    }

    @Test func fingerprintsAreStableAndIgnoreWording() {
        let a = Finding(rule: "SD001", kind: "privileged-broad-scope", severity: .critical, principal: "p", scope: "/Providers/Microsoft.Management/managementGroups/X",
                        assignment: "a1", role: "Owner", message: "one wording")
        var b = a
        b.message = "another wording"
        b.scope = "/providers/microsoft.management/managementgroups/x"
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint.count == 32)
        // Pinned: a change here invalidates every user's baseline.
        #expect(Finding(rule: "SD008", kind: "subscription-under-root", severity: .low, scope: "/subscriptions/s", message: "m").fingerprint
                == Finding(rule: "SD008", kind: "subscription-under-root", severity: .low, scope: "/subscriptions/S", message: "x").fingerprint)
    }
}
