import Foundation
import ScopedownCore
import ScopedownStore
import ScopedownTestSupport
import Testing
@testable import ScopedownCLI

/// The semantics fixtures (fixtures/semantics/<rule>/: a tenant in real export shapes and the
/// expected decisions) imported through `scopedown import` and evaluated from the store: the whole
/// path a user takes, one rule of REFERENCE.md §2 per folder.
@Suite("Evaluator on the semantics fixtures")
struct EvaluatorFixtureTests {
    static let root = SharedData.fixture("semantics")
    static let rules: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
        .filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/expected.json").path) }
        .sorted()

    @Test("the fixtures are present")
    func present() {
        #expect(Self.rules.count >= 11)
    }

    @Test("every case decides as expected", arguments: rules)
    func rule(_ rule: String) throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = tmp.path("rule.db")
        let imported = runCLI(["import", "--db", db, Self.root.appendingPathComponent("\(rule)/tenant").path])
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        let snapshot = try Store(path: db, create: false).loadSnapshot()
        let data = try Data(contentsOf: Self.root.appendingPathComponent("\(rule)/expected.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try #require(expected["cases"] as? [[String: Any]])
        #expect(!cases.isEmpty)
        let evaluators = [false: Evaluator(snapshot: snapshot), true: Evaluator(snapshot: snapshot, options: EvaluationOptions(includeEligible: true))]
        for (i, c) in cases.enumerated() {
            let principal = try #require(c["principal"] as? String)
            let action = try #require(c["action"] as? String)
            let scope = try #require(c["scope"] as? String)
            let outcome = try #require(c["expected"] as? String)
            let eligible = c["includeEligible"] as? Bool ?? false
            let d = try #require(evaluators[eligible]).decide(principal: principal, operation: action, scope: Scope(scope))
            let label = "\(rule) case \(i): \(principal) \(action) at \(scope)"
            #expect(d.outcome.rawValue == outcome, "\(label)")
            if outcome == "allowed", let conditional = c["conditional"] as? Bool {
                #expect(d.conditional == conditional, "\(label): conditional")
            }
            // The reasons, not only the outcome: the granting assignments (also per the reference
            // evaluator) and each matching deny with its status.
            let granting = try #require(c["granting"] as? [String])
            #expect(d.grantingAssignmentIDs.sorted() == granting, "\(label): granting assignments")
            let reference = ReferenceEvaluator(snapshot: snapshot, includeEligible: eligible)
                .decide(principal: principal, operation: action, plane: d.plane, scope: Scope(scope))
            #expect(reference.granting == Set(granting), "\(label): granting assignments per the reference")
            let denies = try #require(c["denies"] as? [[String: String]])
            #expect(d.denies.map { ["id": $0.denyID, "status": ExplainCommand.statusText($0.status).0] } == denies, "\(label): denies")
        }
    }

    @Test("explain --format json on an imported fixture, through the command")
    func explainCommand() throws {
        let rule = "deny-wins"
        let data = try Data(contentsOf: Self.root.appendingPathComponent("\(rule)/expected.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let first = try #require((expected["cases"] as? [[String: Any]])?.first)
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = tmp.path("rule.db")
        #expect(runCLI(["import", "--db", db, Self.root.appendingPathComponent("\(rule)/tenant").path]).exitCode == 0)
        let r = runCLI(["explain", "--db", db, "--principal", try #require(first["principal"] as? String),
                        "--action", try #require(first["action"] as? String), "--scope", try #require(first["scope"] as? String),
                        "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"outcome\": \"\(try #require(first["expected"] as? String))\""))
        #expect(r.stderr.isEmpty)
        let who = runCLI(["who-can", "--db", db, "--action", "Microsoft.Nothing/things/read", "--scope", "/", "--format", "json"])
        #expect(who.exitCode == 0)
        #expect(who.stderr.contains("warning: `Microsoft.Nothing/things/read` is not in the imported operations catalog"))
        #expect(who.stdout.hasPrefix("{\n  \"action\": \"Microsoft.Nothing/things/read\""))
    }
}
