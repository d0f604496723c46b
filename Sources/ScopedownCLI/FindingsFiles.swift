#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore
import ScopedownImport
import ScopedownRules

/// Reads `--config FILE`: a JSON object whose keys are `FindingsConfig.keys`; an unknown key or a
/// wrong type is an error naming the key, file, line and column.
enum FindingsConfigFile {
    static func load(_ path: String) throws -> FindingsConfig {
        let root = try parse(path)
        guard root.kind == .object else { throw root.error("expected an object of settings, found \(root.kind)") }
        var c = FindingsConfig()
        let known = FindingsConfig.keys.map(\.key)
        for (key, v) in root.members {
            func int() throws -> Int {
                guard v.kind == .number, let i = v.int, i >= 0 else { throw v.error("`\(key)` must be a non-negative integer") }
                return i
            }
            func strings() throws -> [String] {
                guard v.kind == .array else { throw v.error("`\(key)` must be an array of strings") }
                return try v.elements.map { e in
                    guard let s = e.string else { throw e.error("`\(key)` must be an array of strings") }
                    return s
                }
            }
            switch key {
            case "contactTags": c.contactTags = try strings()
            case "securityGroup":
                if v.isNull { c.securityGroup = nil; break }
                guard let s = v.string, !s.trimmingSpaces().isEmpty else { throw v.error("`securityGroup` must be a group's object id or display name") }
                c.securityGroup = s
            case "minOwners": c.minOwners = try int()
            case "maxOwners": c.maxOwners = try int()
            case "subscriptionAssignmentWarning": c.subscriptionAssignmentWarning = try int()
            case "managementGroupAssignmentWarning": c.managementGroupAssignmentWarning = try int()
            case "customRoleWarning": c.customRoleWarning = try int()
            case "disabledRules":
                c.disabledRules = try strings()
                let names = Set(RuleCatalog.all.flatMap { [$0.description.id.lowercased(), $0.description.kind] })
                if let bad = c.disabledRules.first(where: { !names.contains($0.lowercased()) }) {
                    throw v.error("`disabledRules` names no rule `\(bad)`", help: "`scopedown rules` lists the ids and kinds")
                }
            default:
                throw v.error("unknown setting `\(key)`", help: "known settings: " + known.joined(separator: ", "))
            }
        }
        if c.minOwners > c.maxOwners {
            throw Diagnostic.error("`minOwners` (\(c.minOwners)) is above `maxOwners` (\(c.maxOwners))", file: path)
        }
        return c
    }

    static func parse(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic.error("cannot read the file", file: path)
        }
        return try JSONDocument.parse(Array(data), file: path).root
    }
}

/// Reads `--baseline FILE`: an earlier `findings --format json` output (fingerprints recomputed
/// from its fields) or SARIF output (its `partialFingerprints`).
enum FindingsBaseline {
    static func load(_ path: String) throws -> Set<String> {
        let root = try FindingsConfigFile.parse(path)
        guard root.kind == .object else { throw root.error("expected a findings JSON or SARIF object, found \(root.kind)") }
        var out = Set<String>()
        if let list = root["findings"] {
            guard list.kind == .array else { throw list.error("expected an array") }
            for f in list.elements {
                guard f.kind == .object else { throw f.error("expected a finding object") }
                guard let rule = f["rule"]?.string else { throw f.error("a finding needs `rule`") }
                let finding = Finding(rule: rule, kind: f["kind"]?.string ?? "", severity: .info,
                                      principal: f["principal"]?.string, scope: f["scope"]?.string,
                                      assignment: f["assignment"]?.string, role: f["role"]?.string, message: "")
                out.insert(finding.fingerprint)
            }
        } else if let runs = root["runs"], runs.kind == .array {
            for run in runs.elements {
                for r in run["results"]?.elements ?? [] {
                    if let fp = r["partialFingerprints"]?[FindingsRendering.fingerprintKey]?.string { out.insert(fp) }
                }
            }
        } else {
            throw root.error("not a findings file: expected `findings` (scopedown --format json) or `runs` (SARIF)")
        }
        return out
    }
}
