import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore
import ScopedownRecommend
import ScopedownRender
import ScopedownReview

/// `scopedown report --db DB --out DIR [--previous OLD.db]`: the offline HTML access review and a
/// CSV review pack per point of contact.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an offline HTML access review and a CSV review pack per point of contact.",
        discussion: """
        DIR/index.html is the overview: owners per subscription, granted operations observed vs
        unobservable vs unused, findings by severity, assignments by scope level and, with --previous,
        the privilege growth since that snapshot. Each point of contact (a subscription's contact tag,
        `owner` by default) gets a page listing every assignment with its usage, findings and
        recommendation in searchable, sortable, paged tables; subscriptions without the tag are
        together on one flagged page, management-group and root assignments on another. A large
        contact's page is split into parts. Everything is inline (no network, opens from file://).

        DIR/packs/<page>.csv is the same list with a decision column (keep, remove, change) for the
        contact to fill in; `scopedown review-apply` turns returned packs into az CLI commands.

        Example:
          scopedown demo --db scopedown-demo.db
          scopedown demo --fixtures fixtures/demo-next --db scopedown-demo-next.db
          scopedown report --db scopedown-demo-next.db --previous scopedown-demo.db --out review
          xdg-open review/index.html

        Exit codes: 0 success, 1 error, 64 usage error.
        """)

    @OptionGroup var db: DatabaseOptions

    @Option(name: .long, help: ArgumentHelp("The folder to write (created when missing).", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("An earlier snapshot: show the privilege growth since then.", valueName: "OLD.db"))
    var previous: String?

    @Option(name: .long, help: ArgumentHelp("The subscription tag that names its point of contact.", valueName: "name"))
    var contactTag: String = "owner"

    @Option(help: ArgumentHelp("Rule settings for the findings (as `scopedown findings --config`).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Rows per HTML file before a contact's page is split.", valueName: "n"))
    var rowsPerFile: Int = 2500

    func validate() throws {
        if rowsPerFile < 1 { throw ValidationError("--rows-per-file must be at least 1") }
        if contactTag.trimmingSpaces().isEmpty { throw ValidationError("--contact-tag must not be empty") }
    }

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        let model: ReviewModel
        do {
            if let previous { try ReviewSnapshot.requireSameSchema(previous, db.db) }
            let cfg = try ReviewSources.config(config)
            let now = try ReviewSnapshot.load(db.db, findings: cfg, recommend: true)
            var growth: SnapshotDiff?
            if let previous {
                let before = try ReviewSnapshot.load(previous, usage: false, findings: cfg)
                growth = SnapshotDiff.compute(old: before.evaluator, new: now.evaluator, oldFindings: before.findings, newFindings: now.findings)
            }
            model = ReviewModel.build(now.evaluator, .init(usage: now.usage, usageWindow: now.usageWindow, findings: now.findings,
                                                           recommendations: now.recommendations, contactTag: contactTag, growth: growth))
        } catch let f as ReviewSnapshot.Failure {
            io.errLine(f.text)
            throw ExitCode(1)
        }
        // The packs are rendered on another core while the pages are (each reads the model only).
        let packWork = Concurrent { model.contacts.map { (path: "packs/\($0.slug).csv", text: ReviewPack.render(model, $0)) } }
        let pages = ReviewHTML.render(model, options: .init(rowsPerFile: rowsPerFile, databaseName: Self.baseName(db.db),
                                                            previousName: previous.map(Self.baseName)))
        let packs = packWork.value()
        do {
            try Self.write(folder: out, files: pages.map { ($0.path, $0.text) } + packs.map { ($0.path, $0.text) })
        } catch {
            io.errLine(SafeText.terminal("\(out): error: cannot write the report: \(error)"))
            throw ExitCode(1)
        }
        let largest = pages.map(\.text.utf8.count).max() ?? 0
        io.outLine(SafeText.terminal("wrote \(out)/index.html: \(pages.count) page\(pages.count == 1 ? "" : "s") (largest \(largest / 1024) KiB), "
            + "\(packs.count) review pack\(packs.count == 1 ? "" : "s") in \(out)/packs/"))
    }

    static func baseName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

    /// Replaces an earlier report's files (pages and packs this command names) and writes the new
    /// ones; other files in the folder are left alone.
    static func write(folder: String, files: [(String, String)], replacing: Bool = true) throws {
        let fm = FileManager.default
        for (path, _) in files {
            let dir = (folder + "/" + path).split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            try fm.createDirectory(atPath: dir.isEmpty ? "/" : dir, withIntermediateDirectories: true)
        }
        guard replacing else {
            for (path, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + path), options: .atomic) }
            return
        }
        try fm.createDirectory(atPath: folder + "/packs", withIntermediateDirectories: true)
        for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".html")
            && (name == "index.html" || name.hasPrefix("contact-") || name.hasPrefix("unowned") || name.hasPrefix("tenant-wide")) {
            try fm.removeItem(atPath: folder + "/" + name)
        }
        for name in (try? fm.contentsOfDirectory(atPath: folder + "/packs")) ?? [] where name.hasSuffix(".csv")
            && (name.hasPrefix("contact-") || name.hasPrefix("unowned") || name.hasPrefix("tenant-wide")) {
            try fm.removeItem(atPath: folder + "/packs/" + name)
        }
        for (path, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + path), options: .atomic)
        }
    }
}

/// `scopedown review-apply --db DB PACK.csv...`: the az CLI commands that carry out returned review packs.
struct ReviewApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review-apply",
        abstract: "Read returned review packs and print the az CLI commands that carry out their decisions.",
        discussion: """
        Each pack is a CSV that `scopedown report` wrote, its decision column filled in: keep, remove or
        change (change: new_role and/or new_scope say what to assign instead; when both are empty the
        pack's suggestion is used). An empty decision is undecided and left alone. Every line of every
        pack is checked first, against its check column and the database: an edited line, an unknown
        decision or role, an assignment no longer in the database, or two packs deciding one
        assignment differently is an error naming the file and line, and then nothing is printed.
        The output is a POSIX shell script for review; scopedown itself changes nothing in Azure.

        Example:
          scopedown report --db scopedown-demo.db --out review/
          scopedown review-apply --db scopedown-demo.db review/packs/*.csv > apply.sh

        Exit codes: 0 success, 1 error (bad pack, missing database), 64 usage error.
        """)

    @OptionGroup var db: DatabaseOptions

    @Argument(help: ArgumentHelp("Returned review packs (CSV).", valueName: "PACK.csv"))
    var packs: [String]

    enum Emit: String, ExpressibleByArgument, CaseIterable { case terraform, bicep, azcli, plan }

    @Option(help: ArgumentHelp("Instead of the az script, write the change with the recommender's emitters: terraform, bicep, azcli (role definitions) or plan (Markdown), into --out.", valueName: "kind"))
    var emit: Emit?

    @Option(help: ArgumentHelp("The folder --emit writes (created when missing).", valueName: "dir"))
    var out: String?

    func validate() throws {
        if packs.isEmpty { throw ValidationError("give at least one review pack (PACK.csv)") }
        if (emit == nil) != (out == nil) { throw ValidationError("--emit and --out go together") }
    }

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        var inputs: [(file: String, text: String)] = []
        var failed = false
        for p in packs {
            guard let data = FileManager.default.contents(atPath: p) else {
                io.errLine(SafeText.terminal("\(p): error: cannot read the file"))
                failed = true
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                io.errLine(SafeText.terminal("\(p): error: not UTF-8 text") + "\n  help: save the pack as CSV UTF-8")
                failed = true
                continue
            }
            inputs.append((p, text))
        }
        if failed { throw ExitCode(1) }
        let snapshot: ReviewSnapshot
        do { snapshot = try ReviewSnapshot.load(db.db, usage: false, recommend: true) } catch let f as ReviewSnapshot.Failure {
            io.errLine(f.text)
            throw ExitCode(1)
        }
        let model = ReviewModel.build(snapshot.evaluator, .init(usage: [:], recommendations: snapshot.recommendations))
        switch ReviewPack.plan(packs: inputs, model: model, roles: snapshot.evaluator.snapshot.roleDefinitions,
                               generated: snapshot.generatedRoles) {
        case .failure(let e):
            for d in e.diagnostics { io.errLine(d.description.replacingNewlines()) }
            io.errLine("error: \(e.diagnostics.count) problem\(e.diagnostics.count == 1 ? "" : "s") in the review packs; nothing was planned")
            throw ExitCode(1)
        case .success(let plan):
            guard let emit, let out else {
                io.out(ReviewApply.azScript(plan, roles: model.roles))
                return
            }
            var byID: [String: RoleAssignment] = [:]
            for a in snapshot.evaluator.snapshot.roleAssignments { byID[a.id] = a }
            let (change, skipped) = ReviewApply.changePlan(plan, assignments: byID, roles: model.roles)
            let files: [(String, String)]
            switch emit {
            case .terraform: files = ChangeEmitters.terraform(change)
            case .bicep: files = ChangeEmitters.bicep(change)
            case .azcli: files = ChangeEmitters.azcli(change)
            case .plan: files = ChangeEmitters.plan(change)
            }
            do { try ReportCommand.write(folder: out, files: files, replacing: false) } catch {
                io.errLine(SafeText.terminal("\(out): error: cannot write: \(error)"))
                throw ExitCode(1)
            }
            for d in skipped {
                io.errLine(SafeText.terminal("\(d.file):\(d.line): note: PIM-eligible assignment left out of --emit (the az script handles it)"))
            }
            io.outLine(SafeText.terminal("wrote \(files.count) file\(files.count == 1 ? "" : "s") to \(out): \(change.changes.count) change\(change.changes.count == 1 ? "" : "s"), "
                + "\(change.roles.count) role\(change.roles.count == 1 ? "" : "s") to create"))
        }
    }
}
