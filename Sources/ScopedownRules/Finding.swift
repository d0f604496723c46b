import ScopedownCore

/// How bad a finding is. Ordered: `info < low < medium < high < critical`.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
    case info, low, medium, high, critical

    var rank: Int { Severity.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One finding: which rule, about whom and where, and the evidence (the evaluator's reasons,
/// rendered one line each). Fields that do not apply are nil.
public struct Finding: Sendable, Hashable {
    public var rule: String
    public var kind: String
    public var severity: Severity
    public var principal: String?
    public var scope: String?
    public var assignment: String?
    public var role: String?
    public var message: String
    public var evidence: [String]

    public init(rule: String, kind: String, severity: Severity, principal: String? = nil, scope: String? = nil,
                assignment: String? = nil, role: String? = nil, message: String, evidence: [String] = []) {
        self.rule = rule
        self.kind = kind
        self.severity = severity
        self.principal = principal
        self.scope = scope
        self.assignment = assignment
        self.role = role
        self.message = message
        self.evidence = evidence
    }

    /// A stable identity for baselines and SARIF `partialFingerprints`: the rule and the keys of
    /// what it is about (never the message or evidence, which may be reworded). Scope keys are
    /// case-folded as ARM compares them.
    public var fingerprint: String {
        let parts = [rule, principal ?? "", scope.map { Scope($0).key } ?? "", assignment ?? "", role ?? ""]
        return Fingerprint.hex(parts.joined(separator: "\u{1F}"))
    }

    /// Sort order of reports: severity (worst first), then rule, scope, principal, assignment, role, message.
    /// Each key is computed once.
    public static func sortedForReport(_ findings: [Finding]) -> [Finding] {
        findings.map { (key: (Severity.critical.rank - $0.severity.rank, $0.sortKey), finding: $0) }
            .sorted { $0.key < $1.key }.map(\.finding)
    }

    var sortKey: String {
        [rule, scope.map { Scope($0).key } ?? "", principal ?? "", assignment ?? "", role ?? "", message].joined(separator: "\u{1}")
    }
}

/// 128-bit FNV-1a (two 64-bit lanes with different offsets), hex: stable across runs and
/// platforms, enough to tell findings apart; not a security boundary.
enum Fingerprint {
    static func hex(_ s: String) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x6c62_272e_07bb_0142
        for byte in s.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3
        }
        return hex64(a) + hex64(b)
    }

    static func hex64(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
