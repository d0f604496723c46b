@testable import ScopedownCore
import ScopedownTestSupport
import Testing

/// `Evaluator.ancestorIDs` walks the scope key's segments itself (the attribution hot path) instead
/// of building a `Scope` per level: it must give exactly the chain of `ScopeHierarchy.ancestors`
/// (REFERENCE.md §2.7), restricted to the scopes that hold assignments, nearest first.
@Suite("Evaluator ancestor ids")
struct AncestorIDsTests {
    static func expected(_ e: Evaluator, _ scope: Scope) -> [Int32] {
        var out: [Int32] = []
        for s in e.hierarchy.ancestors(of: scope) {
            if let id = e.scopeIDs[s.key], !out.contains(id) { out.append(id) }
        }
        return out
    }

    @Test("the same chain as ScopeHierarchy.ancestors on seeded random tenants and odd scopes")
    func sameAsHierarchy() {
        let odd = ["/", "/subscriptions", "/subscriptions/", "/providers", "/providers/Microsoft.Management",
                   "/providers/Microsoft.Management/managementGroups", "/resourceGroups/x",
                   "/providers/Microsoft.Authorization/roleDefinitions/abc"]
        var compared = 0
        for n in 0..<RandomCases.count(default: 60) {
            let seed = UInt64(0xA_2CE5) &+ UInt64(n)
            let tenant = RandomTenant.make(seed: seed)
            let e = Evaluator(snapshot: tenant.snapshot)
            var scopes = tenant.scopes + odd.map { Scope($0) }
            // deeper and differently spelled scopes below the tenant's own
            for s in tenant.scopes {
                scopes.append(Scope(s.display.uppercased()))
                scopes.append(Scope(s.display + "/providers/Microsoft.Network/virtualNetworks/v1/subnets/s1"))
                scopes.append(Scope(s.display + "/resourceGroups/rg-extra"))
            }
            for s in scopes {
                #expect(e.ancestorIDs(of: s) == Self.expected(e, s), "seed \(seed): \(s.display)")
                compared += 1
            }
        }
        #expect(compared > 0)
    }
}
