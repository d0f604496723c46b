/// A permission block compiled once: patterns parsed, and the operations its role-definition
/// condition covers (REFERENCE.md §2.6).
struct CompiledBlock: Sendable {
    let actions: [ActionPattern]
    let notActions: [ActionPattern]
    let dataActions: [ActionPattern]
    let notDataActions: [ActionPattern]
    let hasCondition: Bool
    /// The `ActionMatches{'...'}` patterns of the condition; empty with a condition means the
    /// condition could not be parsed and covers the whole block.
    let conditionActions: [ActionPattern]

    init(_ b: PermissionBlock) {
        actions = b.actions.map(ActionPattern.init)
        notActions = b.notActions.map(ActionPattern.init)
        dataActions = b.dataActions.map(ActionPattern.init)
        notDataActions = b.notDataActions.map(ActionPattern.init)
        let cond = (b.condition?.trimmingSpaces().isEmpty ?? true) ? nil : b.condition
        hasCondition = cond != nil
        conditionActions = cond.map(CompiledBlock.actionMatches) ?? []
    }

    func grants(_ plane: Plane) -> [ActionPattern] { plane == .control ? actions : dataActions }
    func removes(_ plane: Plane) -> [ActionPattern] { plane == .control ? notActions : notDataActions }

    /// REFERENCE.md §2.6: an operation matched by an `ActionMatches{X}` clause of the condition is
    /// granted only when the condition holds; others are granted unconditionally. A condition
    /// without a recognizable clause makes the whole block conditional.
    func conditionCovers(_ op: UnsafeBufferPointer<UInt8>) -> Bool {
        guard hasCondition else { return false }
        if conditionActions.isEmpty { return true }
        return conditionActions.contains { $0.matches(lowercased: op) }
    }

    /// The quoted strings of every `ActionMatches{'a' , 'b'}` clause in a condition expression.
    static func actionMatches(_ condition: String) -> [ActionPattern] {
        let bytes = Array(condition.utf8)
        let needle = Array("actionmatches{".utf8)
        var out: [ActionPattern] = []
        var i = 0
        func lower(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b + 32 : b }
        while i + needle.count <= bytes.count {
            var j = 0
            while j < needle.count && lower(bytes[i + j]) == needle[j] { j += 1 }
            if j < needle.count { i += 1; continue }
            // (`SubOperationMatches{` does not contain `ActionMatches{`: it is not picked up.)
            i += needle.count
            while i < bytes.count && bytes[i] != UInt8(ascii: "}") {
                if bytes[i] == UInt8(ascii: "'") {
                    var k = i + 1
                    while k < bytes.count && bytes[k] != UInt8(ascii: "'") { k += 1 }
                    if k > i + 1 { out.append(ActionPattern(String(decoding: bytes[(i + 1)..<k], as: UTF8.self))) }
                    i = k + 1
                } else {
                    i += 1
                }
            }
        }
        return out
    }
}

/// A role definition with its permission blocks compiled.
struct CompiledRole: Sendable {
    let id: String
    let name: String
    let blocks: [CompiledBlock]
}

/// How one permission block relates to one operation.
enum BlockMatch {
    case none
    case granted(pattern: String, conditional: Bool)
    case removed(pattern: String, notPattern: String)
}

extension Evaluator {
    /// REFERENCE.md §0.1, §2.3: per block, (actions − notActions) or (dataActions − notDataActions)
    /// in the operation's plane only (§2.4). `op` is lower-cased.
    static func match(_ block: CompiledBlock, op: UnsafeBufferPointer<UInt8>, plane: Plane) -> BlockMatch {
        guard let hit = block.grants(plane).first(where: { $0.matches(lowercased: op) }) else { return .none }
        if let not = block.removes(plane).first(where: { $0.matches(lowercased: op) }) {
            return .removed(pattern: hit.text, notPattern: not.text)
        }
        return .granted(pattern: hit.text, conditional: block.conditionCovers(op))
    }
}
