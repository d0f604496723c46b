import ScopedownCore

// CONTRACT (owned by the decoders work; signatures fixed so the store, activity-log and CLI work can
// build against them). Bodies are placeholders until that work lands.

/// One input as the user named it: a file path, or standard input (`-`).
public struct InputFile: Sendable, Hashable {
    /// The name used in messages: the path as given, or `<stdin>`.
    public let displayName: String
    /// The file's path; nil for standard input.
    public let path: String?

    public init(displayName: String, path: String?) {
        self.displayName = displayName
        self.path = path
    }
}

/// A detected input format: what the file holds and in which export shape.
public struct DetectedFormat: Sendable, Hashable {
    public var kind: InputKind
    /// Human-readable shape, e.g. `az role definition list`, `ARM REST list`, `Resource Graph rows`.
    public var shape: String
    public init(kind: InputKind, shape: String) {
        self.kind = kind
        self.shape = shape
    }
}

/// A decoded inventory file, ready for the store.
public struct DecodedFile: Sendable {
    public var file: InputFile
    /// Lower-case hex SHA-256 of the file's bytes as stored on disk (before gunzip).
    public var sha256: String
    public var byteCount: Int
    public var format: DetectedFormat
    public var batch: ImportBatch

    public init(file: InputFile, sha256: String, byteCount: Int, format: DetectedFormat, batch: ImportBatch) {
        self.file = file
        self.sha256 = sha256
        self.byteCount = byteCount
        self.format = format
        self.batch = batch
    }
}

public enum InputCollector {
    /// Expands command-line arguments into input files: `-` is standard input, a folder is walked
    /// recursively (sorted, hidden files skipped). Throws a `Diagnostic` for a missing path.
    public static func expand(_ arguments: [String]) throws -> [InputFile] {
        arguments.map { InputFile(displayName: $0 == "-" ? "<stdin>" : $0, path: $0 == "-" ? nil : $0) }
    }
}

public enum FormatDetector {
    /// Detects kind and shape from the first bytes of the content (gunzipped when `.gz`), and from the
    /// path where the layout names it (`groups/<id>/members.json`). `override` forces the kind.
    /// Throws a `Diagnostic` listing the supported shapes when nothing matches.
    public static func detect(_ file: InputFile, override: InputKind? = nil) throws -> DetectedFormat {
        throw Diagnostic.error("format detection is not implemented yet", file: file.displayName)
    }
}

public enum InventoryImporter {
    /// Reads and decodes one inventory file (any kind but activity-log / usage-aggregate).
    /// Throws a `Diagnostic` (file, line:column, JSON path, field) on bad input.
    public static func decode(_ file: InputFile, format: DetectedFormat) throws -> DecodedFile {
        throw Diagnostic.error("inventory decoding is not implemented yet", file: file.displayName)
    }
}
