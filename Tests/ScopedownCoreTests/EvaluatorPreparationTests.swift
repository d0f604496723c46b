import ScopedownCore
import ScopedownTestSupport
import Testing

/// `Evaluator.Preparation` (the assignment-independent index built ahead, while the store reads the
/// assignments) must not change any answer, and one made from another tenant must be ignored.
@Suite("Evaluator preparation")
struct EvaluatorPreparationTests {
    @Test("a preparation built without the assignments gives the same answers; a foreign one is ignored")
    func sameAnswers() {
        for n in 0..<RandomCases.count(default: 40) {
            let seed = UInt64(0x9E_9A2A) &+ UInt64(n)
            let tenant = RandomTenant.make(seed: seed)
            let other = RandomTenant.make(seed: seed &+ 1_000_000)
            var rng = SeededGenerator(seed: seed)
            let options = EvaluationOptions(includeEligible: Bool.random(using: &rng))
            var partial = tenant.snapshot
            partial.roleAssignments = []
            let plain = Evaluator(snapshot: tenant.snapshot, options: options)
            let prepared = Evaluator(snapshot: tenant.snapshot, options: options,
                                     preparation: Evaluator.Preparation(snapshot: partial))
            let foreign = Evaluator(snapshot: tenant.snapshot, options: options,
                                    preparation: Evaluator.Preparation(snapshot: other.snapshot))
            for _ in 0..<6 {
                let principal = tenant.principals[Int.random(in: 0..<tenant.principals.count, using: &rng)]
                let scope = tenant.scopes[Int.random(in: 0..<tenant.scopes.count, using: &rng)]
                let op = tenant.operations[Int.random(in: 0..<tenant.operations.count, using: &rng)]
                let expected = plain.effective(principal: principal, scope: scope)
                #expect(prepared.effective(principal: principal, scope: scope) == expected)
                #expect(foreign.effective(principal: principal, scope: scope) == expected)
                let who = plain.whoCan(operation: op, scope: scope)
                #expect(prepared.whoCan(operation: op, scope: scope) == who)
                #expect(foreign.whoCan(operation: op, scope: scope) == who)
            }
        }
    }
}
