import ScopedownCore
import ScopedownImport

// CONTRACT (owned by the store work; signatures fixed so other work can build against them).

/// The scopedown database. The only type that knows table names.
public final class Store {
    public let path: String

    /// Opens (creating and migrating when `create` is true) the database at `path`.
    public init(path: String, create: Bool = true) throws {
        self.path = path
    }

    /// Writes one decoded inventory file in one transaction and records the import.
    /// Importing the same bytes twice changes nothing.
    public func write(_ decoded: DecodedFile) throws -> ImportReceipt {
        ImportReceipt(file: decoded.file.displayName, kind: decoded.format.kind, shape: decoded.format.shape,
                      sha256: decoded.sha256, counts: [:], alreadyImported: false, warnings: [])
    }

    /// Loads the whole tenant for evaluation.
    public func loadSnapshot() throws -> AuthorizationSnapshot {
        AuthorizationSnapshot()
    }
}

/// What one file's import did.
public struct ImportReceipt: Sendable {
    public var file: String
    public var kind: InputKind
    public var shape: String
    public var sha256: String
    /// Rows written, by collection.
    public var counts: [String: Int]
    /// True when the same bytes had been imported before (nothing written).
    public var alreadyImported: Bool
    public var warnings: [Diagnostic]

    public init(file: String, kind: InputKind, shape: String, sha256: String, counts: [String: Int],
                alreadyImported: Bool, warnings: [Diagnostic]) {
        self.file = file
        self.kind = kind
        self.shape = shape
        self.sha256 = sha256
        self.counts = counts
        self.alreadyImported = alreadyImported
        self.warnings = warnings
    }
}
