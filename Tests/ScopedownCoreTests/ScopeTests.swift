import Testing
@testable import ScopedownCore

@Suite struct ScopeTests {
    @Test func normalizesPIMSubscriptionForm() {
        let s = Scope("/providers/Microsoft.Subscription/subscriptions/ABC/")
        #expect(s.display == "/subscriptions/ABC")
        #expect(s.key == "/subscriptions/abc")
        #expect(s.level == .subscription)
    }

    @Test func lexicalParents() {
        let r = Scope("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c")
        #expect(r.lexicalParent?.display == "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/blobServices/default")
        #expect(Scope("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a").lexicalParent?.display == "/subscriptions/s/resourceGroups/rg")
        #expect(Scope("/subscriptions/s/resourceGroups/rg").lexicalParent?.display == "/subscriptions/s")
        #expect(Scope("/subscriptions/s/providers/Microsoft.Web/sites/x/providers/Microsoft.Authorization/locks/l").lexicalParent?.display == "/subscriptions/s/providers/Microsoft.Web/sites/x")
        #expect(Scope("/subscriptions/s").lexicalParent == nil)
    }

    @Test func ancestorsWalkTheManagementGroupChain() {
        let h = ScopeHierarchy(
            managementGroups: [
                ManagementGroup(name: "root-t", displayName: "Tenant Root Group", parentName: nil),
                ManagementGroup(name: "Platform", displayName: "Platform", parentName: "root-t"),
            ],
            subscriptions: [Subscription(id: "11111111-1111-1111-1111-111111111111", displayName: "s", managementGroupID: "platform")]
        )
        let chain = h.ancestors(of: Scope("/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg")).map(\.display)
        #expect(chain == [
            "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg",
            "/subscriptions/11111111-1111-1111-1111-111111111111",
            "/providers/Microsoft.Management/managementGroups/Platform",
            "/providers/Microsoft.Management/managementGroups/root-t",
            "/",
        ])
    }

    @Test func guidKeys() {
        #expect(AzureID.guidKey("95A6E1077F8C434D9400106E7D9BA68C") == "95a6e107-7f8c-434d-9400-106e7d9ba68c")
        #expect(AzureID.roleDefinitionKey("/subscriptions/x/providers/Microsoft.Authorization/RoleDefinitions/B24988AC-6180-42A0-AB88-20F7382DD24C") == "b24988ac-6180-42a0-ab88-20f7382dd24c")
    }

    @Test func patterns() {
        #expect(ActionPattern("*/read").matches("Microsoft.Network/virtualNetworks/subnets/read"))
        #expect(!ActionPattern("*/read").matches("Microsoft.Network/virtualNetworks/subnets/write"))
        #expect(ActionPattern("Microsoft.Compute/*").matches("microsoft.compute/virtualMachines/start/action"))
        #expect(ActionPattern("Microsoft.Authorization/*/read").matches("Microsoft.Authorization/roleAssignments/read"))
        #expect(!ActionPattern("Microsoft.Authorization/*/read").matches("Microsoft.AuthorizationX/read"))
        #expect(ActionPattern("*").matches("anything/at/all"))
        #expect(ActionPattern("a*b*c").matches("axxbyyc"))
        #expect(!ActionPattern("a*b*c").matches("axxcyyb"))
        #expect(ActionPattern("MICROSOFT.STORAGE/storageAccounts/read").matches("microsoft.storage/storageaccounts/READ"))
    }
}

@Suite struct CanonicalFastPathTests {
    @Test func canonicalScopesAreReturnedAsTheyAre() {
        for raw in ["/", "/subscriptions/S", "/providers/Microsoft.Management/managementGroups/mg",
                    "/subscriptions/s/resourceGroups/RG/providers/Microsoft.Web/sites/x"] {
            #expect(Scope.isCanonical(raw))
            #expect(Scope(raw).display == raw)
        }
    }

    @Test func nonCanonicalScopesTakeTheSlowPath() {
        let cases = ["subscriptions/s": "/subscriptions/s", "/subscriptions/s/": "/subscriptions/s",
                     "//subscriptions//s": "/subscriptions/s", " /subscriptions/s ": "/subscriptions/s",
                     "/PROVIDERS/Microsoft.Subscription/subscriptions/abc": "/subscriptions/abc",
                     "/providers/microsoft.subscription/subscriptions/abc/resourceGroups/r": "/subscriptions/abc/resourceGroups/r",
                     "": "/"]
        for (raw, expected) in cases {
            #expect(!Scope.isCanonical(raw) || raw == expected)
            #expect(Scope(raw).display == expected)
        }
        // Not the PIM form: same length prefix, other namespace.
        #expect(Scope.isCanonical("/providers/Microsoft.Management/managementGroups/x"))
    }

    @Test func canonicalGUIDKeysAreReturnedAsTheyAre() {
        #expect(AzureID.isCanonicalGUIDKey("95a6e107-7f8c-434d-9400-106e7d9ba68c"))
        #expect(!AzureID.isCanonicalGUIDKey("95A6E107-7F8C-434D-9400-106E7D9BA68C"))
        #expect(AzureID.guidKey("95A6E107-7F8C-434D-9400-106E7D9BA68C") == "95a6e107-7f8c-434d-9400-106e7d9ba68c")
        #expect(!AzureID.isCanonicalGUIDKey("95a6e1077f8c434d9400106e7d9ba68c"))
    }
}

@Suite struct CivilDateTests {
    @Test func roundTripsAndKnownDays() {
        #expect(CivilDate.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.days(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilDate.days(year: 2026, month: 11, day: 29) == 20_786)
        #expect(CivilDate.days(year: 1969, month: 12, day: 31) == -1)
        for day in stride(from: -800_000, through: 800_000, by: 997) {
            let c = CivilDate.civil(fromDays: day)
            #expect(CivilDate.days(year: c.year, month: c.month, day: c.day) == day)
        }
        #expect(CivilDate.civil(fromDays: 11_016) == (2000, 2, 29))
    }
}
