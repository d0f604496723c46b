import Foundation
import ScopedownCore
import ScopedownImport
import ScopedownStore
import ScopedownTestSupport
import Testing
import ScopedownRecommend
@testable import ScopedownCLI

/// python3 with python-hcl2 (installed by .ci/run): the Terraform output is parsed with it.
enum HCLParser {
    static let script = "import hcl2, sys\nfor p in sys.argv[1:]:\n    hcl2.load(open(p))\n"

    static let available: Bool = run([]).status == 0

    /// Exit status and stderr of parsing the files.
    static func run(_ files: [String]) -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + files
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        do { try p.run() } catch { return (127, "\(error)") }
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// In CI a missing parser is a failure, on a developer machine a visible skip.
    static var enabled: Bool { available || ProcessInfo.processInfo.environment["CI"] == "true" }
}

/// The demo tenant, built once for the recommend tests.
enum RecommendDemo {
    static let db: String? = {
        let demo = SharedData.fixture("demo")
        guard FileManager.default.fileExists(atPath: demo.path) else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-recommend-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("demo.db").path
        let r = runCLI(["demo", "--db", path, "--fixtures", demo.path])
        return r.exitCode == 0 ? path : nil
    }()

    static var available: Bool { db != nil }
}

@Suite("recommend command", .serialized)
struct RecommendCommandTests {
    static let golden = "golden/recommend/"

    @Test("demo: JSON, table, Markdown and CSV match the golden files; byte-identical across runs",
          .enabled(if: RecommendDemo.available, "the demo tenant is missing"))
    func demoOutputs() throws {
        let db = try #require(RecommendDemo.db)
        for (format, ext) in [("json", "json"), ("table", "txt"), ("markdown", "md"), ("csv", "csv")] {
            // The golden table is the full one (`--wide`); the fitted table is pinned in golden/review.
            let wide = format == "table" ? ["--wide"] : []
            let r = runCLI(["recommend", "--db", db, "--format", format] + wide)
            #expect(r.exitCode == 0, "\(r.stderr)")
            #expect(try matchesGolden(r.stdout, Self.golden + "demo.\(ext)"), "recommend --format \(format) differs from the golden file")
            #expect(runCLI(["recommend", "--db", db, "--format", format] + wide).stdout == r.stdout)
        }
    }

    /// The recommendations EXPECTED.md lists: `| label | `id` | kind | role | scopes | why |`.
    static func expected() throws -> [(id: String, kind: String, role: String, scopes: [String])] {
        let text = try String(contentsOf: SharedData.fixture("demo/EXPECTED.md"), encoding: .utf8)
        guard let start = text.range(of: "## Recommendations") else { return [] }
        var section = text[start.upperBound...]
        if let next = section.range(of: "\n## ") { section = section[..<next.lowerBound] }
        var out: [(String, String, String, [String])] = []
        for line in section.split(separator: "\n") where line.hasPrefix("| ") && line.contains("` |") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 7 else { continue }
            let scopes = cells[5].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }.filter { !$0.isEmpty }
            out.append((cells[2].trimmingCharacters(in: CharacterSet(charactersIn: "`")), cells[3], cells[4], scopes))
        }
        return out
    }

    @Test("demo: the recommendations EXPECTED.md lists, one of every kind, and no replayed use denied",
          .enabled(if: RecommendDemo.available, "the demo tenant is missing"))
    func demoExpected() throws {
        let db = try #require(RecommendDemo.db)
        let r = runCLI(["recommend", "--db", db, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let recs = try #require(json["recommendations"] as? [[String: Any]])
        var byID: [String: [String: Any]] = [:]
        for x in recs { if let id = x["assignment"] as? String { byID[id] = x } }
        let expected = try Self.expected()
        #expect(Set(expected.map(\.kind)) == ["keep", "remove", "narrow-scope", "replace-with-builtin", "replace-with-custom", "make-eligible"])
        for e in expected {
            let x = try #require(byID[e.id], "\(e.id) missing")
            let p = try #require(x["proposal"] as? [String: Any])
            #expect(p["kind"] as? String == e.kind, "\(e.id)")
            if e.role == "(generated)" {
                #expect((p["role"] as? String)?.hasPrefix("scopedown-") == true, "\(e.id)")
            } else {
                #expect(p["role"] as? String == e.role, "\(e.id)")
            }
            #expect(p["scopes"] as? [String] == e.scopes, "\(e.id)")
        }
        for x in recs {
            let replay = try #require(x["replay"] as? [String: Int])
            #expect(replay["denied"] == 0, "\(x["assignment"] ?? "")")
        }
        let summary = try #require(json["summary"] as? [String: Any])
        let replay = try #require(summary["replay"] as? [String: Int])
        #expect(replay["denied"] == 0 && (replay["events"] ?? 0) > 500)
    }

    @Test("demo: every emitter's files match the golden files; Terraform parses with python-hcl2",
          .enabled(if: RecommendDemo.available, "the demo tenant is missing"))
    func emitters() throws {
        let db = try #require(RecommendDemo.db)
        let tmp = TempDir(); defer { tmp.cleanup() }
        let out = tmp.path("out")
        let r = runCLI(["recommend", "--db", db, "--emit", "azcli", "--emit", "bicep", "--emit", "terraform", "--emit", "plan",
                        "--out", out, "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let fm = FileManager.default
        let files = (fm.enumerator(atPath: out)?.allObjects as? [String] ?? [])
            .filter { !(((try? fm.attributesOfItem(atPath: out + "/" + $0))?[.type] as? FileAttributeType) == .typeDirectory) }
            .sorted()
        #expect(files.contains("terraform/main.tf") && files.contains("plan.md") && files.contains("plan.sh"))
        #expect(files.contains { $0.hasPrefix("roles/") && $0.hasSuffix(".json") })
        #expect(files.contains { $0.hasPrefix("bicep/subscription-") && $0.hasSuffix(".bicep") })
        #expect(r.stderr.contains("wrote \(files.count) files under \(out)"), "\(r.stderr)")
        // The list of files, then each file.
        #expect(try matchesGolden(files.joined(separator: "\n") + "\n", Self.golden + "emit/FILES.txt"))
        for f in files {
            let text = try String(contentsOfFile: out + "/" + f, encoding: .utf8)
            #expect(try matchesGolden(text, Self.golden + "emit/" + f), "\(f) differs from its golden file")
        }
        // az CLI role files are valid JSON with the keys az takes.
        for f in files where f.hasPrefix("roles/") {
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/" + f))) as? [String: Any])
            #expect(obj["Name"] is String && obj["Actions"] is [String] && obj["AssignableScopes"] is [String], "\(f)")
            #expect(!((obj["AssignableScopes"] as? [String]) ?? []).contains("/"))
        }
    }

    @Test("Terraform output parses with a real HCL parser (python-hcl2)",
          .enabled(if: RecommendDemo.available, "the demo tenant is missing"),
          .enabled(if: HCLParser.enabled, "python3 with python-hcl2 is not installed (pip install python-hcl2): skipping the HCL parse"))
    func terraformParses() throws {
        let db = try #require(RecommendDemo.db)
        let tmp = TempDir(); defer { tmp.cleanup() }
        let r = runCLI(["recommend", "--db", db, "--emit", "terraform", "--out", tmp.path("tf"), "--format", "json"])
        #expect(r.exitCode == 0)
        let parsed = HCLParser.run([tmp.path("tf/terraform/main.tf")])
        #expect(parsed.status == 0, "python-hcl2 rejects main.tf: \(parsed.stderr)")
    }

    @Test("usage attribution: the report's uses per day, the report itself and Evaluator.attribute agree on the demo",
          .enabled(if: RecommendDemo.available, "the demo tenant is missing"))
    func attributionAgrees() throws {
        let db = try #require(RecommendDemo.db)
        let store = try Store(path: db, create: false)
        let evaluator = Evaluator(snapshot: try store.loadSnapshot())
        var (records, rows) = try store.usageRecords()
        // The same rows as values (summed per caller, action, scope, evidence and day), for Evaluator.attribute.
        struct Key: Hashable, Comparable {
            var caller: Int32, action: Int32, scope: Int32, evidence: Int32, day: Int32
            static func < (a: Key, b: Key) -> Bool {
                (a.caller, a.action, a.scope, a.evidence, a.day) < (b.caller, b.action, b.scope, b.evidence, b.day)
            }
        }
        var sums: [Key: (Int, Int64?)] = [:]
        for r in rows {
            let k = Key(caller: r.caller, action: r.action, scope: r.scope, evidence: r.evidence, day: r.day)
            var v = sums[k] ?? (0, nil)
            v.0 += r.uses
            if let l = r.last, v.1.map({ l > $0 }) ?? true { v.1 = l }
            sums[k] = v
        }
        var byUPN: [String: String] = [:]
        for p in evaluator.snapshot.principals {
            if let upn = p.userPrincipalName?.lowercased(), byUPN[upn] == nil || p.id < byUPN[upn] ?? "" { byUPN[upn] = p.id }
        }
        var catalogName: [String: String] = [:]
        for op in evaluator.snapshot.operations where !op.isDataAction { catalogName[op.key] = catalogName[op.key] ?? op.name }
        let recorded = sums.keys.sorted().compactMap { k -> RecordedUse? in
            guard let v = sums[k], v.0 > 0 else { return nil }
            let c = k.caller >= 0 ? records.callers[Int(k.caller)] : nil
            let a = records.actions[Int(k.action)]
            return RecordedUse(caller: c.flatMap { $0.resolvedID ?? byUPN[$0.key] }, action: catalogName[a.key] ?? a.display,
                               scope: records.scopes[Int(k.scope)], day: Int(k.day),
                               evidence: k.evidence >= 0 ? records.evidence[Int(k.evidence)] : (k.evidence == UsageRecord.none ? nil : "unknown"),
                               count: v.0, lastSeen: v.1)
        }
        let values = evaluator.attribute(recorded)
        let (report, attributed) = UsageAttribution(evaluator: evaluator, records: records).report(&rows, attributedUses: true)
        let uses = try #require(attributed)
        #expect(uses.uses == values.uses)
        #expect(uses.unattributedUses == values.unattributedUses)
        #expect(uses.unknownEvidenceUses == values.unknownEvidenceUses)

        var mine: [String: (Set<String>, Int, Int64?)] = [:]
        for u in uses.uses {
            var x = mine[u.assignment] ?? ([], 0, nil)
            x.0.insert(u.action)
            x.1 += u.count
            if let t = u.lastSeen, x.2.map({ t > $0 }) ?? true { x.2 = t }
            mine[u.assignment] = x
        }
        var used = 0
        for a in report.assignments where a.state == .active {
            let x = mine[a.assignment] ?? ([], 0, nil)
            #expect(Set(a.usedActions) == x.0, "\(a.assignment)")
            #expect(a.uses == x.1, "\(a.assignment)")
            #expect(a.lastUsed == x.2, "\(a.assignment)")
            if a.uses > 0 { used += 1 }
        }
        #expect(used >= 20)
        #expect(uses.unattributedUses == report.unattributedUses)
        #expect(uses.unknownEvidenceUses == report.unknownEvidenceUses)
    }

    @Test("every fixture tenant with assignments: no replayed use denied")
    func fixtures() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = tmp.path("small.db")
        let exports = SharedData.fixture("store-small/exports").path
        let imp = runCLI(["import", "--db", db, exports])
        #expect(imp.exitCode == 0, "\(imp.stderr)")
        let r = runCLI(["recommend", "--db", db, "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let recs = try #require(json["recommendations"] as? [[String: Any]])
        #expect(!recs.isEmpty)
        // Without an Activity Log nothing is judged: every assignment is kept.
        #expect(recs.allSatisfy { (($0["proposal"] as? [String: Any])?["kind"] as? String) == "keep" })
    }

    @Test("demo: each kept or removed permission carries its class; --detail lists every operation",
          .enabled(if: RecommendDemo.available, "the demo tenant is missing"))
    func demoPermissionClasses() throws {
        let db = try #require(RecommendDemo.db)
        func permissions(_ extra: [String]) throws -> [String: [String: Any]] {
            let r = runCLI(["recommend", "--db", db, "--format", "json"] + extra)
            #expect(r.exitCode == 0, "\(r.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            var out: [String: [String: Any]] = [:]
            for x in try #require(json["recommendations"] as? [[String: Any]]) {
                if let id = x["assignment"] as? String, let e = x["evidence"] as? [String: Any] { out[id] = e["permissions"] as? [String: Any] }
            }
            return out
        }
        // The groups `{"class", "plane", "operations", "patterns"}` flattened to one entry per operation or pattern.
        func entries(_ p: [String: Any]?, _ key: String) -> [[String: String]] {
            var out: [[String: String]] = []
            for g in (p?[key] as? [[String: Any]]) ?? [] {
                let c = g["class"] as? String ?? "", plane = g["plane"] as? String ?? ""
                for op in g["operations"] as? [String] ?? [] { out.append(["operation": op, "plane": plane, "class": c]) }
                for (pattern, n) in (g["patterns"] as? [String: Int] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    out.append(["pattern": pattern, "plane": plane, "class": c, "count": "\(n)"])
                }
            }
            return out
        }
        let all = try permissions([])
        // sub-legacy-pat-owner: Owner reduced to Reader: the reads Owner's `*` grants kept as unobservable, the rest removed as unused.
        let pat = all["50528e0b-1756-474a-a0d7-759ffdec292f"]
        #expect(entries(pat, "kept") == [["pattern": "*", "plane": "control", "class": "unobservable", "count": "207"]])
        #expect(entries(pat, "removed") == [["pattern": "*", "plane": "control", "class": "observableUnused", "count": "487"]])
        // rec-legacy-backup-vmpower: nothing used, each operation of the custom role removed as observable but unused.
        #expect(entries(all["f8159870-ca21-42af-9382-a62598a1953f"], "removed").map { [$0["operation"] ?? "", $0["class"] ?? ""] } == [
            ["Microsoft.Compute/virtualMachines/deallocate/action", "observableUnused"],
            ["Microsoft.Compute/virtualMachines/start/action", "observableUnused"]])
        // rec-online-automation-vmpower: both operations observed and kept.
        #expect(entries(all["64ef808b-269f-464a-abad-5ae463af746a"], "kept").map { $0["class"] } == ["observed", "observed"])
        // sub-online-grace-owner: the restart observed; rec-management-heidi-uaa: the built-in's excess kept as observable but unused.
        #expect(entries(all["e782b9e8-0fb0-4507-a14e-c5a8e99f8f51"], "kept").contains(
            ["operation": "Microsoft.Compute/virtualMachines/restart/action", "plane": "control", "class": "observed"]))
        #expect(entries(all["4b0445f9-c7a4-41bf-8689-d64b82e10696"], "kept").contains(
            ["pattern": "Microsoft.Authorization/*", "plane": "control", "class": "observableUnused", "count": "1"]))
        // A key listing removed as unused, a listed read kept as unobservable.
        let vm = all["0757cde4-45e7-4d33-a993-8ccd4b84c155"]
        #expect(entries(vm, "removed").contains(["operation": "Microsoft.Storage/storageAccounts/listkeys/action", "plane": "control", "class": "observableUnused"]))
        #expect(entries(vm, "kept").contains(["operation": "Microsoft.Compute/disks/read", "plane": "control", "class": "unobservable"]))

        let detail = try permissions(["--detail"])
        let patDetail = detail["50528e0b-1756-474a-a0d7-759ffdec292f"]
        #expect(entries(patDetail, "removed").count == 487 && entries(patDetail, "kept").count == 207)
        #expect(entries(patDetail, "removed").allSatisfy { $0["operation"] != nil && $0["class"] == "observableUnused" && $0["count"] == nil })
        #expect(entries(patDetail, "removed").contains(["operation": "Microsoft.Authorization/roleAssignments/write", "plane": "control", "class": "observableUnused"]))
        // The same counts either way.
        for (id, p) in all {
            for key in ["observed", "observableUnusedRemoved", "observableUnusedKept", "unobservableKept", "unobservableRemoved"] {
                #expect(p[key] as? Int == detail[id]?[key] as? Int, "\(id) \(key)")
            }
        }
    }

    @Test("--custom-role-limit: over the budget --emit writes the proposals, which create no more roles than the budget; bad values are usage errors")
    func customRoleLimit() throws {
        guard let db = RecommendDemo.db else { Issue.record("the demo database could not be built"); return }
        let tmp = TempDir(); defer { tmp.cleanup() }
        let full = runCLI(["recommend", "--db", db, "--format", "json"])
        let cut = runCLI(["recommend", "--db", db, "--format", "json", "--custom-role-limit", "0", "--emit", "plan", "--emit", "azcli", "--out", tmp.path("out")])
        #expect(full.exitCode == 0 && cut.exitCode == 0)
        func summary(_ text: String) throws -> [String: Any] {
            let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let s = try #require(root["summary"] as? [String: Any])
            // Every proposal, fallbacks included, is replayed: nothing denied.
            #expect((s["replay"] as? [String: Any])?["denied"] as? Int == 0)
            return try #require(s["customRoles"] as? [String: Any])
        }
        let before = try summary(full.stdout), after = try summary(cut.stdout)
        let wanted = try #require(before["generated"] as? Int)
        #expect(wanted > 0 && before["exceeded"] as? Bool == false && before["budget"] == nil)
        #expect(after["exceeded"] as? Bool == true && after["generated"] as? Int == 0 && after["limit"] as? Int == 0)
        #expect(after["budget"] as? Int == 0 && after["wanted"] as? Int == wanted && (after["fellBack"] as? Int ?? 0) >= wanted)
        #expect(cut.stderr.contains("warning: the proposals want \(wanted) new custom roles"))
        let plan = try String(contentsOfFile: tmp.path("out/plan.md"), encoding: .utf8)
        #expect(!plan.contains("Create the custom role") && plan.contains("custom-role budget of 0 reached"))
        #expect(!FileManager.default.fileExists(atPath: tmp.path("out/roles")))
        for bad in ["-1", "5001", "many"] {
            let r = runCLI(["recommend", "--db", db, "--custom-role-limit=\(bad)"])
            #expect(r.exitCode == 64, "--custom-role-limit \(bad)")
            if bad != "many" { #expect(r.stderr.contains("--custom-role-limit must be between 0 and 5000")) }
        }
    }

    @Test("arguments: usage errors exit 64, a bad exemption file names its line, --help has an example")
    func arguments() throws {
        #expect(runCLI(["recommend", "--db", "x.db", "--window", "ninety"]).exitCode == 64)
        #expect(runCLI(["recommend", "--db", "x.db", "--as-of", "2026-13-01"]).exitCode == 64)
        #expect(runCLI(["recommend", "--db", "x.db", "--emit", "bicep"]).exitCode == 64)
        #expect(runCLI(["recommend", "--db", "x.db", "--max-scopes", "0"]).exitCode == 64)
        let missing = runCLI(["recommend", "--db", "/nonexistent/x.db"])
        #expect(missing.exitCode == 1)
        if let db = RecommendDemo.db {
            let tmp = TempDir(); defer { tmp.cleanup() }
            let file = tmp.path("exempt.txt")
            try "principal heidi.vogel@contosorobotics.example\nuser bob\n".write(toFile: file, atomically: true, encoding: .utf8)
            let bad = runCLI(["recommend", "--db", db, "--exempt", file])
            #expect(bad.exitCode == 1)
            #expect(bad.stderr.contains("exempt.txt:2:1: error: unknown rule `user`"), "\(bad.stderr)")
            try "principal heidi.vogel@contosorobotics.example # break-glass\n".write(toFile: file, atomically: true, encoding: .utf8)
            let ok = runCLI(["recommend", "--db", db, "--exempt", file, "--format", "json"])
            #expect(ok.exitCode == 0)
            #expect(ok.stdout.contains("exempt (principal): reported, never changed"))
        }
        let help = ScopedownCommand.helpMessage(for: RecommendCommand.self)
        #expect(help.contains("scopedown recommend --db scopedown-demo.db"))
        #expect(help.contains("--reads"))
    }
}

@Suite("recommend rendering")
struct RecommendRenderingTests {
    @Test("hostile role and principal names are escaped in table, Markdown and CSV")
    func hostile() {
        let evil = "evil|<b>\u{1B}[31m`x`\n=cmd()"
        let sub = Scope("/subscriptions/11111111-0000-4000-8000-000000000001")
        let role = RoleDefinition(id: "08080808-0000-4000-8000-000000000001", resourceID: "", roleName: evil, isCustom: true,
                                  permissions: [PermissionBlock(actions: ["Microsoft.Compute/virtualMachines/start/action"])],
                                  assignableScopes: [sub])
        let a = RoleAssignment(id: "0a0a0a0a-0000-4000-8000-000000000001", resourceID: "", scope: sub, roleDefinitionID: role.id,
                               principalID: "05050505-0000-4000-8000-000000000001", principalType: "User")
        let snapshot = AuthorizationSnapshot(roleDefinitions: [role], roleAssignments: [a],
                                             principals: [Principal(id: a.principalID, kind: .user, displayName: evil)],
                                             operations: [CatalogOperation(name: "Microsoft.Compute/virtualMachines/start/action", isDataAction: false)])
        let e = Evaluator(snapshot: snapshot)
        let r = Recommender(evaluator: e, options: RecommendOptions()).run(uses: [], windowFrom: 1_700_000_000, windowTo: 1_700_864_000)
        #expect(r.recommendations[0].proposal.kind == .remove)
        let table = RecommendRendering.render(r, format: .table)
        let md = RecommendRendering.render(r, format: .markdown)
        let csv = RecommendRendering.render(r, format: .csv)
        for text in [table, md, csv] { #expect(!text.contains("\u{1B}")) }
        #expect(md.contains("evil\\|&lt;b&gt;"))
        #expect(!md.contains("<b>"))
        #expect(csv.contains("evil|<b>"))
        #expect(!csv.contains(",=cmd()"))
    }

    @Test("JSON written in batches on several threads is the one-string rendering, byte for byte")
    func jsonInBatches() {
        let sub = Scope("/subscriptions/11111111-0000-4000-8000-000000000001")
        let role = RoleDefinition(id: "08080808-0000-4000-8000-000000000001", resourceID: "", roleName: "Starter \"q\"", isCustom: true,
                                  permissions: [PermissionBlock(actions: ["Microsoft.Compute/virtualMachines/start/action"])],
                                  assignableScopes: [sub])
        let assignments = (0..<7).map { k in
            RoleAssignment(id: "0a0a0a0a-0000-4000-8000-00000000000\(k)", resourceID: "", scope: sub, roleDefinitionID: role.id,
                           principalID: "05050505-0000-4000-8000-00000000000\(k)", principalType: "User")
        }
        let snapshot = AuthorizationSnapshot(roleDefinitions: [role], roleAssignments: assignments,
                                             operations: [CatalogOperation(name: "Microsoft.Compute/virtualMachines/start/action", isDataAction: false)])
        let r = Recommender(evaluator: Evaluator(snapshot: snapshot), options: RecommendOptions())
            .run(uses: [], windowFrom: 1_700_000_000, windowTo: 1_700_864_000)
        let whole = RecommendRendering.json(r).render() + "\n"
        for batch in [1, 2, 3, 7, 100] {
            for chunks in [1, 2, 3] {
                var text = ""
                RecommendRendering.writeJSON(r, batch: batch, chunks: chunks) { text += $0 }
                #expect(text == whole, "batch \(batch), chunks \(chunks)")
            }
        }
        var empty = r
        empty.recommendations = []
        var text = ""
        RecommendRendering.writeJSON(empty) { text += $0 }
        #expect(text == RecommendRendering.json(empty).render() + "\n")
    }
}
