import CZlib
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore

#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Musl)
import Musl
private let systemRead = Musl.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// A source of bytes read in chunks: a file, buffered standard input, or a gunzipping wrapper.
/// Owners of file descriptors / zlib streams, hence classes; use one stream from one thread.
package protocol ByteStream: AnyObject {
    /// Reads up to `max` bytes; an empty result means end of stream. Throws a `Diagnostic`.
    func read(max: Int) throws -> [UInt8]
    /// The name used in diagnostics.
    var displayName: String { get }
    /// The total size when known (a regular file), to size buffers.
    var sizeHint: Int? { get }
}

extension ByteStream {
    public var sizeHint: Int? { nil }

    /// Reads until `limit` bytes or the end (for sniffing a prefix).
    public func readPrefix(_ limit: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        while out.count < limit {
            let chunk = try read(max: limit - out.count)
            if chunk.isEmpty { break }
            out.append(contentsOf: chunk)
        }
        return out
    }

    /// Reads the leading whitespace (at most `limit` bytes of it) and `then` bytes after it.
    public func readPrefix(afterWhitespace limit: Int, then: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var valueAt: Int?
        while valueAt.map({ out.count < $0 + then }) ?? true {
            let chunk = try read(max: 1 << 20)
            if chunk.isEmpty { break }
            if valueAt == nil, let k = chunk.firstIndex(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
                valueAt = out.count + (k - chunk.startIndex)
            }
            out.append(contentsOf: chunk)
            if valueAt == nil && out.count > limit { break }
        }
        return out
    }

    /// Reads everything (inventory files are decoded whole; Activity Logs use `JSONElementSplitter`).
    public func readAll(limit: Int = Int(UInt32.max) - 1) throws -> [UInt8] {
        var out: [UInt8] = []
        if let size = sizeHint, size > 0, size <= limit { out.reserveCapacity(size + 1) }
        while true {
            let chunk = try read(max: 1 << 20)
            if chunk.isEmpty { break }
            out.append(contentsOf: chunk)
            if out.count > limit {
                throw Diagnostic.error("file too large to decode as one document (more than \(limit) bytes)",
                                       file: displayName, help: "split the export into several files")
            }
        }
        return out
    }
}

/// A file read with POSIX `read(2)`.
package final class FileByteStream: ByteStream {
    public let displayName: String
    private var fd: Int32

    public init(path: String, displayName: String) throws {
        self.displayName = displayName
        fd = open(path, O_RDONLY)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            throw Diagnostic.error("cannot open file: \(reason.lowercased())", file: displayName)
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    public var sizeHint: Int? {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    public func read(max: Int) throws -> [UInt8] {
        guard max > 0, fd >= 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: max)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, max) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw Diagnostic.error("cannot read file: \(reason.lowercased())", file: displayName,
                                       help: errno == EISDIR ? "pass the folder itself: folders are walked" : nil)
            }
            if n < max { buffer.removeSubrange(n...) }
            return buffer
        }
    }
}

/// Bytes already in memory (buffered standard input, tests).
package final class MemoryByteStream: ByteStream {
    public let displayName: String
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8], displayName: String) {
        self.bytes = bytes
        self.displayName = displayName
    }

    public func read(max: Int) throws -> [UInt8] {
        let end = min(bytes.count, position + max)
        defer { position = end }
        return Array(bytes[position..<end])
    }
}

/// Standard input, read once and kept, so format detection and decoding both see it.
package enum StandardInput {
    private static let lock = Lock()
    nonisolated(unsafe) private static var cached: [UInt8]? = nil

    public static func bytes() throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(0, $0.baseAddress, 1 << 20) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Diagnostic.error("cannot read standard input: \(String(cString: strerror(errno)).lowercased())", file: "<stdin>")
            }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        cached = out
        return out
    }

    /// Tests: pretend standard input holds `bytes`.
    public static func setForTesting(_ bytes: [UInt8]?) {
        lock.lock()
        cached = bytes
        lock.unlock()
    }
}

/// Streaming gunzip through zlib (`inflateInit2` with windowBits 15+32: gzip or zlib header
/// auto-detected). Memory is bounded by the chunk sizes; a stream that ends before the gzip trailer
/// is an error (`truncated gzip stream`), as is corrupt data. Concatenated gzip members are read on.
package final class GzipByteStream: ByteStream {
    public let displayName: String
    private let source: ByteStream
    private var stream = z_stream()
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var finished = false
    private var sourceEnded = false
    private var initialized = false
    /// Bytes of compressed input consumed (for progress reports).
    public private(set) var compressedBytesRead = 0

    public init(_ source: ByteStream) throws {
        self.source = source
        self.displayName = source.displayName
        let rc = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            throw Diagnostic.error("cannot initialize zlib (code \(rc))", file: source.displayName)
        }
        initialized = true
    }

    deinit { if initialized { inflateEnd(&stream) } }

    public func read(max: Int) throws -> [UInt8] {
        guard max > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: max)
        var produced = 0
        while produced == 0 && !finished {
            if inputOffset >= input.count && !sourceEnded {
                input = try source.read(max: 256 * 1024)
                inputOffset = 0
                compressedBytesRead += input.count
                if input.isEmpty { sourceEnded = true }
            }
            if inputOffset >= input.count && sourceEnded {
                throw Diagnostic.error("truncated gzip stream: the compressed data ends early", file: displayName,
                                       help: "the .gz file is incomplete; download or copy it again")
            }
            let availableIn = input.count - inputOffset
            let rc: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
                output.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_in = inBuf.baseAddress.map { $0 + inputOffset }
                    stream.avail_in = UInt32(availableIn)
                    stream.next_out = outBuf.baseAddress.map { $0 + produced }
                    stream.avail_out = UInt32(max - produced)
                    return inflate(&stream, Z_NO_FLUSH)
                }
            }
            let consumed = availableIn - Int(stream.avail_in)
            inputOffset += consumed
            produced = max - Int(stream.avail_out)
            switch rc {
            case Z_OK:
                break
            case Z_BUF_ERROR:
                if consumed == 0 && produced == 0 && sourceEnded {
                    throw Diagnostic.error("truncated gzip stream: the compressed data ends early", file: displayName)
                }
            case Z_STREAM_END:
                // Another gzip member may follow (concatenated .gz files); otherwise done.
                if inputOffset >= input.count && !sourceEnded {
                    input = try source.read(max: 256 * 1024)
                    inputOffset = 0
                    compressedBytesRead += input.count
                    if input.isEmpty { sourceEnded = true }
                }
                if inputOffset < input.count, input[inputOffset] == 0x1F {
                    inflateReset(&stream)
                } else {
                    finished = true
                }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "code \(rc)"
                throw Diagnostic.error("corrupt gzip data: \(message.lowercased())", file: displayName)
            }
        }
        if produced < max { output.removeSubrange(produced...) }
        return output
    }
}

/// Passes bytes through while hashing them (SHA-256 of the bytes as stored) and counting them.
package final class HashingByteStream: ByteStream {
    private let source: ByteStream
    private let hasher = SHA256Digest()
    public private(set) var byteCount = 0
    public var displayName: String { source.displayName }
    public var sizeHint: Int? { source.sizeHint }

    public init(_ source: ByteStream) { self.source = source }

    public func read(max: Int) throws -> [UInt8] {
        let chunk = try source.read(max: max)
        hasher.update(chunk)
        byteCount += chunk.count
        return chunk
    }

    /// Reads whatever is left (so the digest covers every byte), then returns the lower-case hex digest.
    public func finish() throws -> String {
        while try !read(max: 1 << 20).isEmpty {}
        return hasher.hex()
    }
}

package enum InputReader {
    /// Opens an input as a stream of its content: standard input (buffered once), a file, gunzipped
    /// when its first bytes are the gzip magic `1f 8b` (whatever its name).
    public static func open(_ file: InputFile) throws -> ByteStream {
        let raw = try openRaw(file)
        let head = try raw.readPrefix(2)
        let rewound = try openRaw(file)
        if head == [0x1F, 0x8B] { return try GzipByteStream(rewound) }
        return rewound
    }

    /// The bytes as stored (not gunzipped).
    public static func openRaw(_ file: InputFile) throws -> ByteStream {
        guard let path = file.path else { return MemoryByteStream(try StandardInput.bytes(), displayName: file.displayName) }
        return try FileByteStream(path: path, displayName: file.displayName)
    }

    /// True when the bytes start with the gzip magic.
    public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// Gunzips bytes held in memory.
    public static func gunzip(_ bytes: [UInt8], displayName: String, limit: Int = Int(UInt32.max) - 1) throws -> [UInt8] {
        try GzipByteStream(MemoryByteStream(bytes, displayName: displayName)).readAll(limit: limit)
    }
}

/// gzip compression of bytes in memory (tests, fixtures, the synthetic generator).
package enum GzipWriter {
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: write a gzip header and trailer.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                             Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        let outCount = output.count
        let rc: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else { return [] }
        output.removeSubrange((outCount - Int(stream.avail_out))...)
        return output
    }
}
