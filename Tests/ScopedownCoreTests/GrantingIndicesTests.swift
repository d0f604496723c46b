import ScopedownCore
import ScopedownTestSupport
import Testing

/// `grantingAssignmentIndices` (the attribution hot path of `scopedown usage`) against
/// `grantingAssignments` on seeded random tenants: the same assignments, with one lazily
/// memoized query reused across principals and scopes.
@Suite("Evaluator granting indices")
struct GrantingIndicesTests {
    @Test("the same assignments as grantingAssignments, with a reused lazy query")
    func sameAsGrantingAssignments() {
        let cases = RandomCases.count(default: 200)
        var nonEmpty = 0
        for n in 0..<cases {
            let seed = UInt64(0x1D_1CE5) &+ UInt64(n)
            let tenant = RandomTenant.make(seed: seed)
            var rng = SeededGenerator(seed: seed ^ 0xBEEF)
            let includeEligible = Bool.random(using: &rng)
            let e = Evaluator(snapshot: tenant.snapshot, options: EvaluationOptions(includeEligible: includeEligible))
            var op = tenant.operations[Int.random(in: 0..<tenant.operations.count, using: &rng)]
            if Bool.random(using: &rng) { op = op.uppercased() }
            var query = e.lazyQuery(operation: op, plane: .control)
            for _ in 0..<8 {
                var principal = tenant.principals[Int.random(in: 0..<tenant.principals.count, using: &rng)]
                var scope = tenant.scopes[Int.random(in: 0..<tenant.scopes.count, using: &rng)]
                let assignments = tenant.snapshot.roleAssignments
                if !assignments.isEmpty, Bool.random(using: &rng) {
                    let a = assignments[Int.random(in: 0..<assignments.count, using: &rng)]
                    principal = a.principalID
                    let below = tenant.scopes.filter { $0.isLexicallyWithin(a.scope) }
                    if !below.isEmpty { scope = below[Int.random(in: 0..<below.count, using: &rng)] }
                }
                let expected = e.grantingAssignments(principal: principal, operation: op, scope: scope, plane: .control)
                    .map(\.assignmentID).sorted()
                let indices = e.grantingAssignmentIndices(identities: e.identityKeys(of: principal),
                                                          ancestors: e.ancestorIDs(of: scope), query: &query)
                #expect(Set(indices).count == indices.count, "seed \(seed): duplicate indices")
                let actual = indices.map { tenant.snapshot.roleAssignments[$0].id }.sorted()
                #expect(actual == expected, "seed \(seed): \(principal) \(op) \(scope)")
                if !expected.isEmpty { nonEmpty += 1 }
            }
        }
        // Not vacuous: some queries meet a granting assignment.
        if cases >= 50 { #expect(nonEmpty > 0) }
    }
}
