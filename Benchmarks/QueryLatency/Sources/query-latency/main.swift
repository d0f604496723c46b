import Foundation
import ScopedownCore
import ScopedownStore

// Measures, in one process: loading the snapshot, building the evaluator's index (first query),
// then `effective`, `who-can`, `decide` (explain) and `grantingAssignments` repeated N times (warm).
// Prints one TSV line per measure: name, runs, median ms, p90 ms, max ms.

func argument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

guard let db = argument("--db"), let principal = argument("--principal"), let scopeText = argument("--scope"),
      let action = argument("--action") else {
    FileHandle.standardError.write(Data("usage: query-latency --db DB --principal ID --scope SCOPE --action OP [--runs N]\n".utf8))
    exit(64)
}
let runs = Int(argument("--runs") ?? "") ?? 50
let scope = Scope(scopeText)

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

func report(_ name: String, _ samples: [Double]) {
    let s = samples.sorted()
    let median = s[s.count / 2], p90 = s[min(s.count - 1, Int(Double(s.count) * 0.9))], maxv = s[s.count - 1]
    print("\(name)\t\(s.count)\t\(String(format: "%.3f", median))\t\(String(format: "%.3f", p90))\t\(String(format: "%.3f", maxv))")
}

do {
    print("measure\truns\tmedian_ms\tp90_ms\tmax_ms")
    var t = now()
    let snapshot = try Store(path: db, create: false).loadSnapshot()
    report("load snapshot (\(snapshot.roleAssignments.count) assignments, \(snapshot.roleDefinitions.count) roles, \(snapshot.operations.count) operations)", [now() - t])
    t = now()
    let evaluator = Evaluator(snapshot: snapshot)
    _ = evaluator.whoCan(operation: action, scope: scope)
    report("build index + first who-can", [now() - t])

    // The path of `effective` / `who-can`: the evaluation snapshot, its assignments read on a
    // second thread while the assignment-independent index is built, then the rest of the index.
    t = now()
    let store = try Store(path: db, create: false)
    let (slim, preparation) = try store.loadEvaluationSnapshot(overlapping: Evaluator.Preparation.init)
    report("query-command path: load evaluation snapshot + preparation (overlapped)", [now() - t])
    t = now()
    let fast = Evaluator(snapshot: slim, preparation: preparation)
    _ = fast.whoCan(operation: action, scope: scope)
    report("query-command path: rest of the index + first who-can", [now() - t])
    withExtendedLifetime(fast) {}

    var samples: [Double] = []
    for _ in 0..<runs { t = now(); _ = evaluator.effective(principal: principal, scope: scope); samples.append(now() - t) }
    report("effective (warm)", samples)
    samples = []
    for _ in 0..<runs { t = now(); _ = evaluator.whoCan(operation: action, scope: scope); samples.append(now() - t) }
    report("who-can (warm)", samples)
    samples = []
    for _ in 0..<runs { t = now(); _ = evaluator.decide(principal: principal, operation: action, scope: scope); samples.append(now() - t) }
    report("explain / decide (warm)", samples)
    samples = []
    for _ in 0..<runs { t = now(); _ = evaluator.blastRadius(principal: principal); samples.append(now() - t) }
    report("blast-radius (warm)", samples)
    samples = []
    for _ in 0..<runs { t = now(); _ = evaluator.grantingAssignments(principal: principal, operation: action, scope: scope); samples.append(now() - t) }
    report("grantingAssignments (warm)", samples)
} catch {
    FileHandle.standardError.write(Data("query-latency: \(error)\n".utf8))
    exit(1)
}
