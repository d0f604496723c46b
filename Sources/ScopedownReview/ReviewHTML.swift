import ScopedownCore
import ScopedownRender

/// The offline HTML review (`scopedown report`): an overview with SVG charts and a page per point of
/// contact, each table paged, searchable and sortable in the browser. Every string from the tenant
/// goes through `SafeText.html` (markup) or `ReviewHTML.scriptJSON` (data read with `textContent`);
/// a Content-Security-Policy admits only the report's own script, by hash.
public enum ReviewHTML {
    /// One written file: a path relative to the output folder, and its text.
    public struct File: Sendable {
        public var path: String
        public var text: String
    }

    /// Longest text shown in a cell; the packs carry the full value.
    static let cellLimit = 300

    public struct Options: Sendable {
        /// Rows per HTML file before a contact's page is split into parts.
        public var rowsPerFile: Int
        public var title: String
        public var databaseName: String
        public var previousName: String?
        public init(rowsPerFile: Int = 2500, title: String = "Access review", databaseName: String, previousName: String? = nil) {
            self.rowsPerFile = max(1, rowsPerFile)
            self.title = title
            self.databaseName = databaseName
            self.previousName = previousName
        }
    }

    public static func render(_ m: ReviewModel, options: Options) -> [File] {
        var files: [File] = [File(path: "index.html", text: overview(m, options))]
        for c in m.contacts {
            let parts = stride(from: 0, to: max(1, c.rows.count), by: options.rowsPerFile).map { start in
                Array(c.rows[start..<min(c.rows.count, start + options.rowsPerFile)])
            }
            for (i, part) in parts.enumerated() {
                files.append(File(path: pageName(c, part: i), text: contactPage(m, c, part: part, index: i, of: parts.count, options)))
            }
        }
        return files
    }

    static func pageName(_ c: ReviewContact, part: Int) -> String { c.slug + (part == 0 ? "" : "-\(part + 1)") + ".html" }

    // MARK: - Pages

    static func layout(title: String, subtitle: String, body: String) -> String {
        let hash = "sha256-" + base64(sha256(ReviewAssets.js))
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '\(hash)'; img-src data:; base-uri 'none'; form-action 'none'">
        <meta name="referrer" content="no-referrer">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(SafeText.html(title))</title>
        <style>\(ReviewAssets.css)</style>
        </head>
        <body>
        <header><h1>\(SafeText.html(title))</h1><p>\(subtitle)</p></header>
        <main>
        \(body)
        </main>
        <script>\(ReviewAssets.js)</script>
        </body>
        </html>

        """
    }

    static func overview(_ m: ReviewModel, _ o: Options) -> String {
        var b = ""
        let active = m.rows.filter { $0.state == .active }
        let unused = active.filter { $0.usageClass == .unused }.count
        let unowned = m.contacts.first { $0.kind == .unowned }
        b += "<h2>Summary</h2>\n<div class=\"cards\">"
        b += card("assignments", m.rows.count, note: m.rows.count == active.count ? nil : "\(m.rows.count - active.count) PIM-eligible")
        b += card("unused (logged operations)", unused)
        b += card("points of contact", m.contacts.filter { $0.kind == .contact }.count)
        b += card("subscriptions without a contact", unowned?.subscriptions.count ?? 0, flag: (unowned?.subscriptions.count ?? 0) > 0)
        if m.findingsAvailable {
            let serious = m.findings.filter { $0.severityRank <= 1 }.count
            b += card("findings", m.findings.count, note: "\(serious) critical or high", flag: serious > 0)
        }
        if m.recommendationsAvailable {
            let changes = m.rows.filter { ($0.recommendation?.decision ?? .keep) != .keep }.count
            b += card("recommended changes", changes, note: "remove, narrow or replace")
        }
        if let g = m.growth { b += card("principals whose privilege grew", g.privilegeGrowth.count, flag: !g.privilegeGrowth.isEmpty) }
        b += "</div>\n"

        b += "<h2>Charts</h2>\n<div class=\"charts\">\n"
        let owners = m.ownersPerSubscription
        b += chart(id: "owners", caption: "Owner assignments per subscription (at it or above)",
                   bars: owners.prefix(25).map { ($0.name, $0.owners) },
                   note: owners.count > 25 ? "The 25 subscriptions with the most owners, of \(owners.count)." : nil)
        let p = m.permissions
        b += stacked(id: "permissions", caption: "Granted operations: observed, unobservable, unused",
                     segments: [("observed in the Activity Log", p.observed, "#2e7d32"), ("unobservable (reads, data actions)", p.unobservable, "#9aa5b1"),
                                ("logged, never used", p.unused, "#c62828")],
                     note: "Summed over active assignments; reads and data actions never reach the Activity Log.")
        var bySeverity: [String: Int] = [:]
        for f in m.findings { bySeverity[f.severity, default: 0] += 1 }
        b += chart(id: "findings", caption: "Findings by severity", bars: ReviewFinding.severities.map { ($0, bySeverity[$0] ?? 0) },
                   note: m.findingsAvailable ? nil : "This build has no rules engine: no findings were computed.")
        b += chart(id: "levels", caption: "Assignments by scope level", bars: m.assignmentsByLevel.map { ($0.level, $0.count) }, note: nil)
        if let g = m.growth {
            var byKind: [SnapshotDiff.GrowthKind: Int] = [:]
            for p in g.privilegeGrowth { for k in Set(p.items.map(\.kind)) { byKind[k, default: 0] += 1 } }
            b += chart(id: "growth", caption: "Principals whose privilege grew since \(o.previousName ?? "the previous snapshot")",
                       bars: SnapshotDiff.GrowthKind.allCases.map { ($0.label, byKind[$0] ?? 0) },
                       note: "\(g.addedAssignments.count) assignment\(g.addedAssignments.count == 1 ? "" : "s") added, \(g.removedAssignments.count) removed, "
                           + "\(g.changedRoles.count) role\(g.changedRoles.count == 1 ? "" : "s") changed.")
        }
        b += "</div>\n"

        b += "<h2>Points of contact</h2>\n"
        b += "<p class=\"muted\">Each subscription's point of contact is its <code>\(SafeText.html(m.contactTag))</code> tag. "
        b += "Each page lists the assignments to review; <code>packs/&lt;page&gt;.csv</code> is the same list with a decision column.</p>\n"
        let contactRows: [[JSON]] = m.contacts.map { c in
            let rows = c.rows.map { m.rows[$0] }
            return [.array([.string(label(c)), .string(pageName(c, part: 0))]),
                    .string(c.kind == .unowned ? "no contact tag" : (c.kind == .tenantWide ? "above subscriptions" : "")),
                    .int(c.subscriptions.count), .int(rows.count), .int(rows.filter { $0.usageClass == .unused }.count),
                    .int(c.findingCount), .string("packs/\(c.slug).csv")]
        }
        b += dataTable(id: "contacts", columns: [("contact", "Point of contact", false), ("flag", "Note", false), ("subscriptions", "Subscriptions", true),
                                                 ("assignments", "Assignments", true), ("unused", "Unused", true), ("findings", "Findings", true),
                                                 ("pack", "Review pack", false)], rows: contactRows)
        if let g = m.growth {
            b += "<h2>Privilege growth since \(SafeText.html(o.previousName ?? "the previous snapshot"))</h2>\n"
            var rows: [[JSON]] = []
            // The overview stays small on any tenant: the full list is `scopedown diff`'s.
            let limit = 2000
            let total = g.privilegeGrowth.reduce(0) { $0 + $1.items.count }
            if total > limit {
                b += "<p class=\"muted\">The first \(limit) of \(total) rows, most severe first; <code>scopedown diff</code> lists them all.</p>\n"
            }
            for (rank, p) in g.privilegeGrowth.enumerated() where rows.count < limit {
                for it in p.items where rows.count < limit {
                    rows.append([.int(rank + 1), .string(clip(p.principalName ?? p.principal)), .string(p.kind.rawValue), .string(it.kind.label),
                                 .string(clip(it.what.joined(separator: ", "))), .string(clip(it.scope)), .string(it.assignments.joined(separator: " "))])
                }
            }
            b += dataTable(id: "growth", columns: [("rank", "Rank", true), ("principal", "Principal", false), ("type", "Type", false),
                                                   ("kind", "Growth", false), ("what", "Role or operation", false), ("scope", "Scope", false),
                                                   ("assignments", "Assignments", false)], rows: rows)
        }
        return layout(title: o.title, subtitle: subtitle(m, o), body: b)
    }

    static func subtitle(_ m: ReviewModel, _ o: Options) -> String {
        var s = "Database <code>\(SafeText.html(o.databaseName))</code>"
        if let p = o.previousName { s += ", compared with <code>\(SafeText.html(p))</code>" }
        if let f = m.usageWindow.from, let t = m.usageWindow.to {
            s += "; Activity Log \(SafeText.html(CivilDate.isoString(f))) to \(SafeText.html(CivilDate.isoString(t)))"
        } else {
            s += "; no Activity Log imported"
        }
        return s
    }

    static func label(_ c: ReviewContact) -> String { clip(c.name) }

    static func contactPage(_ m: ReviewModel, _ c: ReviewContact, part: [Int], index: Int, of parts: Int, _ o: Options) -> String {
        var b = "<p><a href=\"index.html\">Overview</a></p>\n"
        if c.kind == .unowned {
            b += "<p class=\"flag\">These subscriptions have no <code>\(SafeText.html(m.contactTag))</code> tag: nobody is named to review them.</p>\n"
        } else if c.kind == .tenantWide {
            b += "<p class=\"muted\">Assignments at management groups and the root apply to every subscription below them.</p>\n"
        }
        let mine = c.rows.map { m.rows[$0] }
        b += "<div class=\"cards\">" + card("assignments", mine.count) + card("unused (logged operations)", mine.filter { $0.usageClass == .unused }.count)
        if m.findingsAvailable { b += card("findings", c.findingCount, flag: c.findingCount > 0) }
        b += "</div>\n"
        if !c.subscriptions.isEmpty {
            b += "<p>Subscriptions: " + c.subscriptions.map { SafeText.html(clip($0)) }.joined(separator: ", ") + "</p>\n"
        }
        if parts > 1 {
            b += "<nav class=\"parts\">Part \(index + 1) of \(parts): "
            for i in 0..<parts {
                b += i == index ? "<b>\(i + 1)</b> " : "<a href=\"\(pageName(c, part: i))\">\(i + 1)</a> "
            }
            b += "</nav>\n"
        }
        b += "<p class=\"muted\">Review pack: <code>packs/\(c.slug).csv</code> (fill in the decision column: keep, remove or change).</p>\n"
        let rows: [[JSON]] = part.map { i in
            let r = m.rows[i]
            let f = r.findings
            let findingText = f.isEmpty ? "" : "\(f.count): " + f.map { "[\($0.severity)] \($0.message)" }.joined(separator: "; ")
            return [.string(clip(r.principalName ?? r.principal)), .string(r.principalKind), .string(clip(r.role)), .string(clip(r.scope.display)),
                    .string(r.state.rawValue), .int(r.usage?.uses ?? 0),
                    .string(r.usage?.lastUsed.map(CivilDate.isoString) ?? ""), .string(r.usageClass.rawValue),
                    .string(f.first.map { "\($0.severityRank + 1) \($0.severity)" } ?? ""), .string(clip(findingText)),
                    .string(clip(r.recommendation.map { $0.decision.rawValue + ": " + $0.summary } ?? "")), .string(r.id)]
        }
        b += "<h2>Assignments</h2>\n"
        b += dataTable(id: "assignments", columns: [
            ("principal", "Principal", false), ("type", "Type", false), ("role", "Role", false), ("scope", "Scope", false),
            ("state", "State", false), ("uses", "Uses", true), ("lastUsed", "Last used", false), ("usage", "Usage", false),
            ("severity", "Worst finding", false), ("findings", "Findings", false), ("recommendation", "Recommendation", false),
            ("assignment", "Assignment", false)], rows: rows)
        if index == 0 && !c.otherFindings.isEmpty {
            b += "<h2>Findings not tied to one assignment</h2>\n"
            b += dataTable(id: "findings", columns: [("severity", "Severity", false), ("rule", "Rule", false), ("principal", "Principal", false),
                                                     ("scope", "Scope", false), ("message", "Finding", false)],
                           rows: c.otherFindings.map { f in
                               [.string(f.severity), .string(f.ruleID), .string(clip(f.principal.map { m.principalNames[$0] ?? $0 } ?? "")),
                                .string(clip(f.scope ?? "")), .string(clip(f.message))]
                           })
        }
        let title = o.title + ": " + c.name
        return layout(title: clip(title), subtitle: subtitle(m, o), body: b)
    }

    // MARK: - Pieces

    static func card(_ label: String, _ value: Int, note: String? = nil, flag: Bool = false) -> String {
        "<div class=\"card\"><b\(flag ? " class=\"flag\"" : "")>\(value)</b>\(SafeText.html(label))"
            + (note.map { "<br><span class=\"muted\">\(SafeText.html($0))</span>" } ?? "") + "</div>"
    }

    /// A table filled in the browser from a JSON data block (read as text, never as markup).
    static func dataTable(id: String, columns: [(key: String, label: String, num: Bool)], rows: [[JSON]]) -> String {
        let data = JSON.object([
            ("columns", .array(columns.map { .object([("key", .string($0.key)), ("label", .string($0.label)), ("num", .bool($0.num))]) })),
            ("rows", .array(rows.map { .array($0) })),
        ])
        return """
        <section class="dt" data-src="data-\(id)" id="\(id)">
        <div class="bar"><input class="search" type="search" placeholder="Search" aria-label="Search this table">
        <button type="button" class="prev">Previous</button><button type="button" class="next">Next</button><span class="info"></span></div>
        <table><thead></thead><tbody></tbody></table>
        <script type="application/json" id="data-\(id)">\(scriptJSON(data))</script>
        </section>

        """
    }

    /// JSON safe inside a `<script>` element: `<`, `>`, `&` and the JavaScript line separators
    /// escaped, so no string can close the element or start markup.
    static func scriptJSON(_ j: JSON) -> String {
        var out = ""
        let s = j.render(pretty: false)
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func clip(_ s: String) -> String {
        let clean = SafeText.terminal(s)
        if clean.count <= cellLimit { return clean }
        return String(clean.prefix(cellLimit)) + "… (\(clean.count) characters)"
    }

    /// A horizontal bar chart.
    static func chart(id: String, caption: String, bars: [(String, Int)], note: String?) -> String {
        let rowH = 22, labelW = 200, barW = 260, top = 6
        let h = top * 2 + max(1, bars.count) * rowH
        let maxV = max(1, bars.map(\.1).max() ?? 1)
        var svg = "<svg role=\"img\" aria-label=\"\(SafeText.html(caption))\" viewBox=\"0 0 \(labelW + barW + 60) \(h)\" width=\"100%\" height=\"\(h)\">"
        for (i, (label, v)) in bars.enumerated() {
            let y = top + i * rowH
            let w = v == 0 ? 0 : max(2, v * barW / maxV)
            let shown = label.count > 30 ? String(label.prefix(29)) + "…" : label
            svg += "<text x=\"\(labelW - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(SafeText.html(SafeText.terminal(shown)))</text>"
            svg += "<rect x=\"\(labelW)\" y=\"\(y + 3)\" width=\"\(w)\" height=\"16\" fill=\"#2f5da8\"><title>\(SafeText.html(SafeText.terminal(label))): \(v)</title></rect>"
            svg += "<text x=\"\(labelW + w + 4)\" y=\"\(y + 15)\">\(v)</text>"
        }
        svg += "</svg>"
        return "<figure class=\"chart\" data-chart=\"\(id)\"><figcaption>\(SafeText.html(caption))</figcaption>\(svg)"
            + (note.map { "<p>\(SafeText.html($0))</p>" } ?? "") + "</figure>\n"
    }

    /// One bar cut into segments, with a legend.
    static func stacked(id: String, caption: String, segments: [(String, Int, String)], note: String?) -> String {
        let total = max(1, segments.reduce(0) { $0 + $1.1 })
        let width = 520
        var svg = "<svg role=\"img\" aria-label=\"\(SafeText.html(caption))\" viewBox=\"0 0 \(width) \(40 + segments.count * 20)\" width=\"100%\" height=\"\(40 + segments.count * 20)\">"
        var x = 0
        for (label, v, color) in segments {
            let w = v * width / total
            svg += "<rect x=\"\(x)\" y=\"4\" width=\"\(w)\" height=\"24\" fill=\"\(color)\"><title>\(SafeText.html(label)): \(v)</title></rect>"
            x += w
        }
        for (i, (label, v, color)) in segments.enumerated() {
            let y = 36 + i * 20
            let pct = Double(v) * 100 / Double(total)
            svg += "<rect x=\"0\" y=\"\(y)\" width=\"12\" height=\"12\" fill=\"\(color)\"></rect>"
            svg += "<text x=\"18\" y=\"\(y + 11)\">\(SafeText.html(label)): \(v) (\(formatPercent(pct)))</text>"
        }
        svg += "</svg>"
        return "<figure class=\"chart\" data-chart=\"\(id)\"><figcaption>\(SafeText.html(caption))</figcaption>\(svg)"
            + (note.map { "<p>\(SafeText.html($0))</p>" } ?? "") + "</figure>\n"
    }

    static func formatPercent(_ p: Double) -> String {
        let tenths = Int((p * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    // MARK: - CSP hash

    static func sha256(_ s: String) -> [UInt8] {
        var h = SHA256()
        Array(s.utf8).withUnsafeBytes { h.update($0) }
        return h.finalize()
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var i = 0
        while i < bytes.count {
            let b0 = Int(bytes[i]), b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0, b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
            out.append(table[b0 >> 2])
            out.append(table[((b0 & 3) << 4) | (b1 >> 4)])
            out.append(i + 1 < bytes.count ? table[((b1 & 15) << 2) | (b2 >> 6)] : "=")
            out.append(i + 2 < bytes.count ? table[b2 & 63] : "=")
            i += 3
        }
        return out
    }
}
