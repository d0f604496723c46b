import ArgumentParser
import Foundation
import ScopedownCore
import ScopedownTestSupport
import Testing
@testable import ScopedownCLI

/// The demo tenant read as a reviewer would: names first, tables that fit, filters, CSV, `roles`.
@Suite("review output on the demo tenant", .enabled(if: FileManager.default.fileExists(atPath: SharedData.fixture("demo").path)))
struct ReviewOutputTests {
    /// One demo database for the suite (building it imports a few hundred files).
    static let db: String = {
        let tmp = TempDir()
        let path = tmp.path("demo.db")
        _ = runCLI(["demo", "--db", path, "--fixtures", SharedData.fixture("demo").path])
        return path
    }()

    static let corpProd = "/subscriptions/510d70ff-a43d-4482-82ed-32a9192a58db"

    func run(_ args: [String]) -> CLIResult { runCLI(args + ["--db", Self.db]) }

    func golden(_ name: String, _ text: String) throws {
        #expect(try matchesGolden(text, "golden/review/\(name)"), "golden/review/\(name) differs; rerun with SCOPEDOWN_UPDATE_GOLDEN=1 if intended")
    }

    /// The lines of the first table in `text` (from its header to the next blank line).
    func tableLines(_ text: String) -> [Substring] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let rule = lines.firstIndex(where: { $0.hasPrefix("---") || $0.hasPrefix("  ---") }) else { return [] }
        return Array(lines[(rule - 1)...].prefix { !$0.isEmpty })
    }

    @Test("every list command's table at 80 and 120 columns fits, and --wide prints full ids (golden)")
    func widths() throws {
        let commands: [(String, [String])] = [
            ("who-can", ["who-can", "--action", "Microsoft.Authorization/roleAssignments/write", "--scope", Self.corpProd]),
            ("effective", ["effective", "--principal", "Leo Marchetti", "--scope", Self.corpProd]),
            ("blast-radius", ["blast-radius", "--principal", "Leo Marchetti"]),
            ("usage", ["usage"]),
            ("roles", ["roles"]),
            ("roles-show", ["roles", "Key Vault Administrator"]),
            ("recommend", ["recommend"]),
            ("explain", ["explain", "--principal", "frank.brennan@contosorobotics.example", "--action", "Microsoft.Network/virtualNetworks/subnets/delete",
                         "--scope", "/subscriptions/54c7965f-1b08-4b18-b00d-e4c47f7383b0/resourceGroups/rg-hub-network/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-shared"]),
        ]
        for (name, args) in commands {
            for width in [80, 120] {
                let r = run(args + ["--width", "\(width)"])
                #expect(r.exitCode == 0, "\(name): \(r.stderr)")
                let wide = r.stdout.split(separator: "\n").filter { $0.count > width && (name == "explain" || name == "recommend" || tableLines(r.stdout).contains($0) || $0.contains("  ")) }
                #expect(wide.isEmpty, "\(name) at \(width): \(wide.first ?? "")")
                try golden("\(name)-\(width).txt", r.stdout)
            }
            let r = run(args + ["--wide"])
            #expect(r.exitCode == 0, "\(name): \(r.stderr)")
            try golden("\(name)-wide.txt", r.stdout)
        }
        #expect(run(["usage", "--wide"]).stdout.contains("0fead4ab-4657-40d1-bf2a-fc76cf9cce7d"))
    }

    @Test("usage filters: --privileged judges by permissions, --unused, --role, --under and --principal combine")
    func usageFilters() throws {
        func rows(_ args: [String]) throws -> [[String: Any]] {
            let r = run(["usage", "--format", "json"] + args)
            #expect(r.exitCode == 0, "\(r.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            return object?["assignments"] as? [[String: Any]] ?? []
        }
        let all = try rows([])
        let privileged = try rows(["--privileged"])
        #expect(!privileged.isEmpty && privileged.count < all.count)
        let privilegedRoles = Set(privileged.map { $0["role"] as? String ?? "" })
        #expect(privilegedRoles.isSuperset(of: ["Owner", "Contributor", "User Access Administrator", "Key Vault Secrets User"]))
        #expect(!privilegedRoles.contains("Reader"))
        let unused = try rows(["--privileged", "--unused"])
        #expect(!unused.isEmpty && unused.allSatisfy { $0["uses"] as? Int == 0 })
        #expect(try rows(["--role", "reader"]).allSatisfy { $0["role"] as? String == "Reader" })
        // By definition id too (the GUID, or the full resource id).
        let readerByID = try rows(["--role", "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"])
        let readerByName = try rows(["--role", "Reader"])
        #expect(!readerByID.isEmpty && readerByID.count == readerByName.count)
        let under = try rows(["--under", "/providers/Microsoft.Management/managementGroups/contoso-corp"])
        #expect(!under.isEmpty && under.count < all.count)
        #expect(under.allSatisfy { ($0["scope"] as? String ?? "").contains("contoso-corp") || ($0["scope"] as? String ?? "").hasPrefix("/subscriptions/") })
        let leo = try rows(["--principal", "Leo Marchetti"])
        #expect(!leo.isEmpty && leo.allSatisfy { $0["principalName"] as? String == "Leo Marchetti" })
        let orphan = all.first { $0["principal"] as? String == "0fead4ab-4657-40d1-bf2a-fc76cf9cce7d" }
        #expect(orphan?["orphaned"] as? Bool == true)
        #expect(run(["usage", "--role", "no such role"]).exitCode == 1)
    }

    @Test("CSV on every list command; a format a command does not offer is a usage error")
    func formats() throws {
        for args in [["usage"], ["roles"], ["findings"], ["roles", "Owner"], ["blast-radius", "--principal", "Leo Marchetti"],
                     ["effective", "--principal", "Leo Marchetti", "--scope", Self.corpProd],
                     ["who-can", "--action", "Microsoft.Authorization/roleAssignments/write", "--scope", "/", "--type", "user"]] {
            let r = run(args + ["--format", "csv"])
            #expect(r.exitCode == 0 || (args == ["findings"] && r.exitCode == 2), "\(args): \(r.stderr)")
            #expect(r.stdout.split(separator: "\n").count >= 2, "\(args)")
        }
        let rules = runCLI(["rules", "--format", "csv"])
        #expect(rules.exitCode == 0 && rules.stdout.hasPrefix("id,kind,severity,summary,"))
        #expect(run(["inventory", "--format", "csv"]).exitCode == 64)
        #expect(run(["explain", "--principal", "x", "--action", "a/b", "--scope", "/", "--format", "csv"]).exitCode == 64)
    }

    @Test("every command's help has an example on the demo database")
    func helpExamples() {
        let types: [any ParsableCommand.Type] = [InventoryCommand.self, EffectiveCommand.self, WhoCanCommand.self, ExplainCommand.self,
                                                 BlastRadiusCommand.self, UsageCommand.self, RolesCommand.self]
        for t in types {
            let text = ScopedownCommand.helpMessage(for: t, columns: 120)
            #expect(text.contains("--db scopedown-demo.db"), "\(t)")
        }
    }

    @Test("findings tables name principals and wrap to the width")
    func findingsNamesFirst() {
        let r = run(["findings", "--config", SharedData.fixture("demo/findings-config.json").path, "--width", "100"])
        #expect(r.exitCode == 0 || r.exitCode == 2, "\(r.stderr)")
        #expect(r.stdout.contains("principal: Alice Moreau <alice.moreau@contosorobotics.example> (54743997-7839-4ad2-b7b8-af282c93a831)")
                || r.stdout.contains("Alice Moreau <alice.moreau@contosorobotics.example>"))
        #expect(r.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 })
    }
}
