#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore
import ScopedownRecommend
import ScopedownRender

/// Writes the `--emit` files under `--out` (the emitters return the files' text).
enum RecommendEmit {
    /// Returns how many files were written.
    @discardableResult
    static func write(_ r: RecommendResult, kinds: [RecommendCommand.Emit], to dir: String) throws -> Int {
        let plan = r.changePlan
        var permissions: [String: [PermissionEntry]] = [:]
        for x in r.recommendations where x.assignment.state == .active && x.proposal.kind != .keep {
            permissions[x.assignment.id] = x.evidence.permissions
        }
        var files: [(String, String)] = []
        for k in Set(kinds).sorted(by: { $0.rawValue < $1.rawValue }) {
            switch k {
            case .azcli: files += ChangeEmitters.azcli(plan)
            case .bicep: files += ChangeEmitters.bicep(plan)
            case .terraform: files += ChangeEmitters.terraform(plan)
            case .plan: files += ChangeEmitters.plan(plan, permissions: permissions)
            }
        }
        let fm = FileManager.default
        for (path, text) in files {
            let url = URL(fileURLWithPath: dir).appendingPathComponent(path)
            do {
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            } catch {
                throw EvaluatorCommandSupport.Failure(message: "cannot write `\(url.path)`: \(error)", help: nil)
            }
        }
        // The plan and az CLI both write the role files (the same text): count each path once.
        return Set(files.map(\.0)).count
    }
}
