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
}
