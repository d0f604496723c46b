#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScopedownCore

/// A JSON text built by appending bytes (no JSONEncoder per event: the generator writes
/// gigabytes). Strings are escaped per RFC 8259; keys are written as given.
struct JSONBytes {
    var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }
    mutating func raw(_ b: UInt8) { bytes.append(b) }
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    /// A JSON string literal.
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // Fast path: most values need no escaping and are appended in one copy.
        var s = s
        let clean = s.withUTF8 { buf -> Bool in
            for b in buf where b < 0x20 || b == 0x22 || b == 0x5c { return false }
            bytes.append(contentsOf: buf)
            return true
        }
        if clean {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case 0x0a: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0d: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(Hex.digits[Int(b >> 4)])
                bytes.append(Hex.digits[Int(b & 0x0f)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func optionalString(_ s: String?) {
        if let s { string(s) } else { raw("null") }
    }

    mutating func int(_ v: Int) { raw(String(v)) }
    mutating func bool(_ v: Bool) { raw(v ? "true" : "false") }

    /// `"key":` (the caller writes the separating comma).
    mutating func key(_ k: String) {
        string(k)
        bytes.append(UInt8(ascii: ":"))
    }

    /// `,"key":"value"`-style helpers for compact objects: `first` suppresses the comma.
    mutating func field(_ k: String, _ v: String, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        key(k)
        string(v)
    }

    mutating func stringArray(_ a: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (i, s) in a.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(s)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func stringMap(_ m: [(String, String)]) {
        bytes.append(UInt8(ascii: "{"))
        for (i, kv) in m.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            key(kv.0)
            string(kv.1)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }
}

/// A file written through a ~1 MB stdio buffer (owner of a C `FILE*`, hence a class).
final class OutputFile {
    let path: String
    private var handle: UnsafeMutablePointer<FILE>?
    private(set) var byteCount: Int = 0

    init(path: String) throws {
        self.path = path
        guard let h = fopen(path, "wb") else {
            throw Diagnostic.error("cannot create the file: \(String(cString: strerror(errno)))", file: path,
                                   help: "check that the output folder is writable and the disk is not full")
        }
        setvbuf(h, nil, _IOFBF, 1 << 20)
        handle = h
    }

    func write(_ bytes: [UInt8]) throws {
        guard let handle, !bytes.isEmpty else { return }
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        byteCount += n
        if n != bytes.count {
            throw Diagnostic.error("write failed: \(String(cString: strerror(errno)))", file: path,
                                   help: "check free disk space")
        }
    }

    func write(_ json: JSONBytes) throws { try write(json.bytes) }
    func write(_ s: String) throws { try write(Array(s.utf8)) }

    func close() throws {
        guard let h = handle else { return }
        handle = nil
        if fclose(h) != 0 {
            throw Diagnostic.error("closing the file failed: \(String(cString: strerror(errno)))", file: path)
        }
    }

    deinit { if let h = handle { fclose(h) } }
}

enum FileSystem {
    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw Diagnostic.error("cannot create the folder: \(String(cString: strerror(errno)))", file: current)
            }
        }
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        guard let h = fopen(path, "rb") else {
            throw Diagnostic.error("cannot open the file: \(String(cString: strerror(errno)))", file: path)
        }
        defer { fclose(h) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, h) }
            if n > 0 { out.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(h) != 0 { throw Diagnostic.error("read failed", file: path) }
                break
            }
        }
        return out
    }
}
