// What the importers hand to the store about a file: where it came from, its detected format and,
// for an inventory file, its decoded values. Plain values: reading and detecting are
// ScopedownImport's, recording is ScopedownStore's.

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

    /// Standard input.
    public static let standardInput = InputFile(displayName: "<stdin>", path: nil)
}

/// A detected input format: what the file holds and in which export shape.
public struct DetectedFormat: Sendable, Hashable {
    public var kind: InputKind
    /// Human-readable shape, e.g. `az role definition list`, `ARM REST list`, `Resource Graph rows`.
    public var shape: String
    /// True when the content is gzip-compressed (read through zlib). A transport detail: not part of
    /// equality (the same export gzipped or not has the same format).
    public var gzip: Bool = false
    public init(kind: InputKind, shape: String) {
        self.kind = kind
        self.shape = shape
    }
    public init(kind: InputKind, shape: String, gzip: Bool) {
        self.kind = kind
        self.shape = shape
        self.gzip = gzip
    }

    public static func == (a: DetectedFormat, b: DetectedFormat) -> Bool { a.kind == b.kind && a.shape == b.shape }
    public func hash(into h: inout Hasher) {
        h.combine(kind)
        h.combine(shape)
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
