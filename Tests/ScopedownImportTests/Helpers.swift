import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport

/// Detects and decodes a file the way `scopedown import` does.
func importFile(_ path: String, displayName: String? = nil) throws -> DecodedFile {
    let file = InputFile(displayName: displayName ?? path, path: path)
    let format = try FormatDetector.detect(file)
    return try InventoryImporter.decode(file, format: format)
}

func realFile(_ relative: String) -> String { SharedData.url(relative).path }

/// A temporary folder removed at the end of the test.
final class TempFolder {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "scopedown-import-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let full = path + "/" + name
        let dir = (full as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }
}

/// Decodes JSON text given in a test as if it were a file named `name`.
func decodeText(_ text: String, name: String = "test.json", override: InputKind? = nil) throws -> ImportBatch {
    let folder = TempFolder()
    let path = folder.write(name, text)
    let file = InputFile(displayName: name, path: path)
    let format = try FormatDetector.detect(file, override: override)
    return try InventoryImporter.decode(file, format: format).batch
}

/// The diagnostic thrown by `body`, or nil.
func diagnostic(_ body: () throws -> Void) -> Diagnostic? {
    do { try body(); return nil } catch let d as Diagnostic { return d } catch { return Diagnostic.error("\(error)", file: "?") }
}

/// gzip through the system's `gzip`-compatible zlib: compress with zlib's deflate (gzip header).
func gzipBytes(_ bytes: [UInt8]) -> [UInt8] { GzipWriter.compress(bytes) }
