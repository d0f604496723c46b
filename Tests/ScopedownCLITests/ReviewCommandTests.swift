import Foundation
import Testing
import ScopedownTestSupport
import ScopedownRender
import ScopedownSQLite
@testable import ScopedownCLI
@testable import ScopedownReview

/// `diff`, `report` and `review-apply` on the demo tenant and the same tenant a quarter later
/// (fixtures/demo-next).
@Suite("review commands")
struct ReviewCommandTests {
    /// The two demo snapshots, built once per test in `tmp`.
    static func demoPair(_ tmp: TempDir) throws -> (old: String, new: String) {
        let old = tmp.path("old.db"), new = tmp.path("new.db")
        for (db, folder) in [(old, "demo"), (new, "demo-next")] {
            let r = runCLI(["demo", "--db", db, "--fixtures", SharedData.fixture(folder).path])
            try #require(r.exitCode == 0, "\(r.stderr)")
        }
        return (old, new)
    }

    @Test("diff of the demo and the demo a quarter later, in every format (golden files)")
    func diffGolden() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let (old, new) = try Self.demoPair(tmp)
        for (format, file) in [("json", "diff.json"), ("table", "diff.txt"), ("markdown", "diff.md")] {
            let r = runCLI(["diff", old, new, "--format", format])
            #expect(r.exitCode == 0, "\(r.stderr)")
            // Paths differ per run: name the databases as the README does.
            let text = r.stdout.replacingOccurrences(of: tmp.url.path + "/", with: "")
            #expect(try matchesGolden(text, "golden/review/" + file), "golden/review/\(file) differs; SCOPEDOWN_UPDATE_GOLDEN=1 rewrites it")
        }
    }

    @Test("diff ranks the new owner first, then role-assignment write, secret access and escalation paths")
    func diffRanking() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let (old, new) = try Self.demoPair(tmp)
        let r = runCLI(["diff", old, new, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let growth = try #require(json["privilegeGrowth"] as? [[String: Any]])
        #expect(growth.compactMap { $0["worst"] as? String } == ["newOwner", "roleAssignmentWrite", "secretAccess", "escalationPath"])
        #expect(growth.compactMap { $0["principalName"] as? String } == ["Mia Svensson", "github-actions-corp-deploy", "Dave Okafor", "Sam Adeyemi"])
        let assignments = try #require(json["assignments"] as? [String: [[String: Any]]])
        #expect(assignments["added"]?.count == 3 && assignments["removed"]?.count == 2)
        let roles = try #require((json["roles"] as? [String: Any])?["changed"] as? [[String: Any]])
        #expect(roles.count == 1)
        #expect((roles.first?["actions"] as? [String: [String]])?["added"] == ["Microsoft.Compute/virtualMachines/runCommand/action"])
        let findings = try #require(json["findings"] as? [String: Any])
        #expect(findings["available"] as? Bool == true)
        let added = (findings["new"] as? [[String: Any]]) ?? [], resolved = (findings["resolved"] as? [[String: Any]]) ?? []
        #expect(added.contains { $0["rule"] as? String == "secrets-access" && ($0["message"] as? String)?.contains("Mia Svensson") == true })
        #expect(resolved.contains { $0["rule"] as? String == "orphaned-principal" }, "the orphaned assignment was removed")
        // The same snapshot twice: nothing changed.
        let same = runCLI(["diff", new, new, "--format", "json"])
        let sameJSON = try #require(try JSONSerialization.jsonObject(with: Data(same.stdout.utf8)) as? [String: Any])
        #expect((sameJSON["privilegeGrowth"] as? [Any])?.isEmpty == true)
        #expect(((sameJSON["findings"] as? [String: Any])?["new"] as? [Any])?.isEmpty == true)
    }

    @Test("databases of different schema versions are refused")
    func diffSchemaMismatch() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let (old, new) = try Self.demoPair(tmp)
        let c = try ScopedownSQLite.Connection(path: old)
        try c.execute("INSERT INTO schema_migrations(name, checksum) VALUES ('v999_future', 'x')")
        let r = runCLI(["diff", old, new])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("different schema versions"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test("report writes an overview, a page and a review pack per point of contact, byte-identical on a rerun")
    func reportFiles() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let (old, new) = try Self.demoPair(tmp)
        let out = tmp.path("review")
        let r = runCLI(["report", "--db", new, "--out", out, "--previous", old])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let files = try ReviewTestFiles.list(out)
        #expect(files.contains("index.html") && files.contains("unowned.html") && files.contains("tenant-wide.html"))
        #expect(files.filter { $0.hasPrefix("packs/") }.count == files.filter { $0.hasSuffix(".html") && $0 != "index.html" }.count)
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        for chart in ["owners", "permissions", "findings", "levels", "growth"] { #expect(index.contains("data-chart=\"\(chart)\"")) }
        #expect(!index.contains("http://") && !index.contains("https://"), "the report fetches nothing")
        let pack = try String(contentsOfFile: out + "/packs/unowned.csv", encoding: .utf8)
        #expect(try matchesGolden(pack, "golden/review/pack-unowned.csv"), "golden/review/pack-unowned.csv differs; SCOPEDOWN_UPDATE_GOLDEN=1 rewrites it")
        let first = try files.map { try Data(contentsOf: URL(fileURLWithPath: out + "/" + $0)) }
        let again = runCLI(["report", "--db", new, "--out", out, "--previous", old])
        #expect(again.exitCode == 0)
        #expect(try ReviewTestFiles.list(out) == files)
        #expect(try files.map { try Data(contentsOf: URL(fileURLWithPath: out + "/" + $0)) } == first)
    }

    @Test("a contact with more rows than fit one file gets a page in parts")
    func reportSplitsPages() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let (_, new) = try Self.demoPair(tmp)
        let out = tmp.path("review")
        #expect(runCLI(["report", "--db", new, "--out", out, "--rows-per-file", "5"]).exitCode == 0)
        let files = try ReviewTestFiles.list(out)
        #expect(files.contains("tenant-wide-2.html") && files.contains("tenant-wide-4.html") && !files.contains("tenant-wide-5.html"))
    }

    @Test("review-apply turns decisions into az commands (golden) and refuses a bad pack naming the line, printing nothing")
    func reviewApply() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let (_, new) = try Self.demoPair(tmp)
        let out = tmp.path("review")
        #expect(runCLI(["report", "--db", new, "--out", out]).exitCode == 0)
        let pack = out + "/packs/unowned.csv"
        var records = try ReviewPack.parse(String(contentsOfFile: pack, encoding: .utf8), file: pack)
        func fields(_ name: String) -> Int { records[0].fields.firstIndex(of: name) ?? -1 }
        let decision = fields("decision"), newRole = fields("new_role"), comment = fields("comment"), scope = fields("scope")
        records[1].fields[decision] = "remove"
        records[2].fields[decision] = "Change"
        records[2].fields[newRole] = "Contributor"
        records[2].fields[fields("new_scope")] = "/subscriptions/3cc01329-ee3c-4128-b0a3-74c818907831/resourceGroups/rg-sandbox-ivan; "
            + "/subscriptions/3cc01329-ee3c-4128-b0a3-74c818907831/resourceGroups/rg-sandbox-tools"
        records[2].fields[comment] = "it's enough; \u{1b}[31m"
        records[3].fields[decision] = "keep"
        func write(_ recs: [ReviewPack.Record], _ name: String) -> String {
            var c = ScopedownRender.CSV(header: recs[0].fields)
            for r in recs.dropFirst() { c.append(r.fields) }
            let path = tmp.path(name)
            _ = FileManager.default.createFile(atPath: path, contents: Data(c.render().utf8))
            return path
        }
        let filled = write(records, "filled.csv")
        let ok = runCLI(["review-apply", "--db", new, filled])
        #expect(ok.exitCode == 0, "\(ok.stderr)")
        #expect(try matchesGolden(ok.stdout.replacingOccurrences(of: tmp.url.path + "/", with: ""), "golden/review/review-apply.sh"))

        var bad = records
        bad[1].fields[scope] = "/subscriptions/00000000-0000-0000-0000-000000000000"
        bad[2].fields[decision] = "delete"
        let badPath = write(bad, "bad.csv")
        let r = runCLI(["review-apply", "--db", new, filled, badPath])
        #expect(r.exitCode == 1)
        #expect(r.stdout.isEmpty, "nothing is half-applied")
        #expect(r.stderr.contains("bad.csv:2: error: the line was edited"), "\(r.stderr)")
        #expect(r.stderr.contains("bad.csv:3: error: unknown decision `delete`"), "\(r.stderr)")

        var conflict = records
        conflict[1].fields[decision] = "keep"
        let c = runCLI(["review-apply", "--db", new, filled, write(conflict, "conflict.csv")])
        #expect(c.exitCode == 1 && c.stdout.isEmpty)
        #expect(c.stderr.contains("conflict.csv:2: error: assignment") && c.stderr.contains("decided differently at"), "\(c.stderr)")

        let truncated = tmp.path("truncated.csv")
        _ = FileManager.default.createFile(atPath: truncated, contents: Data("decision,assignment\n\"remove,x\n".utf8))
        let t = runCLI(["review-apply", "--db", new, truncated])
        #expect(t.exitCode == 1 && t.stderr.contains("truncated.csv:2: error: a quoted field is not closed"), "\(t.stderr)")
    }
}

extension ReviewCommandTests {
    @Test("the recommender's suggestions fill the packs; a bare `change` takes them, creating a generated role first; --emit terraform")
    func recommendationsFlowThrough() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let (_, new) = try Self.demoPair(tmp)
        let out = tmp.path("review")
        #expect(runCLI(["report", "--db", new, "--out", out]).exitCode == 0)
        let packs = try ReviewTestFiles.list(out).filter { $0.hasPrefix("packs/") }
        var chosen: (file: String, records: [ReviewPack.Record], line: Int)?
        for p in packs {
            let records = try ReviewPack.parse(String(contentsOfFile: out + "/" + p, encoding: .utf8), file: p)
            let role = records[0].fields.firstIndex(of: "suggested_role") ?? -1
            if let i = records.indices.dropFirst().first(where: { records[$0].fields[role].hasPrefix("scopedown-") }) {
                chosen = (p, records, i)
                break
            }
        }
        var (file, records, line) = try #require(chosen, "no pack suggests a generated role")
        let decision = records[0].fields.firstIndex(of: "decision") ?? 0
        records[line].fields[decision] = "change"
        var c = ScopedownRender.CSV(header: records[0].fields)
        for r in records.dropFirst() { c.append(r.fields) }
        let filled = tmp.path("filled.csv")
        _ = FileManager.default.createFile(atPath: filled, contents: Data(c.render().utf8))
        let r = runCLI(["review-apply", "--db", new, filled])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("az role definition create --role-definition '{\"Name\":\"scopedown-"), "\(file)")
        #expect(r.stdout.contains("--role 'scopedown-"))
        let tf = tmp.path("tf")
        let e = runCLI(["review-apply", "--db", new, filled, "--emit", "terraform", "--out", tf])
        #expect(e.exitCode == 0, "\(e.stderr)")
        let main = try String(contentsOfFile: tf + "/terraform/main.tf", encoding: .utf8)
        #expect(main.contains("azurerm_role_definition") && main.contains("azurerm_role_assignment"))
        #expect(runCLI(["review-apply", "--db", new, filled, "--emit", "bicep"]).exitCode == 64, "--emit needs --out")
    }
}

enum ReviewTestFiles {
    /// Every file under `dir`, relative, sorted.
    static func list(_ dir: String) throws -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        for name in try fm.contentsOfDirectory(atPath: dir) {
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: dir + "/" + name, isDirectory: &isDir)
            if isDir.boolValue { out += try list(dir + "/" + name).map { name + "/" + $0 } } else { out.append(name) }
        }
        return out.sorted()
    }
}
