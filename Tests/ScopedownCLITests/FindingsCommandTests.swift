import ArgumentParser
import Foundation
import ScopedownCore
import ScopedownRules
import ScopedownTestSupport
@testable import ScopedownCLI
import Testing

/// `scopedown findings` and `scopedown rules`: the demo's expected findings, the CI gate, the
/// baseline, the config file, every format on hostile input, and SARIF against the 2.1.0 schema.
@Suite("findings command")
struct FindingsCommandTests {
    /// The demo database, built once for the suite.
    static let demo: (dir: TempDir, db: String, config: String) = {
        let dir = TempDir()
        let db = dir.path("demo.db")
        let r = runCLI(["demo", "--db", db, "--fixtures", SharedData.fixture("demo").path])
        precondition(r.exitCode == 0, r.stderr)
        return (dir, db, SharedData.fixture("demo/findings-config.json").path)
    }()

    static func findingsJSON(_ args: [String]) throws -> [[String: Any]] {
        let r = runCLI(["findings", "--db", demo.db, "--format", "json"] + args)
        #expect(r.exitCode == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return obj?["findings"] as? [[String: Any]] ?? []
    }

    /// The `| rule | kind | severity | principal | scope | why |` rows of EXPECTED.md's Findings section.
    static func expectedRows() throws -> [[String]] {
        let text = try String(contentsOf: SharedData.fixture("demo/EXPECTED.md"), encoding: .utf8)
        guard let start = text.range(of: "## Findings") else { return [] }
        return text[start.upperBound...].split(separator: "\n").filter { $0.hasPrefix("| SD") }.map { line in
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
        }
    }

    @Test("the demo produces every finding EXPECTED.md lists, and every kind")
    func demoMatchesExpected() throws {
        let findings = try Self.findingsJSON(["--config", Self.demo.config])
        let rows = try Self.expectedRows()
        #expect(rows.count >= RuleCatalog.all.count)
        for row in rows {
            let (rule, kind, severity, principal, scope) = (row[0], row[1], row[2], row[3], row[4])
            let hit = findings.contains { f in
                f["rule"] as? String == rule && f["kind"] as? String == kind && f["severity"] as? String == severity
                    && (principal.isEmpty || f["principal"] as? String == principal)
                    && (scope.isEmpty || (f["scope"] as? String)?.lowercased() == scope.lowercased())
            }
            #expect(hit, "EXPECTED.md row not produced: \(row)")
        }
        let kinds = Set(findings.compactMap { $0["kind"] as? String })
        #expect(kinds == Set(RuleCatalog.all.map(\.description.kind)))
        // Only documented keys, in the documented order; fields that do not apply are omitted.
        let order = ["rule", "kind", "severity", "principal", "scope", "assignment", "role", "message", "evidence"]
        for f in findings { #expect(Set(f.keys).isSubset(of: Set(order))) }
    }

    @Test("same database, byte-identical output")
    func deterministic() {
        for format in ["table", "json", "csv", "sarif", "markdown"] {
            let a = runCLI(["findings", "--db", Self.demo.db, "--config", Self.demo.config, "--format", format])
            let b = runCLI(["findings", "--db", Self.demo.db, "--config", Self.demo.config, "--format", format])
            #expect(a.exitCode == 0 && a.stdout == b.stdout, "\(format)")
        }
    }

    @Test("--fail-on is a CI gate: exit 2 at or above the severity")
    func failOn() {
        let r = runCLI(["findings", "--db", Self.demo.db, "--fail-on", "critical", "--format", "json"])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("fail-on critical: "))
        #expect(r.stdout.hasPrefix("{\n  \"findings\": ["))  // the report is still printed
        let bad = runCLI(["findings", "--db", Self.demo.db, "--fail-on", "severe"])
        #expect(bad.exitCode == 64)
        #expect(bad.stderr.contains("--fail-on `severe` is not a severity"))
    }

    @Test("--baseline suppresses accepted findings by fingerprint and says how many", arguments: ["json", "sarif"])
    func baseline(format: String) throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let all = runCLI(["findings", "--db", Self.demo.db, "--format", format])
        let path = tmp.path("baseline." + format)
        try all.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        let count = try Self.findingsJSON([]).count
        let r = runCLI(["findings", "--db", Self.demo.db, "--baseline", path, "--fail-on", "info", "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stderr.contains("baseline: suppressed \(count) finding(s)"))
        #expect(r.stdout == "{\n  \"findings\": []\n}\n")
        // New findings (the config turns on two more rules) are not suppressed.
        let more = runCLI(["findings", "--db", Self.demo.db, "--baseline", path, "--config", Self.demo.config, "--fail-on", "high", "--format", "json"])
        #expect(more.exitCode == 2)
        #expect(more.stdout.contains("security-team-reader"))
    }

    @Test("a bad config or baseline is an error naming the key and where")
    func badFiles() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let cases: [(String, String)] = [
            ("{\n  \"maxOwner\": 3\n}", ":2:15: error: unknown setting `maxOwner` at $.maxOwner"),
            ("{\"minOwners\": \"two\"}", ":1:15: error: `minOwners` must be a non-negative integer"),
            ("{\"contactTags\": [\"owner\", 3]}", "error: `contactTags` must be an array of strings"),
            ("{\"disabledRules\": [\"SD999\"]}", "error: `disabledRules` names no rule `SD999`"),
            ("[1]", "error: expected an object of settings, found array"),
            ("{\"minOwners\": 4}", "error: `minOwners` (4) is above `maxOwners` (3)"),
        ]
        for (i, (text, message)) in cases.enumerated() {
            let path = tmp.path("config\(i).json")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let r = runCLI(["findings", "--db", Self.demo.db, "--config", path])
            #expect(r.exitCode == 1)
            #expect(r.stderr.contains(path + message) || r.stderr.contains(message), "\(r.stderr)")
        }
        let base = tmp.path("baseline.json")
        try "{\"rules\": []}".write(toFile: base, atomically: true, encoding: .utf8)
        let r = runCLI(["findings", "--db", Self.demo.db, "--baseline", base])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("not a findings file"))
    }

    @Test("disabledRules turns rules off")
    func disabledRules() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let path = tmp.path("c.json")
        try "{\"disabledRules\": [\"SD004\", \"owner-count\"]}".write(toFile: path, atomically: true, encoding: .utf8)
        let kinds = Set(try Self.findingsJSON(["--config", path]).compactMap { $0["kind"] as? String })
        #expect(!kinds.contains("unused-assignment") && !kinds.contains("owner-count"))
        #expect(kinds.contains("privileged-broad-scope"))
    }

    // MARK: - Formats

    static let longName = String(repeating: "A", count: 10_000)
    static let hostileTenant = """
        mg "corp<script>alert(1)</script>"
        sub prod mg=corp<script>alert(1)</script> tag.<svg/onload=alert(1)>
        role "=HYPERLINK(\\"http://evil.example\\",\\"x\\")" custom actions=*
        user "\u{1B}[31mmallory\u{1B}[0m" guest
        user "\(longName)"
        group "<img src=x onerror=alert(1)>|[link](javascript:alert(1))" members=mallory
        assign a1 "\u{1B}[31mmallory\u{1B}[0m" "=HYPERLINK(\\"http://evil.example\\",\\"x\\")" sub:prod
        assign a2 "\(longName)" Owner mg:corp<script>alert(1)</script>
        assign a3 "<img src=x onerror=alert(1)>|[link](javascript:alert(1))" Owner sub:prod
        """

    static func hostileFindings() throws -> [Finding] {
        let tenant = try RuleExampleTenant(parsing: hostileTenant)
        return RuleCatalog.run(tenant.context())
    }

    @Test("hostile strings stay inert in every format")
    func hostileStrings() throws {
        let findings = try Self.hostileFindings()
        #expect(findings.count > 5)
        #expect(findings.contains { $0.message.contains(Self.longName) })
        for format in FindingsCommand.Format.allCases {
            let out = FindingsRendering.render(findings, format: format)
            // No control character but newline reaches any output (ANSI escapes included).
            let bad = out.unicodeScalars.first { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }
            #expect(bad == nil, "control character \(bad.map { String($0.value, radix: 16) } ?? "") in \(format.rawValue)")
            switch format {
            case .json, .sarif:
                let parsed = try JSONSerialization.jsonObject(with: Data(out.utf8))
                #expect(parsed is [String: Any])
                #expect(out.contains("\\u001b[31mmallory"))   // escaped, and kept for the record
            case .markdown:
                #expect(!out.contains("<script>") && !out.contains("<img"))
                #expect(out.contains("&lt;script&gt;"))
                #expect(!out.contains("](javascript"))
            case .csv:
                for line in out.split(separator: "\n") {
                    for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                        #expect(!cell.hasPrefix("=") && !cell.hasPrefix("\"="), "formula cell in \(line.prefix(80))")
                    }
                }
            case .table:
                #expect(out.contains("[31mmallory"))  // ESC removed, text kept
            }
        }
    }

    @Test("golden output of every format on a small tenant", arguments: FindingsCommand.Format.allCases)
    func golden(format: FindingsCommand.Format) throws {
        let tenant = try RuleExampleTenant(parsing: """
            mg platform
            sub prod mg=platform tag.costCenter=CC-1
            role "Ops =SUM(A1) <b>" custom actions=Microsoft.Authorization/*,*/read
            user nina
            user judy guest
            group devs members=judy
            assign a1 nina Owner mg:platform
            assign a2 devs Contributor sub:prod
            assign a3 nina "Ops =SUM(A1) <b>" sub:prod
            """)
        let out = FindingsRendering.render(RuleCatalog.run(tenant.context()), format: format, artifact: "tenant.db")
        let ext = ["table": "txt", "json": "json", "csv": "csv", "sarif": "sarif", "markdown": "md"][format.rawValue] ?? "txt"
        #expect(try matchesGolden(out, "golden/findings/findings.\(ext)"), "fixtures/golden/findings/findings.\(ext) differs; SCOPEDOWN_UPDATE_GOLDEN=1 rewrites it")
    }

    @Test("help text, with examples on the demo database", arguments: [("findings", FindingsCommand.self as ParsableCommand.Type), ("rules", RulesCommand.self)])
    func help(name: String, type: ParsableCommand.Type) throws {
        let text = ScopedownCommand.helpMessage(for: type, columns: 100)
        #expect(text.contains("Examples:\n  scopedown \(name)"))
        #expect(try matchesGolden(text + "\n", "golden/findings/help-\(name).txt"))
    }

    @Test("rules lists every rule; its markdown is docs/rules.md")
    func rules() throws {
        let table = runCLI(["rules"])
        #expect(table.exitCode == 0)
        for r in RuleCatalog.all { #expect(table.stdout.contains("\(r.description.id)  \(r.description.kind)")) }
        let md = runCLI(["rules", "--format", "markdown"])
        let docs = try String(contentsOf: SharedData.packageRoot.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(md.stdout == docs)
        let json = runCLI(["rules", "--format", "json"])
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((obj?["rules"] as? [Any])?.count == RuleCatalog.all.count)
    }

    // MARK: - SARIF schema

    /// `../shared/sarif` beside the checkout (or `$SCOPEDOWN_SHARED/sarif`), like `SharedData.azure`.
    static let sarifSchema = SharedData.azure.deletingLastPathComponent().appendingPathComponent("sarif/sarif-schema-2.1.0.json")
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// True when `python3 -c "import jsonschema"` works.
    static let validatorAvailable: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import jsonschema"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()

    /// Runs in CI (where a missing validator is a failure); elsewhere skips visibly without it.
    @Test("SARIF validates against the SARIF 2.1.0 schema",
          .enabled(if: FileManager.default.fileExists(atPath: sarifSchema.path), "../shared/sarif is not beside this checkout: skipping the SARIF schema test"),
          .enabled(if: validatorAvailable || isCI, "python3 with `jsonschema` (PyPI) is not installed: skipping the SARIF schema test (.ci/run installs it; CI fails without it)"))
    func sarifSchemaValid() throws {
        #expect(Self.validatorAvailable, "python3 -c 'import jsonschema' failed: CI needs the validator (.ci/run installs it)")
        guard Self.validatorAvailable else { return }
        let tmp = TempDir(); defer { tmp.cleanup() }
        let demo = runCLI(["findings", "--db", Self.demo.db, "--config", Self.demo.config, "--format", "sarif"]).stdout
        let hostile = FindingsRendering.render(try Self.hostileFindings(), format: .sarif)
        let empty = FindingsRendering.render([], format: .sarif)
        for (name, text) in [("demo", demo), ("hostile", hostile), ("empty", empty)] {
            let path = tmp.path("\(name).sarif")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", "-c", """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1]))
                doc = json.load(open(sys.argv[2]))
                errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
                for e in errors[:5]: print("/".join(map(str, e.path)), e.message[:300])
                sys.exit(1 if errors else 0)
                """, Self.sarifSchema.path, path]
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = pipe
            try p.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(name).sarif does not validate: \(output)")
        }
        // What GitHub code scanning needs beyond the schema: rules with help, stable fingerprints.
        let obj = try JSONSerialization.jsonObject(with: Data(demo.utf8)) as? [String: Any]
        let run = (obj?["runs"] as? [[String: Any]])?.first
        let rules = ((run?["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        #expect(rules.count == RuleCatalog.all.count)
        #expect(rules.allSatisfy { ($0["help"] as? [String: Any])?["text"] is String })
        let results = run?["results"] as? [[String: Any]] ?? []
        #expect(!results.isEmpty && results.allSatisfy { ($0["partialFingerprints"] as? [String: String])?["scopedown/v1"]?.count == 32 })
    }
}
