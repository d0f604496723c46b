import ScopedownCore
import ScopedownRender

/// Review packs: one CSV per point of contact with a decision column (`scopedown report` writes
/// them, a reviewer fills them in, `scopedown review-apply` reads them back). Every cell goes
/// through `SafeText.csvCell` (formula injection, control characters); a `check` column
/// fingerprints the columns that identify the assignment, so an edited row is refused.
public enum ReviewPack {
    /// The reviewer's columns first, then what the reviewer needs to decide, then the check.
    public static let header = [
        "decision", "new_role", "new_scope", "comment",
        "assignment", "principal_id", "principal_name", "principal_type", "role", "role_id", "scope", "state",
        "subscription", "uses", "last_used", "usage", "used_actions", "findings",
        "suggested_decision", "suggested_role", "suggested_scope", "recommendation", "check",
    ]
    /// The columns that identify the assignment: fingerprinted by `check`.
    static let identity = ["assignment", "principal_id", "role_id", "scope", "state"]

    public static func render(_ m: ReviewModel, _ c: ReviewContact) -> String {
        var csv = CSV(header: header)
        for i in c.rows {
            let r = m.rows[i]
            let rec = r.recommendation
            let findings = r.findings.map { "[\($0.severity)] \($0.ruleID): \($0.message)" }.joined(separator: "; ")
            let ident = [r.id, r.principal, r.roleID, r.scope.display, r.state.rawValue]
            csv.append([
                "", "", "", "",
                r.id, r.principal, r.principalName ?? "", r.principalType, r.role, r.roleID, r.scope.display, r.state.rawValue,
                r.subscriptionName ?? "", String(r.usage?.uses ?? 0), r.usage?.lastUsed.map(CivilDate.isoString) ?? "",
                r.usageClass.rawValue, (r.usage?.usedActions ?? []).joined(separator: ";"), findings,
                rec?.decision.rawValue ?? "", rec?.roleName ?? rec?.roleID.flatMap { m.roles[$0] } ?? "", rec?.scope ?? "", rec?.summary ?? "",
                check(ident.map(cellText)),
            ])
        }
        return csv.render()
    }

    /// A value as it reads back from its CSV cell (neutralized as `SafeText.csvCell` writes it).
    static func cellText(_ s: String) -> String {
        (try? parse(SafeText.csvCell(s) + "\n", file: "").first?.fields.first) ?? s
    }

    /// 16 hex digits over the identity cells as they read back.
    static func check(_ cells: [String]) -> String {
        let joined = cells.joined(separator: "\u{1f}")
        let a = ReviewModel.fnv(joined), b = ReviewModel.fnv("scopedown-pack\u{1f}" + joined)
        return a + b
    }

    // MARK: - Reading

    public struct Record: Sendable {
        /// The line the record starts on (1-based).
        public var line: Int
        public var fields: [String]
    }

    /// RFC 4180 records (quoted fields may hold commas, quotes and line breaks; CRLF or LF; a UTF-8
    /// byte-order mark is skipped). Blank lines are skipped.
    public static func parse(_ text: String, file: String) throws -> [Record] {
        var out: [Record] = []
        var fields: [String] = [], field = "", quoted = false, inQuotes = false, atStart = true
        var line = 1, recordLine = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !quoted) { out.append(Record(line: recordLine, fields: fields)) }
            fields = []; field = ""; quoted = false; atStart = true
        }
        while i < scalars.count {
            let c = scalars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 2; continue }
                    inQuotes = false
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                i += 1
                continue
            }
            if atStart { recordLine = line; atStart = false }
            switch c {
            case "\"":
                if field.isEmpty && !quoted { inQuotes = true; quoted = true } else {
                    throw Diagnostic.error("a quote inside an unquoted field", file: file, line: line,
                                           help: "quote the whole field and double the quote (\"\")")
                }
            case ",":
                fields.append(field); field = ""; quoted = false
            case "\r":
                if i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
                endRecord(); line += 1
            case "\n":
                endRecord(); line += 1
            default:
                if quoted {
                    throw Diagnostic.error("text after the closing quote of a field", file: file, line: line)
                }
                field.unicodeScalars.append(c)
            }
            i += 1
        }
        if inQuotes {
            throw Diagnostic.error("a quoted field is not closed before the end of the file", file: file, line: recordLine)
        }
        if !atStart || !field.isEmpty || !fields.isEmpty { endRecord() }
        return out
    }

    // MARK: - Decisions

    /// One decision read from a pack, checked against the database.
    public struct Decision: Sendable {
        public var file: String
        public var line: Int
        public var row: ReviewRow
        public var decision: ReviewRecommendation.Decision
        /// For `change`: the role (GUID key) and the scopes to assign it at instead.
        public var newRoleID: String?
        public var newScopes: [Scope] = []
        public var comment: String
        /// A role the recommender generated, to create before assigning it.
        public var createRole: RoleDefinition? = nil
    }

    public struct Plan: Sendable {
        /// Remove and change decisions, in pack order.
        public var changes: [Decision]
        public var kept: Int
        public var undecided: Int
        public var packs: Int
    }

    /// Reads every pack and checks every line before anything is planned: any error (an edited
    /// identity column, an unknown decision, an assignment gone from the database, conflicting
    /// decisions for one assignment) fails the whole run, listing every error with its line.
    /// `generated`: roles the recommender proposes that the tenant does not have yet; a `change` to one
    /// of them creates it first.
    public static func plan(packs: [(file: String, text: String)], model m: ReviewModel, roles: [RoleDefinition],
                            generated: [RoleDefinition] = []) -> Result<Plan, PackErrors> {
        var errors: [Diagnostic] = []
        var rowByID: [String: Int] = [:]
        for (i, r) in m.rows.enumerated() { rowByID[r.id] = i }
        var roleByID: [String: RoleDefinition] = [:], roleByName: [String: [RoleDefinition]] = [:]
        for r in roles {
            if roleByID[r.id] == nil { roleByID[r.id] = r }
            roleByName[r.roleName.lowercased(), default: []].append(r)
        }
        var changes: [Decision] = [], kept = 0, undecided = 0
        var seen: [String: (file: String, line: Int, decision: String)] = [:]
        for pack in packs {
            let records: [Record]
            do { records = try parse(pack.text, file: pack.file) } catch {
                errors.append((error as? Diagnostic) ?? Diagnostic.error("\(error)", file: pack.file))
                continue
            }
            guard let head = records.first else {
                errors.append(Diagnostic.error("the pack is empty (no header line)", file: pack.file, line: 1))
                continue
            }
            var col: [String: Int] = [:]
            for (i, h) in head.fields.enumerated() { col[h.trimmingSpaces().lowercased()] = i }
            let missing = header.filter { col[$0] == nil }
            if !missing.isEmpty {
                errors.append(Diagnostic.error("the header lacks column\(missing.count == 1 ? "" : "s") \(missing.map { "`\($0)`" }.joined(separator: ", "))",
                                               file: pack.file, line: head.line,
                                               help: "return the pack as `scopedown report` wrote it, with only decision, new_role, new_scope and comment filled in"))
                continue
            }
            for rec in records.dropFirst() {
                func err(_ msg: String, help: String? = nil) { errors.append(Diagnostic.error(msg, file: pack.file, line: rec.line, help: help)) }
                guard rec.fields.count == head.fields.count else {
                    err("the line has \(rec.fields.count) field\(rec.fields.count == 1 ? "" : "s"), the header \(head.fields.count)")
                    continue
                }
                func v(_ name: String) -> String { col[name].map { rec.fields[$0] } ?? "" }
                let ident = identity.map(v)
                guard check(ident) == v("check").trimmingSpaces().lowercased() else {
                    err("the line was edited: its identity columns (\(identity.joined(separator: ", "))) no longer match its `check`",
                        help: "only decision, new_role, new_scope and comment may change; take the line from the pack as written")
                    continue
                }
                let id = AzureID.guidKey(v("assignment"))
                guard let ri = rowByID[id] else {
                    err("assignment `\(id)` is not in the database (removed since the pack was made?)",
                        help: "make a fresh report and review pack from the current database")
                    continue
                }
                let row = m.rows[ri]
                guard [row.id, row.principal, row.roleID, row.scope.display, row.state.rawValue].map(cellText) == ident else {
                    err("assignment `\(id)` changed in the database since the pack was made",
                        help: "make a fresh report and review pack from the current database")
                    continue
                }
                let raw = v("decision").trimmingSpaces().lowercased()
                if !raw.isEmpty && ReviewRecommendation.Decision(rawValue: raw) == nil {
                    err("unknown decision `\(v("decision"))`", help: "write keep, remove or change (or leave it empty: undecided)")
                    continue
                }
                if let prior = seen[id], prior.decision != raw {
                    err("assignment `\(id)` is decided differently at \(prior.file):\(prior.line) (`\(prior.decision)`)")
                    continue
                }
                let duplicate = seen[id] != nil
                seen[id] = (pack.file, rec.line, raw)
                if duplicate { continue }
                if raw.isEmpty { undecided += 1; continue }
                guard let decision = ReviewRecommendation.Decision(rawValue: raw) else { continue }
                switch decision {
                case .keep:
                    kept += 1
                case .remove:
                    changes.append(Decision(file: pack.file, line: rec.line, row: row, decision: .remove, comment: v("comment")))
                case .change:
                    var roleText = v("new_role").trimmingSpaces(), scopeText = v("new_scope").trimmingSpaces()
                    if roleText.isEmpty && scopeText.isEmpty {
                        roleText = v("suggested_role").trimmingSpaces()
                        scopeText = v("suggested_scope").trimmingSpaces()
                    }
                    if roleText.isEmpty && scopeText.isEmpty {
                        err("`change` needs new_role or new_scope", help: "name the role (or its GUID) and/or the scope to assign instead")
                        continue
                    }
                    var newRole = row.roleID
                    var createRole: RoleDefinition?
                    if !roleText.isEmpty {
                        let key = AzureID.roleDefinitionKey(roleText)
                        if let r = roleByID[key] { newRole = r.id } else if let g = generated.first(where: {
                            $0.id == key || $0.roleName.lowercased() == roleText.lowercased()
                        }) {
                            newRole = g.id
                            createRole = g
                        } else if let list = roleByName[roleText.lowercased()] {
                            guard list.count == 1 else {
                                err("role name `\(roleText)` is ambiguous (\(list.count) roles)", help: "write the role's GUID")
                                continue
                            }
                            newRole = list[0].id
                        } else {
                            err("new_role `\(roleText)` is not a role in the database", help: "write a role name or GUID that `scopedown` imported")
                            continue
                        }
                    }
                    // Several scopes (a narrowed assignment) are separated by `;`.
                    var newScopes = [row.scope]
                    if !scopeText.isEmpty {
                        let parts = scopeText.split(separator: ";").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
                        guard !parts.isEmpty, parts.allSatisfy({ p in
                            p.hasPrefix("/") && !p.contains(where: { $0 == "'" || $0 == "\"" || $0 == " " || $0 == "\\" })
                        }) else {
                            err("new_scope `\(scopeText)` is not a scope (or scopes separated by `;`)",
                                help: "write an ARM scope such as /subscriptions/GUID/resourceGroups/NAME")
                            continue
                        }
                        var seenScopes = Set<String>()
                        newScopes = parts.map { Scope($0) }.filter { seenScopes.insert($0.key).inserted }
                    }
                    if newRole == row.roleID && newScopes == [row.scope] {
                        err("`change` keeps the same role and scope", help: "write `keep`, or name another role or scope")
                        continue
                    }
                    changes.append(Decision(file: pack.file, line: rec.line, row: row, decision: .change, newRoleID: newRole, newScopes: newScopes,
                                            comment: v("comment"), createRole: createRole))
                }
            }
        }
        if !errors.isEmpty { return .failure(PackErrors(diagnostics: errors)) }
        return .success(Plan(changes: changes, kept: kept, undecided: undecided, packs: packs.count))
    }

    public struct PackErrors: Error, Sendable {
        public var diagnostics: [Diagnostic]
    }
}
