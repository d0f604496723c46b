import Foundation
import Testing
import ScopedownTestSupport
@testable import ScopedownCLI
@testable import ScopedownReview

/// Headless Chromium, when installed (Debian's `chromium`; .ci/run installs it). With CI=true a
/// missing browser fails the test instead of skipping it.
enum Browser {
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"
    static let path: String? = {
        if let p = ProcessInfo.processInfo.environment["SCOPEDOWN_CHROMIUM"], FileManager.default.isExecutableFile(atPath: p) { return p }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            for name in ["chromium", "chromium-browser", "google-chrome"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }()
    static var runs: Bool { path != nil || required }

    /// Loads `url` (scripts run), returns the DOM after load and the console messages.
    static func dumpDOM(_ url: String, chromium: String, profile: String) throws -> (dom: String, console: [String]) {
        let out = profile + ".out", err = profile + ".err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile,
                       "--enable-logging=stderr", "--v=0", "--dump-dom", url]
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try p.run()
        p.waitUntilExit()
        let dom = try String(contentsOfFile: out, encoding: .utf8)
        let log = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        return (dom, log.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") })
    }

    /// `name="value"` of the first element whose opening tag contains `marker`.
    static func attribute(_ name: String, in dom: String, element marker: String) -> String? {
        guard let r = dom.range(of: marker), let tagEnd = dom[r.lowerBound...].firstIndex(of: ">") else { return nil }
        let start = dom[..<r.lowerBound].lastIndex(of: "<") ?? r.lowerBound
        let tag = dom[start..<tagEnd]
        guard let a = tag.range(of: " \(name)=\"") else { return nil }
        return String(tag[a.upperBound...].prefix { $0 != "\"" })
    }

    /// The cells of the first body row of the table.
    static func firstRow(_ dom: String) -> [String] {
        guard let b = dom.range(of: "<tbody>"), let e = dom[b.upperBound...].range(of: "</tr>") else { return [] }
        return dom[b.upperBound..<e.lowerBound].components(separatedBy: "<td").dropFirst().map { cell in
            let afterTag = cell.drop { $0 != ">" }.dropFirst()
            return String(afterTag.prefix { $0 != "<" })
        }
    }
}

@Suite("review report in a browser")
struct ReviewBrowserTests {
    static let payloads = [
        "<script>document.documentElement.setAttribute('data-pwned','script')</script>",
        "\"><img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">",
        "javascript:document.documentElement.setAttribute('data-pwned','js')",
        "=HYPERLINK(\"http://evil.example/\",\"click\")",
        "\u{1b}[31mred\u{1b}[0m\u{1b}]0;title\u{7}",
        String(repeating: "A", count: 10_000),
    ]

    /// The demo tenant with a hostile payload in front of every display name, role name,
    /// description and tag value (contact tags included).
    static func hostileTenant(_ tmp: TempDir) throws -> String {
        let src = SharedData.fixture("demo"), dst = tmp.url.appendingPathComponent("hostile")
        try FileManager.default.copyItem(at: src, to: dst)
        var n = 0
        func hostile(_ s: String) -> String {
            n += 1
            return payloads[n % payloads.count] + " " + s
        }
        func walk(_ v: Any, key: String?, subscriptions: Bool) -> Any {
            if let d = v as? [String: Any] {
                var out: [String: Any] = [:]
                for (k, x) in d.sorted(by: { $0.key < $1.key }) {
                    if k == "tags", let t = x as? [String: Any] {
                        out[k] = t.mapValues { ($0 as? String).map(hostile) ?? $0 }
                    } else {
                        out[k] = walk(x, key: k, subscriptions: subscriptions)
                    }
                }
                return out
            }
            if let a = v as? [Any] { return a.map { walk($0, key: key, subscriptions: subscriptions) } }
            if let s = v as? String, let key,
               ["displayName", "roleName", "description", "principalName", "jobTitle"].contains(key) || (subscriptions && key == "name") {
                return hostile(s)
            }
            return v
        }
        let files = FileManager.default.enumerator(atPath: dst.path)?.compactMap { $0 as? String } ?? []
        for f in files.sorted() where f.hasSuffix(".json") && !f.hasPrefix("activity") {
            let url = dst.appendingPathComponent(f)
            let value = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
            let changed = walk(value, key: nil, subscriptions: f == "subscriptions.json")
            try JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys]).write(to: url)
        }
        let db = tmp.path("hostile.db")
        let r = runCLI(["demo", "--db", db, "--fixtures", dst.path])
        try #require(r.exitCode == 0, "\(r.stderr)")
        return db
    }

    @Test("a hostile tenant's report: escaped pages under 5 MB, safe file names, neutralized packs that read back")
    func hostileReportStatic() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = try Self.hostileTenant(tmp)
        let out = tmp.path("review")
        let r = runCLI(["report", "--db", db, "--out", out])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("\u{1b}"))
        let files = try ReviewTestFiles.list(out)
        #expect(files.count > 4)
        for f in files {
            #expect(f.wholeMatch(of: /(packs\/)?[a-z0-9-]+\.(html|csv)/) != nil, "unsafe file name \(f)")
            let text = try String(contentsOfFile: out + "/" + f, encoding: .utf8)
            #expect(text.utf8.count < 5_000_000)
            #expect(!text.contains("\u{1b}"), "\(f) carries an escape character")
            if f.hasSuffix(".html") {
                #expect(!text.contains("<img") && !text.contains("<script>document"), "\(f) carries live markup")
                // Our script and one data block per table, nothing else.
                let scripts = text.components(separatedBy: "<script").count - 1
                let tables = text.components(separatedBy: "<section class=\"dt\"").count - 1
                #expect(scripts == tables + 1, "\(f): \(scripts) script elements for \(tables) tables")
            } else {
                let records = try ReviewPack.parse(text, file: f)
                for rec in records { for cell in rec.fields {
                    #expect(!(cell.first.map { "=+-@".contains($0) } ?? false), "\(f):\(rec.line): formula cell \(cell.prefix(40))")
                } }
                #expect(text.contains("'=HYPERLINK") || !text.contains("HYPERLINK"))
            }
        }
        // Packs returned untouched read back: every line checks, all undecided.
        let packs = files.filter { $0.hasPrefix("packs/") }.map { out + "/" + $0 }
        let apply = runCLI(["review-apply", "--db", db] + packs)
        #expect(apply.exitCode == 0, "\(apply.stderr.prefix(2000))")
        #expect(apply.stdout.contains("0 removals and 0 changes"))
    }

    @Test("the report in headless Chromium: no console message, charts, search and sort work, no injected script runs",
          .enabled(if: Browser.runs, "chromium is not installed (apt-get install chromium); CI=true requires it"))
    func browser() throws {
        let chromium = try #require(Browser.path, "CI=true and no chromium: install Debian's chromium package (.ci/run does)")
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = try Self.hostileTenant(tmp)
        let out = tmp.path("review")
        #expect(runCLI(["report", "--db", db, "--out", out]).exitCode == 0)
        let pages = try ReviewTestFiles.list(out).filter { $0.hasSuffix(".html") }
        for (i, page) in pages.enumerated() {
            let (dom, console) = try Browser.dumpDOM(URL(fileURLWithPath: out + "/" + page).absoluteString, chromium: chromium,
                                                     profile: tmp.path("profile-\(i)"))
            #expect(console.isEmpty, "\(page): \(console)")
            #expect(Browser.attribute("data-ready", in: dom, element: "<html") == "1", "\(page): the script did not finish")
            #expect(Browser.attribute("data-pwned", in: dom, element: "<html") == nil, "\(page): an injected script ran")
            #expect(!dom.contains("<img"), "\(page): injected markup is live")
            if page == "index.html" {
                #expect(dom.components(separatedBy: "<svg").count - 1 >= 4, "charts are missing")
                for chart in ["owners", "permissions", "findings", "levels"] { #expect(dom.contains("data-chart=\"\(chart)\"")) }
            }
        }

        // Search, then sort, on the tenant-wide page, as a person would (typed and clicked by the page's script).
        let page = URL(fileURLWithPath: out + "/tenant-wide.html").absoluteString
        let all = try Browser.dumpDOM(page, chromium: chromium, profile: tmp.path("p-all"))
        let total = Int(Browser.attribute("data-matching", in: all.dom, element: "data-src=\"data-assignments\"") ?? "") ?? -1
        #expect(total > 5)
        let searched = try Browser.dumpDOM(page + "#q=Reader", chromium: chromium, profile: tmp.path("p-q"))
        let matching = Int(Browser.attribute("data-matching", in: searched.dom, element: "data-src=\"data-assignments\"") ?? "") ?? -1
        #expect(matching > 0 && matching < total, "search: \(matching) of \(total)")
        #expect(Browser.firstRow(searched.dom).contains { $0.contains("Reader") })
        #expect(searched.console.isEmpty)

        let sorted = try Browser.dumpDOM(page + "#sort=uses&dir=desc", chromium: chromium, profile: tmp.path("p-sort"))
        let ascending = try Browser.dumpDOM(page + "#sort=uses&dir=asc", chromium: chromium, profile: tmp.path("p-sort2"))
        let usesColumn = 5
        let top = Int(Browser.firstRow(sorted.dom)[safe: usesColumn] ?? "") ?? -1
        let bottom = Int(Browser.firstRow(ascending.dom)[safe: usesColumn] ?? "") ?? -1
        #expect(top > 0 && bottom == 0 && top > bottom, "sort by uses: \(top) first descending, \(bottom) first ascending")
        #expect(sorted.dom.contains("aria-sort=\"descending\""))
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
