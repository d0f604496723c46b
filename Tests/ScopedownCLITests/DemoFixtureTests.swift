import Foundation
import ScopedownCore
import ScopedownTestSupport
import Testing

/// The bundled demo tenant agrees with its own EXPECTED.md and is internally consistent: every
/// reference resolves (except the deliberate orphan), evidence names real assignments, callers are
/// known. Plain JSON reads, independent of the importers.
@Suite("demo fixture")
struct DemoFixtureTests {
    static let demo = SharedData.fixture("demo")

    static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: demo.appendingPathComponent(relative)))
    }

    static func list(_ relative: String) throws -> [[String: Any]] {
        let top = try json(relative)
        if let array = top as? [[String: Any]] { return array }
        return (top as? [String: Any])?["value"] as? [[String: Any]] ?? []
    }

    /// The `| fact | value |` table of EXPECTED.md.
    static func expectedCounts() throws -> [String: String] {
        let text = try String(contentsOf: demo.appendingPathComponent("EXPECTED.md"), encoding: .utf8)
        var facts: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count == 2 { facts[cells[0]] = cells[1] }
        }
        return facts
    }

    static func archiveRecords() throws -> [[String: Any]] {
        let root = demo.appendingPathComponent("activity/insights-activity-logs")
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var records: [[String: Any]] = []
        for case let url as URL in walker where url.lastPathComponent == "PT1H.json" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for line in text.split(separator: "\n") {
                if let r = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { records.append(r) }
            }
        }
        return records
    }

    @Test("counts match EXPECTED.md")
    func countsMatchExpected() throws {
        let facts = try Self.expectedCounts()
        let az = try Self.list("assignments/az-role-assignment-list.json")
        let rest = try Self.list("assignments/mg-and-root.json")
        #expect("\(az.count + rest.count)" == facts["active role assignments (total)"])
        #expect("\(try Self.list("assignments/pim-eligible.json").count)" == facts["PIM eligible assignments (assignments/pim-eligible.json)"])
        #expect("\(try Self.list("subscriptions.json").count)" == facts["subscriptions"])
        let containers = try #require(try Self.json("resource-containers.json") as? [String: Any])
        let groups = (containers["data"] as? [[String: Any]] ?? []).filter { ($0["type"] as? String)?.hasSuffix("/resourcegroups") == true }
        #expect("\(groups.count)" == facts["resource groups (resource-containers.json)"])
        #expect("\(try Self.list("directory/users.json").count)" == facts["users (incl. 1 guest, 1 disabled)"])
        #expect("\(try Self.list("directory/groups.json").count)" == facts["groups"])
        #expect("\(try Self.list("roles/builtin-roles.json").count)" == facts["built-in roles in roles/builtin-roles.json"])
        #expect("\(try Self.list("roles/custom-roles.json").count)" == facts["custom roles in roles/custom-roles.json"])
        #expect("\(try Self.archiveRecords().count)" == facts["archive records (diagnostic-export lines, PT1H.json)"])
        #expect("\(try Self.list("activity/az-activity-log.json").count)" == facts["az events in activity/az-activity-log.json"])
    }

    @Test("management groups: the root is the tenant, three levels below it, one subscription directly under the root")
    func managementGroupTree() throws {
        let root = try #require(try Self.json("management-groups.json") as? [String: Any])
        let props = try #require(root["properties"] as? [String: Any])
        #expect(root["name"] as? String == props["tenantId"] as? String)
        func depth(_ node: [String: Any]) -> Int {
            let kids = (node["children"] as? [[String: Any]] ?? []).filter { ($0["type"] as? String)?.hasSuffix("managementGroups") == true }
            return kids.isEmpty ? 0 : 1 + (kids.map(depth).max() ?? 0)
        }
        #expect(depth(props) == 3)
        let rootSubs = (props["children"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "/subscriptions" }
        #expect(rootSubs.count == 1)
        let containers = try #require(try Self.json("resource-containers.json") as? [String: Any])
        let rows = containers["data"] as? [[String: Any]] ?? []
        let subRows = rows.filter { $0["type"] as? String == "microsoft.resources/subscriptions" }
        #expect(subRows.count == (try Self.list("subscriptions.json")).count)
        let untagged = subRows.filter { (($0["tags"] as? [String: String]) ?? [:])["owner"] == nil }
        #expect(untagged.count == 1)
        // the chain starts at the direct parent and ends at the tenant root group (REFERENCE.md §1.5)
        for row in subRows {
            let chain = (row["properties"] as? [String: Any])?["managementGroupAncestorsChain"] as? [[String: Any]] ?? []
            #expect(chain.last?["name"] as? String == root["name"] as? String)
        }
    }

    @Test("assignments: every role resolves, every principal resolves except the one orphan, every scope level is used")
    func assignmentReferences() throws {
        let roles = Set(try (Self.list("roles/builtin-roles.json") + Self.list("roles/custom-roles.json")).compactMap { ($0["name"] as? String)?.lowercased() })
        var principals = Set<String>()
        for file in ["directory/users.json", "directory/groups.json", "directory/servicePrincipals.json"] {
            principals.formUnion(try Self.list(file).compactMap { ($0["id"] as? String)?.lowercased() })
        }
        let az = try Self.list("assignments/az-role-assignment-list.json")
        let rest = try Self.list("assignments/mg-and-root.json").compactMap { $0["properties"] as? [String: Any] }
        let all = az + rest
        var unknownPrincipals = Set<String>()
        var levels = Set<Scope.Level>()
        var conditional = 0
        for a in all {
            let roleID = try #require(a["roleDefinitionId"] as? String)
            #expect(roles.contains(AzureID.roleDefinitionKey(roleID)), "unknown role \(roleID)")
            let pid = try #require((a["principalId"] as? String)?.lowercased())
            if !principals.contains(pid) { unknownPrincipals.insert(pid) }
            levels.insert(Scope(try #require(a["scope"] as? String)).level)
            if let c = a["condition"] as? String, !c.isEmpty { conditional += 1 }
        }
        #expect(unknownPrincipals.count == 1)
        #expect(levels == Set(Scope.Level.allCases))
        #expect(conditional == 2)
        #expect(all.contains { $0["scope"] as? String == "/" })
        #expect(all.contains { ($0["scope"] as? String)?.contains("/blobServices/default/containers/") == true })
    }

    @Test("group members name known principals; nesting is three groups deep")
    func groupMembers() throws {
        let groups = Set(try Self.list("directory/groups.json").compactMap { $0["id"] as? String })
        var known = groups
        known.formUnion(try Self.list("directory/users.json").compactMap { $0["id"] as? String })
        known.formUnion(try Self.list("directory/servicePrincipals.json").compactMap { $0["id"] as? String })
        var childGroups: [String: [String]] = [:]
        for g in groups {
            let members = try Self.list("directory/groups/\(g)/members.json")
            for m in members {
                let id = try #require(m["id"] as? String)
                #expect(known.contains(id))
                #expect((m["@odata.type"] as? String)?.hasPrefix("#microsoft.graph.") == true)
                if groups.contains(id) { childGroups[g, default: []].append(id) }
            }
        }
        func depth(_ g: String, _ seen: Set<String>) -> Int {
            (childGroups[g] ?? []).filter { !seen.contains($0) }.map { 1 + depth($0, seen.union([$0])) }.max() ?? 0
        }
        #expect(groups.map { depth($0, [$0]) }.max() == 2)  // a group inside a group inside a group
    }

    @Test("archive events: evidence names a real assignment of the caller or its group, with dash-less GUIDs")
    func evidenceResolves() throws {
        var assignments: [String: [String: Any]] = [:]
        for a in try Self.list("assignments/az-role-assignment-list.json") { assignments[AzureID.guidKey(a["name"] as? String ?? "")] = a }
        for a in try Self.list("assignments/mg-and-root.json") {
            assignments[AzureID.guidKey(a["name"] as? String ?? "")] = a["properties"] as? [String: Any]
        }
        var catalog = Set<String>()
        for p in try Self.list("catalog/provider-operations.json") {
            for o in p["operations"] as? [[String: Any]] ?? [] { catalog.insert(((o["name"] as? String) ?? "").lowercased()) }
            for rt in p["resourceTypes"] as? [[String: Any]] ?? [] {
                for o in rt["operations"] as? [[String: Any]] ?? [] { catalog.insert(((o["name"] as? String) ?? "").lowercased()) }
            }
        }
        let records = try Self.archiveRecords()
        var withEvidence = 0
        for r in records {
            let identity = try #require(r["identity"] as? [String: Any])
            let auth = try #require(identity["authorization"] as? [String: Any])
            let action = try #require(auth["action"] as? String)
            #expect(catalog.contains(action.lowercased()), "\(action) not in the catalog slice")
            let claims = try #require(identity["claims"] as? [String: Any])
            #expect(claims["http://schemas.microsoft.com/identity/claims/objectidentifier"] is String)
            guard let evidence = auth["evidence"] as? [String: Any] else {
                #expect(r["resultType"] as? String != "Success")  // only denied attempts lack evidence
                continue
            }
            withEvidence += 1
            let raw = try #require(evidence["roleAssignmentId"] as? String)
            #expect(raw.count == 32 && !raw.contains("-"))
            let assignment = try #require(assignments[AzureID.guidKey(raw)], "evidence names unknown assignment \(raw)")
            #expect(AzureID.guidKey(evidence["principalId"] as? String ?? "") == (assignment["principalId"] as? String)?.lowercased())
            #expect(AzureID.roleDefinitionKey(evidence["roleDefinitionId"] as? String ?? "")
                    == AzureID.roleDefinitionKey(assignment["roleDefinitionId"] as? String ?? ""))
            let scope = Scope(try #require(auth["scope"] as? String))
            let assignedAt = Scope(try #require(evidence["roleAssignmentScope"] as? String))
            if assignedAt.level != .managementGroup && assignedAt.level != .root {
                #expect(scope.isLexicallyWithin(assignedAt))
            }
        }
        #expect(withEvidence > 1_500)
    }

    @Test("az events: the overlap file repeats eventDataIds of the main file; the az shape carries no evidence")
    func azShape() throws {
        let main = try Self.list("activity/az-activity-log.json")
        let overlap = try Self.list("activity/az-activity-log-overlap.json")
        let ids = Set(main.compactMap { $0["eventDataId"] as? String })
        #expect(ids.count == main.count)
        #expect(!overlap.isEmpty && overlap.allSatisfy { ids.contains($0["eventDataId"] as? String ?? "") })
        for e in main {
            #expect(e["authorization"] is [String: Any])
            #expect((e["authorization"] as? [String: Any])?["evidence"] == nil)
            #expect(e["caller"] is String)
        }
    }
}
