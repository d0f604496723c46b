import ArgumentParser
import ScopedownCore
import ScopedownRender
import ScopedownStore

/// Shared plumbing of the evaluator commands (`effective`, `who-can`, `explain`, `blast-radius`):
/// loading the snapshot, resolving `--principal`, validating `--scope`, and the JSON shapes they
/// share. Commands render to a String (tested with golden files) and `run()` prints it.
enum EvaluatorCommandSupport {
    /// A user-facing error: printed compiler-style to stderr, exit code 1.
    struct Failure: Error {
        var message: String
        var help: String?
    }

    /// Loads the snapshot through the store (which reports a missing or foreign file) and indexes it.
    /// `evaluationOnly`: the store's faster evaluation snapshot (`Store.loadEvaluationSnapshot()`),
    /// for commands that print only what the evaluator reads (`effective`, `who-can`).
    static func loadEvaluator(db: String, includeEligible: Bool, evaluationOnly: Bool = false) throws -> Evaluator {
        let options = EvaluationOptions(includeEligible: includeEligible)
        let evaluator: Evaluator
        do {
            let store = try Store(path: db, create: false)
            try store.requireImports()
            if evaluationOnly {
                // The assignment-independent index is built while the assignments are read.
                let (snapshot, preparation) = try store.loadEvaluationSnapshot(overlapping: Evaluator.Preparation.init)
                evaluator = Evaluator(snapshot: snapshot, options: options, preparation: preparation)
            } else {
                evaluator = Evaluator(snapshot: try store.loadSnapshot(), options: options)
            }
        } catch {
            throw StoreFailure(text: CLIErrors.describe(error, file: db))
        }
        ProcessLifetime.keepUntilExit(evaluator)
        return evaluator
    }

    /// A store error, already rendered compiler-style.
    struct StoreFailure: Error { var text: String }

    /// `--principal` as an object id, a UPN or an unambiguous display name.
    static func resolvePrincipal(_ text: String, in evaluator: Evaluator) throws -> String {
        switch evaluator.resolvePrincipal(text) {
        case .found(let id):
            return id
        case .notFound:
            throw Failure(message: "no principal matches `\(text)`",
                          help: "give an object id, a user principal name or an exact display name")
        case .ambiguous(let candidates):
            let list = candidates.map { "`\($0.id)` (\($0.kind.rawValue) `\($0.displayName)`)" }.joined(separator: ", ")
            throw Failure(message: "`\(text)` names \(candidates.count) principals: \(list)",
                          help: "give the object id of the one you mean")
        }
    }

    /// Validates a `--scope` value and returns it parsed.
    static func scope(_ raw: String) throws -> Scope {
        let t = raw.trimmingSpaces()
        guard t.hasPrefix("/") else {
            throw ValidationError("--scope `\(raw)` is not an ARM scope: it must start with `/` (e.g. `/subscriptions/<id>`)")
        }
        return Scope(t)
    }

    /// Runs a command body: writes its output, or its failure to stderr with exit code 1.
    static func run(io: CommandIO, _ body: () throws -> String) throws {
        do {
            let out = try body()
            io.out(out.hasSuffix("\n") ? out : out + "\n")
        } catch let f as Failure {
            var text = "error: " + SafeText.terminal(f.message) + "\n"
            if let h = f.help { text += "  help: " + SafeText.terminal(h) + "\n" }
            io.err(text)
            throw ExitCode(1)
        } catch let f as StoreFailure {
            io.errLine(f.text)
            throw ExitCode(1)
        } catch let d as Diagnostic {
            // an input file named by an option (config, baseline, exemptions): compiler-style, once
            io.errLine(d.description.split(separator: "\n", omittingEmptySubsequences: false)
                .map { SafeText.terminal(String($0)) }.joined(separator: "\n"))
            throw ExitCode(1)
        }
    }

    /// stderr: the operation is not in the imported catalog (it is still matched by name, §1.1.3),
    /// with the catalogued names closest to it.
    static func warnUncatalogued(_ action: String, data: Bool, evaluator e: Evaluator, io: CommandIO) {
        let r = e.resolveOperation(action, plane: data ? .data : nil)
        guard !r.catalogued else { return }
        let note = e.operations.control.isEmpty && e.operations.data.isEmpty
            ? "no operations catalog is imported" : "`\(r.name)` is not in the imported operations catalog"
        io.errLine(SafeText.terminal("warning: \(note): it is matched against role patterns by name, as a \(r.plane.rawValue)-plane operation"))
        let close = closeOperations(r.name, evaluator: e)
        if !close.isEmpty {
            io.errLine(SafeText.terminal("  help: did you mean " + close.map { "`\($0)`" }.joined(separator: ", ") + "?"))
        }
        if !data && r.plane == .control { io.errLine("  help: pass --data if it is a data-plane operation") }
    }

    /// Catalogued names (either plane) within a few edits of `name`, closest first.
    static func closeOperations(_ name: String, evaluator e: Evaluator) -> [String] {
        let names = Array(Set((e.operations.control + e.operations.data).map(\.name)))
        return EditDistance.close(to: name, among: names, maxDistance: max(2, name.count / 12))
    }

    /// stderr: some catalog operations come from a catalog without `isDataAction`, so a data action
    /// among them is evaluated as a control-plane operation.
    static func warnGuessedPlanes(db: String, io: CommandIO) {
        guard let n = try? Store(path: db, create: false).guessedPlaneOperationCount(), n > 0 else { return }
        io.errLine("warning: \(n) catalog operation\(n == 1 ? "" : "s") come from a catalog without `isDataAction`: data actions among them cannot be told apart from control-plane operations")
        io.errLine("  help: import a current `az provider operation list` into the same database")
    }

    /// A scope whose management group, subscription or resource group the database does not know is
    /// an error naming the nearest known ones (`--allow-unknown-scope` evaluates it anyway).
    static func checkKnownScope(_ raw: String, db: String, evaluator e: Evaluator) throws {
        let s = try scope(raw)
        let resources: [Scope]
        do {
            resources = try Store(path: db, create: false).inventoriedResourceScopes()
        } catch {
            throw StoreFailure(text: CLIErrors.describe(error, file: db))
        }
        guard let unknown = ScopeInventory(snapshot: e.snapshot, resourceGroupScopes: resources).check(s) else { return }
        var help = unknown.nearest.isEmpty ? "" : "nearest known: " + unknown.nearest.map { "`\($0)`" }.joined(separator: ", ") + "; "
        help += "pass --allow-unknown-scope to evaluate it anyway (e.g. a resource group not inventoried)"
        throw Failure(message: "\(unknown.what) `\(unknown.id)` of scope `\(s.display)` is not in the imported inventory", help: help)
    }

    /// stderr: applicable assignments whose role was not imported grant nothing.
    static func warnUnknownRoles(_ grants: [GrantPath], io: CommandIO) {
        let unknown = grants.filter { $0.roleName.isEmpty }
        guard !unknown.isEmpty else { return }
        let ids = unknown.map { "`\($0.assignmentID)` (role `\($0.roleID)`)" }.joined(separator: ", ")
        io.errLine(SafeText.terminal("warning: \(unknown.count) assignment(s) name a role that was not imported and grant nothing: \(ids)"))
        io.errLine("  help: import the role definitions (az role definition list) into the same database")
    }

    /// True when `scope` is `ancestor` or below it (management groups through the imported hierarchy).
    static func isAtOrBelow(_ scope: Scope, _ ancestor: Scope, in e: Evaluator) -> Bool {
        scope == ancestor || ancestor == .root || e.hierarchy.ancestors(of: scope).contains(ancestor)
    }

    // MARK: - Shared shapes

    /// A principal for people: `Display Name (id)`, or the id alone.
    static func principalLabel(_ id: String, in e: Evaluator) -> String {
        if let p = e.principal(id) {
            if let upn = p.userPrincipalName, !upn.isEmpty { return "\(p.displayName) <\(upn)> (\(id))" }
            return "\(p.displayName) (\(id))"
        }
        if id == AzureID.everyone { return "everyone" }
        return id
    }

    static func viaLabel(_ via: [String], in e: Evaluator) -> String {
        via.map { e.principal($0)?.displayName ?? $0 }.joined(separator: " > ")
    }
}

extension EffectiveCommand: IOCommand {}
extension WhoCanCommand: IOCommand {}
extension ExplainCommand: IOCommand {}
extension BlastRadiusCommand: IOCommand {}
