#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScopedownCore

// Inputs and their detected formats; docs/formats.md describes every shape. The values
// (`InputFile`, `DetectedFormat`, `DecodedFile`) are Core's (ImportedFile.swift).

public enum InputCollector {
    /// Expands command-line arguments into input files: `-` is standard input, a folder is walked
    /// recursively (sorted by path, hidden files and folders and `*.db*` files skipped). Throws a
    /// `Diagnostic` for a missing path. A file named twice is listed once.
    public static func expand(_ arguments: [String]) throws -> [InputFile] {
        var result: [InputFile] = []
        var seen = Set<String>()
        func add(_ f: InputFile) {
            let key = f.path ?? "-"
            if seen.insert(key).inserted { result.append(f) }
        }
        for argument in arguments {
            if argument == "-" { add(.standardInput); continue }
            var st = stat()
            guard stat(argument, &st) == 0 else {
                throw Diagnostic.error("no such file or folder `\(argument)`", file: argument,
                                       help: "check the path; use `-` to read standard input")
            }
            if (st.st_mode & S_IFMT) != S_IFDIR { add(InputFile(displayName: argument, path: argument)); continue }
            var files: [String] = []
            var visited = Set<FolderID>()
            try walk(argument, into: &files, visited: &visited)
            for f in files.sorted() { add(InputFile(displayName: f, path: f)) }
        }
        return result
    }

    static func skipped(_ name: String) -> Bool {
        name.hasPrefix(".") || name.lowercased().contains(".db")
    }

    /// A folder's identity (device and inode, of the folder a symbolic link leads to).
    struct FolderID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// Walks a folder with `opendir`/`readdir`: the entry type comes with the name, so a file costs
    /// no `stat` (a diagnostic-settings archive is thousands of folders five levels deep, and a
    /// `fileExists` per entry plus a path resolution per folder is measurable there). Symbolic links and unknown types are `stat`ed (followed).
    private static func walk(_ folder: String, into files: inout [String], visited: inout Set<FolderID>) throws {
        // A symbolic link back to an ancestor must not loop: each real folder is walked once.
        var st = stat()
        guard stat(folder, &st) == 0 else { throw Diagnostic.error("cannot list folder", file: folder) }
        guard visited.insert(FolderID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))).inserted else { return }
        guard let dir = opendir(folder) else { throw Diagnostic.error("cannot list folder", file: folder) }
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." || skipped(name) { continue }
            entries.append((name, entry.pointee.d_type))
        }
        closedir(dir)
        let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        for (name, type) in entries.sorted(by: { $0.name < $1.name }) {
            let path = base + "/" + name
            var isDirectory: Bool
            switch Int32(type) {
            case Int32(DT_DIR): isDirectory = true
            case Int32(DT_REG): isDirectory = false
            default:
                // a symbolic link (followed, as FileManager did) or a file system without types;
                // a broken link is skipped
                var target = stat()
                guard stat(path, &target) == 0 else { continue }
                isDirectory = (target.st_mode & S_IFMT) == S_IFDIR
            }
            if isDirectory { try walk(path, into: &files, visited: &visited) } else { files.append(path) }
        }
    }
}

/// A file that is not an export and is skipped on purpose (e.g. the MANIFEST.json that
/// `scopedown synth` writes beside the tenant it generates): not an error.
public struct SkippedFile: Error, Sendable, Equatable {
    public var file: String
    public var reason: String
}

public enum FormatDetector {
    /// How many (decompressed) bytes detection looks at.
    public static let sniffBytes = 64 * 1024

    /// Detects kind and shape from the first bytes of the content (gunzipped when `.gz`), and from the
    /// path where the layout names it (`groups/<id>/members.json`). `override` forces the kind.
    /// Throws a `Diagnostic` listing the supported shapes when nothing matches.
    public static func detect(_ file: InputFile, override: InputKind? = nil) throws -> DetectedFormat {
        // one open for a plain file (an archive folder is thousands of them); a gzip file is opened
        // again, to gunzip its prefix
        var prefix = try InputReader.openRaw(file).readPrefix(sniffBytes)
        let gzip = InputReader.isGzip(prefix)
        if gzip { prefix = try GzipByteStream(try InputReader.openRaw(file)).readPrefix(sniffBytes) }
        if prefix.count == sniffBytes, !prefix.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
            // only whitespace so far: sniff the bytes after it (up to a line's bound of it)
            let stream: ByteStream = gzip ? try GzipByteStream(try InputReader.openRaw(file)) : try InputReader.openRaw(file)
            prefix = try stream.readPrefix(afterWhitespace: 64 << 20, then: sniffBytes)
        }
        var format = try detect(prefix: prefix, complete: prefix.count < sniffBytes, file: file, override: override)
        format.gzip = gzip
        return format
    }

    /// Detection on bytes already read (`complete` when they are the whole content).
    public static func detect(prefix: [UInt8], complete: Bool, file: InputFile, override: InputKind? = nil) throws -> DetectedFormat {
        try ShapeDetector.detect(prefix: prefix, complete: complete, file: file, override: override)
    }

    /// Every supported shape, for messages and docs.
    public static var supportedShapes: [(kind: InputKind, shape: String)] { ShapeDetector.supported }
}

public enum InventoryImporter {
    /// Reads and decodes one inventory file (any kind but activity-log / usage-aggregate).
    /// Throws a `Diagnostic` (file, line:column, JSON path, field) on bad input.
    ///
    /// A top-level array (az CLI output, Resource Graph rows) is decoded element by element through
    /// `JSONElementSplitter`, so its parse tree never exists whole; wrapped lists (`{"value": [...]}`,
    /// paged by the APIs) are parsed whole. The file is read once; its SHA-256 is computed on the
    /// bytes as stored, while reading.
    public static func decode(_ file: InputFile, format: DetectedFormat) throws -> DecodedFile {
        try rejectActivityKinds(file, format)
        let head = try InputReader.openRaw(file).readPrefix(2)
        let hashing = HashingByteStream(try InputReader.openRaw(file))
        let content: ByteStream = InputReader.isGzip(head) ? try GzipByteStream(hashing) : hashing
        var splitter = JSONElementSplitter(content)
        var decoder = InventoryDecoder(file: file, format: format)
        let batch = try decoder.decode(&splitter)
        let sha = try hashing.finish()
        var format = format
        format.shape = batch.shape
        return DecodedFile(file: file, sha256: sha, byteCount: hashing.byteCount, format: format, batch: batch)
    }

    /// Decodes content already in memory (decompressed).
    public static func decode(bytes: [UInt8], file: InputFile, format: DetectedFormat) throws -> ImportBatch {
        try rejectActivityKinds(file, format)
        var splitter = JSONElementSplitter(MemoryByteStream(bytes, displayName: file.displayName))
        var decoder = InventoryDecoder(file: file, format: format)
        return try decoder.decode(&splitter)
    }

    static func rejectActivityKinds(_ file: InputFile, _ format: DetectedFormat) throws {
        switch format.kind {
        case .activityLog, .usageAggregate:
            throw Diagnostic.error("`\(format.kind.rawValue)` files are read by the Activity Log importer, not the inventory decoder",
                                   file: file.displayName)
        default:
            break
        }
    }
}
