import Foundation
import Testing
@testable import ScopedownRules

/// docs/rules.md is generated from the rules: it fails here when a rule changed and the file was
/// not regenerated (`scopedown rules --format markdown > docs/rules.md`).
struct RulesDocumentTests {
    static let docs: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("docs/rules.md")
    }()

    @Test func rulesMarkdownIsCurrent() throws {
        let onDisk = try String(contentsOf: Self.docs, encoding: .utf8)
        #expect(onDisk == RulesDocument.markdown(), "docs/rules.md is stale: run `scopedown rules --format markdown > docs/rules.md`")
    }

    @Test func everyRuleAndConfigKeyIsDocumented() {
        let text = RulesDocument.markdown()
        for r in RuleCatalog.all {
            #expect(text.contains("## \(r.description.id) \(r.description.kind)"))
        }
        for k in FindingsConfig.keys { #expect(text.contains("| `\(k.key)` |")) }
    }
}
