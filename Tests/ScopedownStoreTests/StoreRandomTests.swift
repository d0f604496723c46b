import Foundation
import Testing
import ScopedownCore
import ScopedownImport
import ScopedownTestSupport
@testable import ScopedownStore

/// Random tenants written in random splits across files, some objects repeated in several files:
/// the snapshot must equal the union, whatever the split (the store's upsert is order-independent
/// for identical content).
@Suite("Store random round trips")
struct StoreRandomTests {
    static let alphabet = Array("abcXYZ019 -_/.*'\";é漢\u{1B}\u{7}=+@")

    static func text(_ rng: inout SeededGenerator, max: Int = 12) -> String {
        String((0..<Int.random(in: 0...max, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? "a" })
    }

    static func guid(_ n: Int, _ salt: Int) -> String {
        let h = String(n, radix: 16), s = String(salt, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s + "-0000-0000-0000-" + String(repeating: "0", count: 12 - h.count) + h
    }

    static func tenant(_ rng: inout SeededGenerator) -> ImportBatch {
        var b = ImportBatch(kind: .roleAssignments, shape: "random")
        let nRoles = Int.random(in: 1...8, using: &rng)
        for r in 0..<nRoles {
            let blocks = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                PermissionBlock(actions: (0..<Int.random(in: 0...3, using: &rng)).map { _ in text(&rng) },
                                notActions: (0..<Int.random(in: 0...2, using: &rng)).map { _ in text(&rng) },
                                dataActions: (0..<Int.random(in: 0...2, using: &rng)).map { _ in text(&rng) },
                                notDataActions: (0..<Int.random(in: 0...1, using: &rng)).map { _ in text(&rng) },
                                condition: Bool.random(using: &rng) ? text(&rng) : nil)
            }
            b.roleDefinitions.append(RoleDefinition(id: guid(r, 1), resourceID: "/providers/x/\(r)", roleName: text(&rng),
                                                    description: text(&rng, max: 40), isCustom: Bool.random(using: &rng),
                                                    permissions: blocks))
        }
        for a in 0..<Int.random(in: 0...30, using: &rng) {
            let sub = guid(Int.random(in: 0...3, using: &rng), 2)
            let scope = [String("/"), "/subscriptions/\(sub)", "/subscriptions/\(sub)/resourceGroups/RG\(a % 3)",
                         "/providers/Microsoft.Management/managementGroups/mg\(a % 2)"].randomElement(using: &rng) ?? "/"
            b.roleAssignments.append(RoleAssignment(
                id: guid(a, 3), resourceID: "ra/\(a)", scope: Scope(scope),
                roleDefinitionID: guid(Int.random(in: 0..<nRoles + 1, using: &rng), 1),
                principalID: guid(Int.random(in: 0...9, using: &rng), 4), principalType: "User",
                state: Bool.random(using: &rng) ? .active : .eligible,
                condition: Bool.random(using: &rng) ? text(&rng) : nil, description: Bool.random(using: &rng) ? text(&rng) : nil))
        }
        for p in 0..<10 where Bool.random(using: &rng) {
            b.principals.append(Principal(id: guid(p, 4), kind: .user, displayName: text(&rng),
                                          userPrincipalName: Bool.random(using: &rng) ? text(&rng) : nil))
        }
        return b
    }

    /// Splits a batch into files; each object lands in one or two files.
    static func split(_ b: ImportBatch, into n: Int, _ rng: inout SeededGenerator) -> [ImportBatch] {
        var files = (0..<n).map { ImportBatch(kind: .roleAssignments, shape: "random \($0)") }
        func place(_ put: (inout ImportBatch) -> Void) {
            let first = Int.random(in: 0..<n, using: &rng)
            put(&files[first])
            if Bool.random(using: &rng) { put(&files[Int.random(in: 0..<n, using: &rng)]) }
        }
        for r in b.roleDefinitions { place { $0.roleDefinitions.append(r) } }
        for a in b.roleAssignments { place { $0.roleAssignments.append(a) } }
        for p in b.principals { place { $0.principals.append(p) } }
        return files
    }

    @Test("the snapshot is the union of the files, whatever the split and the order")
    func randomSplits() throws {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<RandomCases.count(default: 15) {
            let whole = Self.tenant(&rng)
            let files = Self.split(whole, into: Int.random(in: 1...4, using: &rng), &rng)
            let tmp = TempDB(); defer { tmp.cleanup() }
            let store = try Store(path: tmp.path)
            for (i, f) in files.enumerated() {
                let r = try store.write(Sample.decoded(f, name: "f\(i).json", sha: "sha\(i)"))
                #expect(r.warnings.isEmpty, "\(r.warnings)")
            }
            let snap = try store.loadSnapshot()
            #expect(snap.roleDefinitions == whole.roleDefinitions.sorted { $0.id < $1.id })
            #expect(snap.roleAssignments == whole.roleAssignments.sorted { ($0.id, $0.state.rawValue) < ($1.id, $1.state.rawValue) })
            #expect(snap.principals == whole.principals.sorted { $0.id < $1.id })
        }
    }

    @Test("the evaluation snapshot is the full one less the fields the evaluator never reads")
    func evaluationSnapshot() throws {
        var rng = SeededGenerator(seed: 7)
        for n in 0..<RandomCases.count(default: 10) {
            var whole = Self.tenant(&rng)
            // The same id active and eligible; on odd cases, ids whose byte order (the index's)
            // differs from Swift's order (canonically equivalent spellings), so the sort is used.
            if let a = whole.roleAssignments.first {
                var twin = a
                twin.state = a.state == .active ? .eligible : .active
                whole.roleAssignments.append(twin)
            }
            if n % 2 == 1 {
                for (k, id) in ["\u{E9}a", "e\u{301}b", "z", "\u{6F22}"].enumerated() {
                    whole.roleAssignments.append(RoleAssignment(
                        id: id, resourceID: "ra/x\(k)", scope: Scope("/"), roleDefinitionID: Self.guid(0, 1),
                        principalID: Self.guid(k, 4), principalType: "User", state: k % 2 == 0 ? .active : .eligible))
                }
            }
            let tmp = TempDB(); defer { tmp.cleanup() }
            let store = try Store(path: tmp.path)
            _ = try store.write(Sample.decoded(whole, name: "t.json", sha: "sha\(n)"))
            let full = try store.loadSnapshot()
            let fast = try store.loadEvaluationSnapshot()
            #expect(full.roleAssignments.indices.dropFirst().allSatisfy {
                let a = full.roleAssignments[$0 - 1], b = full.roleAssignments[$0]
                return a.id != b.id ? a.id < b.id : (a.state == .active && b.state == .eligible)
            })
            #expect(fast.roleAssignments == full.roleAssignments.map { a in
                var a = a
                a.resourceID = ""
                a.conditionVersion = nil; a.description = nil; a.createdOn = nil; a.updatedOn = nil; a.createdBy = nil
                a.delegatedManagedIdentityResourceID = nil; a.startDateTime = nil; a.endDateTime = nil
                return a
            })
            #expect(fast.roleDefinitions == full.roleDefinitions.map { r in
                var r = r
                r.resourceID = ""; r.description = ""; r.assignableScopes = []; r.createdOn = nil; r.updatedOn = nil
                return r
            })
            #expect(fast.principals == full.principals.map { p in
                var p = p
                p.userType = nil; p.appID = nil; p.mail = nil; p.accountEnabled = nil
                return p
            })
            #expect(fast.denyAssignments == full.denyAssignments)
            #expect(fast.memberships == full.memberships)
            #expect(fast.managementGroups == full.managementGroups)
            #expect(fast.resources.isEmpty)
        }
    }
}
