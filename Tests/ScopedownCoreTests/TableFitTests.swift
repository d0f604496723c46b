import ScopedownCore
@testable import ScopedownRender
import Testing

@Suite("tables that fit, names first")
struct TableFitTests {
    @Test("a 10,000-character role name never makes a line wider than the table's width")
    func hugeCell() {
        let huge = String(repeating: "Role", count: 2_500)
        var t = Table(columns: ["PRINCIPAL", "ROLE", "SCOPE", "USES"], fits: [.end, .end, .middle, .keep])
        t.append(["Alice Moreau <alice@contoso.example>", huge, "/subscriptions/11111111-0000-4000-8000-000000000001/resourceGroups/rg", "12"])
        for width in [40, 80, 120] {
            let lines = t.render(width: width).split(separator: "\n")
            #expect(lines.allSatisfy { $0.count <= width }, "width \(width)")
            #expect(lines[2].hasSuffix("12"))
        }
        #expect(t.render().split(separator: "\n")[2].count > 10_000)
    }

    @Test("ids and scopes are cut in the middle, names at the end; a table that fits is unchanged")
    func truncation() {
        #expect(Table.truncate("0fead4ab-4657-40d1-bf2a-fc76cf9cce7d", to: 11, fit: .middle) == "0fead…cce7d")
        #expect(Table.truncate("Virtual Machine Contributor", to: 8, fit: .end) == "Virtual…")
        #expect(Table.truncate("short", to: 8, fit: .end) == "short")
        var t = Table(columns: ["A", "B"], fits: [.end, .end])
        t.append(["x", "y"])
        #expect(t.render(width: 80) == t.render())
    }

    @Test("the room is shared in proportion to need: a long name keeps more than a short keyword")
    func proportional() {
        let w = Table.fitted([60, 10, 8], headers: [4, 4, 4], fits: [.end, .end, .keep], width: 50)
        #expect(w.reduce(0, +) + 4 <= 50)
        #expect(w[0] > w[1])
        #expect(w[2] == 8)
    }

    @Test("prose wraps under its indent and a long word is cut, never wider than the width")
    func wrap() {
        let lines = TextWrap.wrap("  - deny `" + String(repeating: "x", count: 150) + "` at sub:prod (inherited)", width: 60)
        #expect(lines.allSatisfy { $0.count <= 60 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("    ") })
        #expect(TextWrap.wrap("short line", width: 60) == ["short line"])
    }

    @Test("principals by name with UPN or app id and type; shared display names stay distinguishable; scopes shortened")
    func names() {
        let snapshot = AuthorizationSnapshot(
            principals: [
                Principal(id: "11111111-0000-4000-8000-000000000001", kind: .user, displayName: "Alice", userPrincipalName: "alice@contoso.example",
                          userType: "Guest", accountEnabled: false),
                Principal(id: "22222222-0000-4000-8000-000000000002", kind: .servicePrincipal, displayName: "deploy", appID: "app-1"),
                Principal(id: "33333333-0000-4000-8000-000000000003", kind: .managedIdentity, displayName: "deploy", appID: "app-2"),
            ],
            managementGroups: [ManagementGroup(name: "corp", displayName: "Corp", parentName: nil)],
            subscriptions: [Subscription(id: "44444444-0000-4000-8000-000000000004", displayName: "prod")])
        let book = NameBook(snapshot: snapshot)
        let alice = book.principal("11111111-0000-4000-8000-000000000001")
        #expect(alice.label == "Alice <alice@contoso.example>")
        #expect(alice.flags == ["guest", "disabled"])
        let a = book.principal("22222222-0000-4000-8000-000000000002"), b = book.principal("33333333-0000-4000-8000-000000000003")
        #expect(a.label != b.label)
        #expect(a.label.hasPrefix("deploy (app app-1)") && a.label.contains("22222222"))
        #expect(b.typeLabel == "managed identity")
        let gone = book.principal("55555555-0000-4000-8000-000000000005")
        #expect(gone.orphaned && gone.flags == ["orphaned"])
        #expect(book.scope("/providers/Microsoft.Management/managementGroups/corp") == "mg:Corp")
        #expect(book.scope("/subscriptions/44444444-0000-4000-8000-000000000004/resourceGroups/rg-data/providers/Microsoft.KeyVault/vaults/kv1")
                == "sub:prod/rg:rg-data/vaults/kv1")
        #expect(book.scope("/") == "/")
    }
}
