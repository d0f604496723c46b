import Foundation
import ScopedownCore
import ScopedownTestSupport
@testable import ScopedownSynth
import Testing

/// A fresh temporary folder per test.
func temporaryFolder(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("scopedown-synth-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    try? FileManager.default.removeItem(at: url)
    return url
}

func small(_ out: URL, seed: UInt64 = 7, shape: ActivityShape = .both, events: Int = 3_000,
           roles: String? = nil, catalog: String? = nil) -> SynthParameters {
    SynthParameters(outputDirectory: out.path, subscriptions: 5, assignments: 150, events: events, seed: seed, customRoles: 9,
                    rolesFile: roles, catalogFile: catalog, activityShape: shape)
}

/// Every file below `root`, by relative path, with its bytes.
func snapshot(_ root: URL) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for f in SynthTenantFiles.files(under: root) {
        out[String(f.path.dropFirst(root.path.count))] = try Data(contentsOf: f)
    }
    return out
}

/// One Activity Log record read back from either shape, normalized.
struct ReadEvent {
    var caller: String
    var action: String
    var scope: Scope
    var status: String          // start, success, failure
    var authorizationFailed: Bool
    var evidenceAssignment: String?
}

func readEvents(_ root: URL) throws -> (events: [ReadEvent], archiveLines: Int, azItems: Int) {
    var events: [ReadEvent] = []
    var archiveLines = 0, azItems = 0
    let oid = "http://schemas.microsoft.com/identity/claims/objectidentifier"
    for f in SynthTenantFiles.files(under: root.appendingPathComponent("activity")) {
        if f.lastPathComponent == "PT1H.json" {
            // Diagnostic archive: one JSON object per line (REFERENCE.md §1.9.2).
            let text = try String(contentsOf: f, encoding: .utf8)
            for line in text.split(separator: "\n") {
                archiveLines += 1
                let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let identity = try #require(o["identity"] as? [String: Any])
                let authz = try #require(identity["authorization"] as? [String: Any])
                let claims = try #require(identity["claims"] as? [String: Any])
                let result = try #require(o["resultType"] as? String)
                let props = try #require(o["properties"] as? [String: Any])
                let evidence = authz["evidence"] as? [String: Any]
                events.append(ReadEvent(caller: AzureID.guidKey(try #require(claims[oid] as? String)),
                                        action: try #require(authz["action"] as? String),
                                        scope: Scope(try #require(authz["scope"] as? String)),
                                        status: result.lowercased(),
                                        authorizationFailed: ((props["statusMessage"] as? String) ?? "").contains("AuthorizationFailed"),
                                        evidenceAssignment: (evidence?["roleAssignmentId"] as? String).map(AzureID.guidKey)))
                #expect(line.utf8.count >= 1_500 && line.utf8.count <= 4_000, "event size \(line.utf8.count)")
                if let e = evidence { #expect(((e["roleDefinitionId"] as? String) ?? "").count == 32, "dash-less GUIDs") }
            }
        } else {
            // az monitor activity-log list: a JSON array of EventData (REFERENCE.md §1.9.1).
            let list = try #require(try SynthTenantFiles.json(f) as? [[String: Any]])
            for o in list {
                azItems += 1
                let authz = try #require(o["authorization"] as? [String: Any])
                let claims = try #require(o["claims"] as? [String: Any])
                let status = try #require((o["status"] as? [String: Any])?["value"] as? String)
                #expect(o["eventDataId"] is String)
                #expect(authz["evidence"] == nil)
                let sub = (o["subStatus"] as? [String: Any])?["value"] as? String
                let props = try #require(o["properties"] as? [String: Any])
                events.append(ReadEvent(caller: AzureID.guidKey(try #require(claims[oid] as? String)),
                                        action: try #require(authz["action"] as? String),
                                        scope: Scope(try #require(authz["scope"] as? String)),
                                        status: ["started": "start", "succeeded": "success", "failed": "failure"][status.lowercased()] ?? status,
                                        authorizationFailed: sub == "Forbidden" && ((props["statusMessage"] as? String) ?? "").contains("AuthorizationFailed"),
                                        evidenceAssignment: nil))
            }
        }
    }
    return (events, archiveLines, azItems)
}

/// Checks that every authorized event's caller holds the action at that scope: an assignment of the
/// caller or of one of its groups (transitively), at the scope or an ancestor, whose role grants it;
/// and that evidence, where present, names such an assignment.
func checkCallersHoldActions(_ root: URL) throws -> Int {
    let tenant = try SynthTenantFiles(root: root)
    let (events, _, _) = try readEvents(root)
    var groupsCache: [String: Set<String>] = [:]
    var byPrincipal: [String: [Int]] = [:]
    for (i, a) in tenant.assignments.enumerated() { byPrincipal[a.principal, default: []].append(i) }
    var checked = 0
    for e in events where !e.authorizationFailed {
        let who = groupsCache[e.caller] ?? tenant.principalAndGroups(e.caller)
        groupsCache[e.caller] = who
        let holding = who.flatMap { byPrincipal[$0] ?? [] }.filter { i in
            let a = tenant.assignments[i]
            return tenant.isAtOrAbove(a.scope, e.scope) && tenant.grants(role: a.role, action: e.action)
        }
        #expect(!holding.isEmpty, "caller \(e.caller) does not hold \(e.action) at \(e.scope)")
        if let ev = e.evidenceAssignment {
            #expect(holding.contains { tenant.assignments[$0].id == ev }, "evidence \(ev) does not grant \(e.action)")
        }
        // Deny assignments protect their resource groups: no authorized event inside them.
        #expect(!tenant.denyScopes.contains { e.scope.isLexicallyWithin($0) })
        #expect(!e.action.lowercased().hasSuffix("/read"), "the Activity Log records no reads")
        checked += 1
    }
    return checked
}

@Suite("Synthesizer")
struct SynthesizerTests {
    @Test("the same seed gives byte-identical files; another seed gives other files")
    func deterministic() throws {
        let a = temporaryFolder("det-a"), b = temporaryFolder("det-b"), c = temporaryFolder("det-c")
        defer { for u in [a, b, c] { try? FileManager.default.removeItem(at: u) } }
        let sa = try Synthesizer.run(small(a))
        let sb = try Synthesizer.run(small(b))
        _ = try Synthesizer.run(small(c, seed: 8))
        let fa = try snapshot(a), fb = try snapshot(b), fc = try snapshot(c)
        #expect(fa.count > 20)
        #expect(fa.keys.sorted() == fb.keys.sorted())
        for (k, v) in fa { #expect(fb[k] == v, "\(k) differs between two runs with the same seed") }
        #expect(sa.text.replacingOccurrences(of: a.path, with: "") == sb.text.replacingOccurrences(of: b.path, with: ""))
        #expect(fa["/MANIFEST.json"] != fc["/MANIFEST.json"])
        #expect(fa["/management-groups.json"] != fc["/management-groups.json"])
    }

    @Test("counts match the parameters and MANIFEST.json")
    func counts() throws {
        let out = temporaryFolder("counts")
        defer { try? FileManager.default.removeItem(at: out) }
        let p = small(out)
        let summary = try Synthesizer.run(p)
        let files = try SynthTenantFiles(root: out)
        #expect(files.subscriptions.count == p.subscriptions)
        #expect(files.assignments.count == p.assignments)
        #expect(files.customRoleCount == p.customRoles)
        #expect(files.eligibleCount == summary.count("eligibleAssignments"))
        #expect(files.denyScopes.count == summary.count("denyAssignments"))
        #expect((summary.count("denyAssignments") ?? 0) >= 1)
        #expect((summary.count("conditionalAssignments") ?? 0) >= 1)
        #expect(summary.count("managementGroupDepth") == 6)
        for level in ["assignmentsAtManagementGroups", "assignmentsAtSubscriptions", "assignmentsAtResourceGroups", "assignmentsAtResources"] {
            #expect((summary.count(level) ?? 0) > 0, "no assignment at \(level)")
        }
        let (_, lines, items) = try readEvents(out)
        #expect(summary.activity.records == p.events)
        #expect(lines + items == p.events + summary.activity.duplicateRecords)
        #expect(summary.activity.archiveFiles > 0 && summary.activity.azFiles > 0)
        #expect(summary.activity.authorizationFailures > 0)
        let manifest = try #require(try SynthTenantFiles.json(out.appendingPathComponent("MANIFEST.json")) as? [String: Any])
        let counts = try #require(manifest["counts"] as? [String: Int])
        #expect(counts["roleAssignments"] == p.assignments)
        let activity = try #require(manifest["activity"] as? [String: Any])
        #expect(activity["records"] as? Int == p.events)
        #expect(manifest["seed"] as? String == "7")
        // Principals of every kind, guests among the users.
        let kinds = Set(files.principalKinds.values)
        #expect(kinds == ["#microsoft.graph.user", "#microsoft.graph.group", "#microsoft.graph.servicePrincipal"])
        #expect(files.members.values.contains { $0.contains { files.principalKinds[$0] == "#microsoft.graph.group" } },
                "some groups are nested")
    }

    @Test("every authorized event's caller holds the action at an ancestor scope (embedded roles, both shapes)")
    func callersHoldActions() throws {
        let out = temporaryFolder("hold")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Synthesizer.run(small(out))
        let checked = try checkCallersHoldActions(out)
        #expect(checked > 2_000)
    }

    @Test("with the real built-in roles and catalog, callers still hold their actions",
          .enabled(if: SharedData.isAvailable, SharedData.skipMessage))
    func realRolesAndCatalog() throws {
        let out = temporaryFolder("real")
        defer { try? FileManager.default.removeItem(at: out) }
        let roles = SharedData.url("builtin-roles.json"), catalog = SharedData.url("provider-operations.json")
        let summary = try Synthesizer.run(small(out, seed: 11, shape: .archive, events: 1_500, roles: roles.path, catalog: catalog.path))
        #expect(summary.count("builtInRoles") == 928)
        #expect(try Data(contentsOf: out.appendingPathComponent("roles/builtin-roles.json")) == Data(contentsOf: roles))
        #expect(try Data(contentsOf: out.appendingPathComponent("catalog/provider-operations.json")) == Data(contentsOf: catalog))
        #expect(try checkCallersHoldActions(out) > 1_000)
    }

    @Test("events stay realistic: start/success pairs share a correlation id, archive paths follow the Storage layout")
    func archiveLayout() throws {
        let out = temporaryFolder("layout")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Synthesizer.run(small(out, shape: .archive, events: 800))
        let files = SynthTenantFiles.files(under: out.appendingPathComponent("activity"))
        #expect(!files.isEmpty)
        var starts = Set<String>(), ends = Set<String>()
        for f in files {
            let rel = String(f.path.dropFirst(out.path.count))
            #expect(rel.range(of: #"^/activity/insights-activity-logs/resourceId=/SUBSCRIPTIONS/[0-9A-F-]{36}/y=\d{4}/m=\d{2}/d=\d{2}/h=\d{2}/m=00/PT1H\.json$"#,
                              options: .regularExpression) != nil, "\(rel)")
            for line in try String(contentsOf: f, encoding: .utf8).split(separator: "\n") {
                let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let id = try #require(o["correlationId"] as? String)
                switch o["resultType"] as? String {
                case "Start": starts.insert(id)
                case "Success": ends.insert(id)
                default: break
                }
            }
        }
        #expect(!ends.isEmpty)
        #expect(ends.isSubset(of: starts), "a success without its start")
    }

    @Test("duplicates are exact copies (same archive line, same az eventDataId); everything else is unique")
    func duplicates() throws {
        let out = temporaryFolder("dups")
        defer { try? FileManager.default.removeItem(at: out) }
        let summary = try Synthesizer.run(small(out, seed: 3, events: 20_000))
        var lines: [Substring: Int] = [:]
        var ids: [String: Int] = [:]
        for f in SynthTenantFiles.files(under: out.appendingPathComponent("activity")) {
            if f.lastPathComponent == "PT1H.json" {
                for line in try String(contentsOf: f, encoding: .utf8).split(separator: "\n") { lines[line, default: 0] += 1 }
            } else {
                for o in try #require(try SynthTenantFiles.json(f) as? [[String: Any]]) {
                    ids[try #require(o["eventDataId"] as? String), default: 0] += 1
                }
            }
        }
        let repeated = lines.values.reduce(0) { $0 + $1 - 1 } + ids.values.reduce(0) { $0 + $1 - 1 }
        #expect(summary.activity.duplicateRecords > 0)
        #expect(repeated == summary.activity.duplicateRecords)
    }

    @Test("bad --roles and --catalog files are diagnostics, not crashes")
    func badInput() throws {
        let out = temporaryFolder("bad")
        let bad = temporaryFolder("bad-input.json")
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: bad) }
        try Data("{\"not\": \"roles\"".utf8).write(to: bad)
        #expect(throws: Diagnostic.self) { try Synthesizer.run(small(out, roles: bad.path)) }
        try Data("[{\"operations\": [{\"name\": 3}]}]".utf8).write(to: bad)
        do {
            _ = try Synthesizer.run(small(out, catalog: bad.path))
            Issue.record("expected a diagnostic")
        } catch let d as Diagnostic {
            #expect(d.description.contains("$[0].operations[0]"))
            #expect(d.severity == .error)
        }
        #expect(throws: Diagnostic.self) { try Synthesizer.run(small(out, roles: "/nonexistent/roles.json")) }
        var p = small(out)
        p.subscriptions = 0
        #expect(!p.validate().isEmpty)
        #expect(throws: Diagnostic.self) { try Synthesizer.run(p) }
    }

    @Test("allocation splits a total exactly")
    func allocation() {
        var rng = SynthRandom(seed: UInt64(RandomCases.count(default: 3)))
        for _ in 0..<RandomCases.count(default: 50) {
            let n = rng.below(20) + 1
            let weights = (0..<n).map { _ in rng.unit() + 0.01 }
            let total = rng.below(100_000)
            let parts = ActivityWriter.allocate(total, weights: weights)
            #expect(parts.reduce(0, +) == total)
            #expect(parts.allSatisfy { $0 >= 0 })
        }
    }
}

@Suite("Synthesizer summary")
struct SynthSummaryGoldenTests {
    /// The summary `scopedown synth` prints is deterministic: compared with a golden file
    /// (regenerate with SCOPEDOWN_UPDATE_GOLDEN=1 after an intended change to the generator).
    @Test("the printed summary matches the golden file")
    func golden() throws {
        let out = temporaryFolder("golden")
        defer { try? FileManager.default.removeItem(at: out) }
        let summary = try Synthesizer.run(small(out, events: 1_000))
        let text = summary.text.replacingOccurrences(of: out.path, with: "OUT")
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/summary-small.txt")
        #expect(try Golden.matches(text, at: golden))
    }
}
