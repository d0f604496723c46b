import Foundation
import ScopedownCore
import ScopedownRender
import Testing

/// The emitters on hostile text: a role name, description and condition written by anyone who can
/// create a custom role must not break out of HCL, Bicep, shell or Markdown strings.
@Suite("Change emitters")
struct ChangeEmittersTests {
    static let hostile = "evil\"${x}%{y}'$(rm -rf /)`\\\n# \u{1B}[31m"
    static let sub = Scope("/subscriptions/11111111-0000-4000-8000-000000000001")

    static var plan: ChangePlan { plan(hostile) }

    static func plan(_ hostile: String) -> ChangePlan {
        let role = RoleDefinition(id: "22222222-0000-4000-8000-000000000001", resourceID: "", roleName: "scopedown-x-1",
                                  description: hostile, isCustom: true,
                                  permissions: [PermissionBlock(actions: ["Microsoft.Compute/virtualMachines/start/action", hostile])],
                                  assignableScopes: [sub])
        let old = RoleAssignment(id: "33333333-0000-4000-8000-000000000001", resourceID: sub.display + "/providers/Microsoft.Authorization/roleAssignments/33333333-0000-4000-8000-000000000001",
                                 scope: sub, roleDefinitionID: "44444444-0000-4000-8000-000000000001",
                                 principalID: "55555555-0000-4000-8000-000000000001", principalType: "User", condition: hostile)
        var new = old
        new.id = "66666666-0000-4000-8000-000000000001"
        new.roleDefinitionID = role.id
        new.scope = Scope(sub.display + "/resourceGroups/rg-1")
        return ChangePlan(roles: [role], changes: [
            ChangePlan.Change(kind: "replace-with-custom", old: old, oldRoleName: hostile, new: [new], newRoleName: role.roleName,
                              eligible: false, reason: hostile),
        ])
    }

    @Test("Terraform strings escape quotes, backslashes, templates and control characters")
    func terraform() throws {
        let files = ChangeEmitters.terraform(Self.plan)
        let tf = try #require(files.first?.1)
        #expect(tf.contains(#""evil\"$${x}%%{y}'$(rm -rf /)`\\\n# \u001b[31m""#))
        #expect(!tf.contains("\u{1B}"))
        // Comments stay on one line.
        for line in tf.split(separator: "\n") where line.hasPrefix("#") { #expect(!line.contains("\u{1B}")) }
        if HCLCheck.available {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-\(UUID().uuidString).tf")
            try tf.write(to: url, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: url) }
            #expect(HCLCheck.parses(url.path))
        }
    }

    @Test("Bicep strings escape quotes, backslashes, interpolation and control characters")
    func bicep() throws {
        let files = ChangeEmitters.bicep(Self.plan)
        #expect(files.map(\.0) == ["bicep/subscription-11111111-0000-4000-8000-000000000001.bicep",
                                   "bicep/resourceGroup-11111111-0000-4000-8000-000000000001-rg-1.bicep"])
        let all = files.map(\.1).joined()
        #expect(all.contains(#"'evil"\${x}%{y}\'\$(rm -rf /)`\\\n# \u{1b}[31m'"#))
        #expect(!all.contains("\u{1B}"))
        #expect(all.contains("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '22222222-0000-4000-8000-000000000001')"))
    }

    @Test("a quote, backslash or control character followed by a combining mark is escaped all the same")
    func combiningMarks() throws {
        // Each is one `Character` with the mark, but a quote, a backslash or ESC to a parser.
        let text = "a\"\u{301}b\\\u{301}c'\u{301}d\u{1B}\u{301}[31m"
        let tf = try #require(ChangeEmitters.terraform(Self.plan(text)).first?.1)
        #expect(tf.contains("\"a\\\"\u{301}b\\\\\u{301}c'\u{301}d\\u001b\u{301}[31m\""))
        #expect(!tf.contains("\u{1B}"))
        if HCLCheck.available {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-\(UUID().uuidString).tf")
            try tf.write(to: url, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: url) }
            #expect(HCLCheck.parses(url.path))
        }
        // A shell quote that carries a mark still closes the word, so it is escaped.
        let sh = try #require(Dictionary(ChangeEmitters.plan(Self.plan("x'\u{301}y")), uniquingKeysWith: { a, _ in a })["plan.sh"])
        #expect(sh.contains("--condition 'x'\\''\u{301}y'"))
        // A template start whose brace carries a mark is still doubled.
        let template = try #require(ChangeEmitters.terraform(Self.plan("${\u{301}x}")).first?.1)
        #expect(template.contains("\"$${\u{301}x}\""))
        let bicep = ChangeEmitters.bicep(Self.plan(text)).map(\.1).joined()
        #expect(bicep.contains("'a\"\u{301}b\\\\\u{301}c\\'\u{301}d\\u{1b}\u{301}[31m'"))
        #expect(!bicep.contains("\u{1B}"))
    }

    @Test("the migration plan quotes shell words and keeps the safe order")
    func plan() throws {
        let files = Dictionary(ChangeEmitters.plan(Self.plan), uniquingKeysWith: { a, _ in a })
        let sh = try #require(files["plan.sh"])
        #expect(sh.contains(#"--condition $'evil"${x}%{y}\'$(rm -rf /)`\\\n# \u001b[31m'"#))
        let order = ["az role definition create", "az role assignment create", "az role assignment list", "az role assignment delete --ids"]
        let positions = order.compactMap { sh.range(of: $0)?.lowerBound }
        #expect(positions.count == 4 && positions == positions.sorted())
        #expect(files["roles/scopedown-x-1.json"] != nil)
        let md = try #require(files["plan.md"])
        #expect(!md.contains("\u{1B}"))
    }

    @Test("az CLI role files carry the keys az takes")
    func azcli() throws {
        let f = try #require(ChangeEmitters.azcli(Self.plan).first)
        #expect(f.0 == "roles/scopedown-x-1.json")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(f.1.utf8)) as? [String: Any])
        #expect(obj["Name"] as? String == "scopedown-x-1")
        #expect(obj["AssignableScopes"] as? [String] == [Self.sub.display])
        #expect((obj["Actions"] as? [String])?.count == 2)
    }
}

enum HCLCheck {
    static func parses(_ path: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import hcl2, sys\nhcl2.load(open(sys.argv[1]))"] + (path.isEmpty ? [] : [path])
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    static let available: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import hcl2"]
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()
}
