/// An indented tree for terminals (`├─`, `└─`), labels sanitized.
public struct TreeNode: Sendable {
    public var label: String
    public var children: [TreeNode]
    public init(_ label: String, children: [TreeNode] = []) {
        self.label = label
        self.children = children
    }

    public func render() -> String {
        var out = SafeText.terminal(label) + "\n"
        for (i, c) in children.enumerated() { c.render(into: &out, prefix: "", last: i == children.count - 1) }
        return out
    }

    private func render(into out: inout String, prefix: String, last: Bool) {
        out += prefix + (last ? "└─ " : "├─ ") + SafeText.terminal(label) + "\n"
        let next = prefix + (last ? "   " : "│  ")
        for (i, c) in children.enumerated() { c.render(into: &out, prefix: next, last: i == children.count - 1) }
    }
}
