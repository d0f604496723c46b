import ArgumentParser
import Dispatch
import ScopedownCore
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
    /// nil when this build computes no recommendations.
    var recommendations: [ReviewRecommendation]?

    /// A rendered, compiler-style error (exit 1).
    struct Failure: Error { var text: String }

    static func load(_ path: String, usage withUsage: Bool = true) throws -> ReviewSnapshot {
        do {
            let store = try Store(path: path, create: false)
            try store.requireImports()
            let evaluator = Evaluator(snapshot: try store.loadSnapshot())
            ProcessLifetime.keepUntilExit(evaluator)
            var usage: [String: ReviewUsage] = [:]
            var window: (Int64?, Int64?) = (nil, nil)
            if withUsage {
                let report = try store.usageReport()
                for a in report.assignments {
                    usage[AzureID.guidKey(a.assignment)] = ReviewUsage(uses: a.uses, lastUsed: a.lastUsed, usedActions: a.usedActions,
                                                                        deniedAttempts: a.deniedAttempts)
                }
                window = (report.windowFrom, report.windowTo)
            }
            return ReviewSnapshot(evaluator: evaluator, usage: usage, usageWindow: window,
                                  findings: ReviewSources.findings(evaluator), recommendations: ReviewSources.recommendations(evaluator, usage: usage))
        } catch let f as Failure {
            throw f
        } catch {
            throw Failure(text: CLIErrors.describe(error, file: path))
        }
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

/// Where findings and recommendations come from: the rules engine and the recommender, when this
/// build has them (nil otherwise: the report says so instead of showing zeros as facts).
enum ReviewSources {
    static func findings(_ evaluator: Evaluator) -> [ReviewFinding]? { nil }
    static func recommendations(_ evaluator: Evaluator, usage: [String: ReviewUsage]) -> [ReviewRecommendation]? { nil }
}
