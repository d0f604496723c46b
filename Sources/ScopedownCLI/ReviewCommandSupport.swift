import ArgumentParser
import Dispatch
import ScopedownCore
import ScopedownImport
import ScopedownRecommend
import ScopedownRules
import ScopedownRender
import ScopedownReview
import ScopedownSQLite
import ScopedownStore

/// Loading shared by `diff`, `report` and `review-apply`: one database's snapshot, evaluator,
/// usage, findings and recommendations, as the review module takes them.
struct ReviewSnapshot {
    var evaluator: Evaluator
    var usage: [String: ReviewUsage]
    var usageWindow: (from: Int64?, to: Int64?)
    /// nil when this build computes no findings.
    var findings: [ReviewFinding]?
    /// nil when not asked for.
    var recommendations: [ReviewRecommendation]?
    /// Custom roles the recommender proposes (not in the tenant yet).
    var generatedRoles: [RoleDefinition] = []

    /// A rendered, compiler-style error (exit 1).
    struct Failure: Error { var text: String }

    /// `usage`: attribute the Activity Log (the report needs it; `diff` and `review-apply` do not,
    /// except for the findings that judge use). `findings`: run the rules with `config`.
    /// `keep`: hand the evaluator to `ProcessLifetime` (not thread-safe: `loadPair` does it after
    /// its threads are done).
    static func load(_ path: String, usage withUsage: Bool = true, findings config: FindingsConfig? = nil,
                     recommend: Bool = false, keep: Bool = true) throws -> ReviewSnapshot {
        do {
            let store = try Store(path: path, create: false)
            try store.requireImports()
            let evaluator = Evaluator(snapshot: try store.loadSnapshot())
            if keep { ProcessLifetime.keepUntilExit(evaluator) }
            var usage: [String: ReviewUsage] = [:]
            var window: (Int64?, Int64?) = (nil, nil)
            var report: UsageReport?
            var recommendFrom: (uses: UseAttributionResult, from: Int64?, to: Int64?)?
            if withUsage || config != nil || recommend {
                // One attribution for the usage, the findings and the recommendations.
                var (records, rows) = try store.usageRecords()
                let attribution = UsageAttribution(evaluator: evaluator, records: records)
                var attributed: UseAttributionResult?
                if withUsage || config != nil {
                    let r = attribution.report(&rows, attributedUses: recommend)
                    for a in r.report.assignments {
                        usage[AzureID.guidKey(a.assignment)] = ReviewUsage(uses: a.uses, lastUsed: a.lastUsed, usedActions: a.usedActions,
                                                                            deniedAttempts: a.deniedAttempts)
                    }
                    window = (r.report.windowFrom, r.report.windowTo)
                    report = r.report
                    attributed = r.uses
                } else {
                    attributed = attribution.attributedUses(&rows)
                }
                if recommend, let attributed {
                    recommendFrom = (attributed, records.windowFrom, records.windowTo)
                }
            }
            // The rules and the recommender read the same evaluator and nothing else in common: with
            // both asked for, they run at once (the rules' inputs are read from the store first, as
            // the store's connection stays on this thread).
            let context = try config.flatMap { cfg in
                try report.map { try FindingsCommand.ruleContext(store: store, evaluator: evaluator, report: $0, config: cfg) }
            }
            func recommendations() -> (recommendations: [ReviewRecommendation], generated: [RoleDefinition])? {
                recommendFrom.map { ReviewSources.recommendations(evaluator: evaluator, uses: $0.uses, windowFrom: $0.from, windowTo: $0.to) }
            }
            var findings: [ReviewFinding]?
            let recommended: (recommendations: [ReviewRecommendation], generated: [RoleDefinition])?
            if let context, recommendFrom != nil {
                let rules = Concurrent { ReviewSources.findings(context) }
                recommended = recommendations()
                findings = rules.value()
            } else {
                findings = context.map(ReviewSources.findings)
                recommended = recommendations()
            }
            return ReviewSnapshot(evaluator: evaluator, usage: usage, usageWindow: window, findings: findings,
                                  recommendations: recommended?.recommendations, generatedRoles: recommended?.generated ?? [])
        } catch let f as Failure {
            throw f
        } catch {
            throw Failure(text: CLIErrors.describe(error, file: path))
        }
    }

    /// `load` of two databases at once, one thread each (each runs its rules on its own core); a
    /// failure is reported for `first` before `second`, as loading them in turn would.
    static func loadPair(_ first: String, _ second: String, usage: Bool, findings config: FindingsConfig?) throws
        -> (first: ReviewSnapshot, second: ReviewSnapshot) {
        let other = Concurrent { Result { try load(second, usage: usage, findings: config, keep: false) } }
        let a = Result { try load(first, usage: usage, findings: config, keep: false) }
        let b = other.value()
        let pair = (first: try a.get(), second: try b.get())
        ProcessLifetime.keepUntilExit(pair.first.evaluator)
        ProcessLifetime.keepUntilExit(pair.second.evaluator)
        return pair
    }

    /// The migrations a database records, read without migrating it (nil: not readable as one).
    static func schemaVersion(_ path: String) -> [String]? {
        guard let c = try? Connection(path: path, mode: .readOnly) else { return nil }
        var names: [String] = []
        do { try c.query("SELECT name FROM schema_migrations ORDER BY name") { names.append($0.string(0)) } } catch { return nil }
        return names
    }

    /// Two snapshots compare only when made by the same schema (opening would migrate the older one).
    static func requireSameSchema(_ old: String, _ new: String) throws {
        guard let a = schemaVersion(old), let b = schemaVersion(new), a != b else { return }
        func last(_ v: [String]) -> String { v.last.map { "`\($0)`" } ?? "none" }
        throw Failure(text: SafeText.terminal(
            "\(new): error: `\(old)` and `\(new)` have different schema versions (\(a.count) migrations up to \(last(a)), \(b.count) up to \(last(b)))")
            + "\n  help: compare snapshots imported by the same scopedown version: re-import the older exports with this one")
    }
}

/// Where findings and recommendations come from: the rules engine and the recommender.
enum ReviewSources {
    /// The rules' findings (`scopedown findings`), as the review shows them.
    static func findings(_ context: RuleContext) -> [ReviewFinding] {
        Finding.sortedForReport(RuleCatalog.run(context)).map {
            ReviewFinding(ruleID: $0.kind, severity: $0.severity.rawValue, assignmentID: $0.assignment, principal: $0.principal,
                          scope: $0.scope, message: $0.message, identity: $0.fingerprint)
        }
    }

    /// Findings settings: `--config FILE` or the defaults.
    static func config(_ path: String?) throws -> FindingsConfig {
        do { return try path.map(FindingsConfigFile.load) ?? FindingsConfig() } catch {
            throw ReviewSnapshot.Failure(text: CLIErrors.describe(error, file: path ?? ""))
        }
    }
    /// The recommender's proposal per assignment (`scopedown recommend` with its defaults), as the
    /// review shows it, and the roles it generates (not in the tenant yet).
    static func recommendations(evaluator: Evaluator, uses attributed: UseAttributionResult, windowFrom: Int64?,
                                windowTo: Int64?) -> (recommendations: [ReviewRecommendation], generated: [RoleDefinition]) {
        let result = Recommender(evaluator: evaluator, options: RecommendOptions())
            .run(uses: attributed.uses, windowFrom: windowFrom, windowTo: windowTo)
        let recs = result.recommendations.map { r -> ReviewRecommendation in
            let p = r.proposal
            let decision: ReviewRecommendation.Decision = p.kind == .keep ? .keep : (p.kind == .remove ? .remove : .change)
            let summary = "\(p.kind.rawValue)" + (r.notes.first.map { ": " + $0 } ?? "")
            return ReviewRecommendation(assignmentID: r.assignment.id, decision: decision,
                                        roleID: p.roleID.isEmpty ? nil : p.roleID, roleName: p.role.isEmpty ? nil : p.role,
                                        scope: decision == .change ? p.scopes.map(\.display).joined(separator: ";") : nil,
                                        summary: summary)
        }
        return (recs, result.generatedRoles)
    }
}

/// A value computed on another thread while the caller works; `value()` waits for it.
final class Concurrent<T>: @unchecked Sendable {
    // Written once by the worker before `done` is signalled, read after the wait.
    private var result: T?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> T) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = body()
            done.signal()
        }
    }

    func value() -> T {
        done.wait()
        done.signal()
        guard let result else { preconditionFailure("the worker signals only after storing its result") }
        return result
    }
}
