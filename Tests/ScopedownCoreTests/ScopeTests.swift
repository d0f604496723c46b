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

/// The byte paths of `Scope` (ASCII text) against the Character-based definitions they replace.
@Suite struct ScopeBytePathTests {
    static func level(_ key: String) -> Scope.Level {
        let s = key.split(separator: "/", omittingEmptySubsequences: true)
        if s.isEmpty { return .root }
        if s.count == 3 || s.count == 4, s[0] == "providers", s[1] == "microsoft.management", s[2] == "managementgroups" { return .managementGroup }
        if s[0] == "subscriptions" {
            if s.count <= 2 { return .subscription }
            if s.count <= 4, s[2] == "resourcegroups" { return .resourceGroup }
        }
        return .resource
    }

    static func prefix(_ display: String, _ n: Int, second: String?) -> Scope? {
        let d = display.split(separator: "/", omittingEmptySubsequences: true)
        guard d.count >= n, d[0].lowercased() == "subscriptions" else { return nil }
        if let second, d[2].lowercased() != second { return nil }
        return Scope("/" + d[0..<n].joined(separator: "/"))
    }

    @Test("level, subscription id, subscription and resource-group scopes as the Character split gives them")
    func sameAsCharacterSplit() {
        let raw = ["/", "/subscriptions", "/subscriptions/S1", "/SUBSCRIPTIONS/s1/ResourceGroups/RG", "/subscriptions/s1/resourcegroups",
                   "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/w", "/subscriptions/s1/providers/Microsoft.Web/sites/w",
                   "/providers/Microsoft.Management/managementGroups", "/providers/Microsoft.Management/managementGroups/mg-1",
                   "/providers/Microsoft.Management/managementGroups/a/b", "/providers/Microsoft.Subscription/subscriptions/S2/resourceGroups/x",
                   "/subscriptions/s1/resourceGroups/rg\u{301}/x", "/subscriptions/s\u{0301}1/resourceGroups/rg", "/subscriptions/é/resourceGroups/Ünï",
                   "/subscriptions/s1/resourceGroups/rg /y", "//subscriptions//s1///resourceGroups/rg//", "/tenants/t/x", "/SubScriptions/x/RESOURCEGROUPS/y/z"]
        for r in raw {
            let s = Scope(r)
            #expect(s.level == Self.level(s.key), "\(r)")
            let segs = s.key.split(separator: "/", omittingEmptySubsequences: true)
            #expect(s.subscriptionID == (segs.count >= 2 && segs[0] == "subscriptions" ? String(segs[1]) : nil), "\(r)")
            #expect(s.subscriptionScope?.display == Self.prefix(s.display, 2, second: nil)?.display, "\(r)")
            #expect(s.resourceGroupScope?.display == Self.prefix(s.display, 4, second: "resourcegroups")?.display, "\(r)")
        }
    }
}
