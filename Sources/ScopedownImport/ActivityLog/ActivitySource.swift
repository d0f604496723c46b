// Reading an Activity Log input once, in large blocks: a file (or standard input), gunzipped on the
// fly when it starts with the gzip magic. The raw (on-disk) bytes are handed to `onRaw` so the
// caller can hash them (SHA-256 of the bytes as stored) in the same single pass.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore

/// An owner of a file descriptor and, for `.gz` input, a zlib stream.
final class ActivitySource {
    let displayName: String
    private var fd: Int32
    private let ownsFD: Bool
    private var zstream: UnsafeMutablePointer<z_stream>?
    private var rawBuffer: UnsafeMutableRawBufferPointer
    private var rawStart = 0
    private var rawEnd = 0
    private var rawEOF = false
    private var memory: [UInt8]?
    private var memoryOffset = 0
    /// Bytes read from disk so far.
    private(set) var rawBytesRead = 0
    let totalRawBytes: Int?
    var onRaw: ((UnsafeRawBufferPointer) -> Void)?

    init(_ file: InputFile) throws {
        displayName = file.displayName
        if let path = file.path {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                throw Diagnostic.error("cannot open file: \(String(cString: strerror(errno)))", file: file.displayName)
            }
            ownsFD = true
            var st = stat()
            totalRawBytes = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
        } else {
            // standard input was buffered once by the format detection (StandardInput)
            fd = -1
            ownsFD = false
            let bytes = try StandardInput.bytes()
            memory = bytes
            totalRawBytes = bytes.count
        }
        rawBuffer = ActivitySource.takeRawBuffer()
    }

    // The 1 MiB read buffer is recycled across sources: an archive folder opens thousands of small
    // files, and a fresh buffer each (mmapped, see ActivityLogReader.boundMallocGrowth) cost a map,
    // page faults and an unmap per file.
    nonisolated(unsafe) private static var spareRawBuffers: [UnsafeMutableRawBufferPointer] = []
    private static let spareLock = Lock()

    private static func takeRawBuffer() -> UnsafeMutableRawBufferPointer {
        spareLock.lock()
        let b = spareRawBuffers.popLast()
        spareLock.unlock()
        return b ?? UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    }

    private static func giveRawBuffer(_ b: UnsafeMutableRawBufferPointer) {
        spareLock.lock()
        if spareRawBuffers.count < 2 {
            spareRawBuffers.append(b)
            spareLock.unlock()
        } else {
            spareLock.unlock()
            b.deallocate()
        }
    }

    deinit {
        if let z = zstream {
            inflateEnd(z)
            z.deallocate()
        }
        ActivitySource.giveRawBuffer(rawBuffer)
        if ownsFD { close(fd) }
    }

    private func fillRaw() throws {
        rawStart = 0
        rawEnd = 0
        if let memory {
            let n = min(rawBuffer.count, memory.count - memoryOffset)
            if n <= 0 { rawEOF = true; return }
            memory.withUnsafeBytes { src in
                rawBuffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[memoryOffset..<(memoryOffset + n)]))
            }
            memoryOffset += n
            rawEnd = n
            rawBytesRead += n
            onRaw?(UnsafeRawBufferPointer(rebasing: rawBuffer[0..<n]))
            return
        }
        while !rawEOF {
            let n = systemRead(fd, rawBuffer.baseAddress, rawBuffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw Diagnostic.error("read error: \(String(cString: strerror(errno)))", file: displayName)
            }
            if n == 0 { rawEOF = true; return }
            rawEnd = n
            rawBytesRead += n
            onRaw?(UnsafeRawBufferPointer(rebasing: rawBuffer[0..<n]))
            return
        }
    }

    /// The descriptor and size of a plain (not gzip) regular file, which can be mapped; nil for
    /// gzip, standard input and anything that is not a regular file.
    var mappableFile: (fd: Int32, size: Int)? {
        guard sniffed, zstream == nil, memory == nil, fd >= 0, let size = totalRawBytes else { return nil }
        return (fd, size)
    }

    /// Bytes read from the file but not handed out yet.
    var bufferedRawBytes: Int { rawEnd - rawStart }

    /// Bytes the caller took from a mapping of the file past what was read: counted and handed to
    /// `onRaw` like read bytes.
    func noteMapped(_ bytes: UnsafeRawBufferPointer) {
        rawBytesRead += bytes.count
        onRaw?(bytes)
    }

    /// Reads up to `max` decoded bytes into `out` (appending). Returns the count; 0 at the end.
    func read(into out: inout [UInt8], max: Int) throws -> Int {
        if !sniffed && rawStart == rawEnd && !rawEOF { try fillRaw() }
        if !sniffed {
            // first block: sniff the gzip magic
            sniffed = true
            if rawEnd >= 2, rawBuffer[0] == 0x1F, rawBuffer[1] == 0x8B { try startInflate() }
        }
        if let z = zstream { return try inflateInto(z, &out, max: max) }
        var total = 0
        while total < max {
            if rawStart == rawEnd {
                if rawEOF { break }
                if memory == nil, max - total >= 65_536 {
                    // A plain file with nothing (more) buffered: the rest straight into `out` (one
                    // copy, the kernel's) instead of through the raw buffer (a second copy of every byte).
                    return total + (try readDirect(into: &out, max: max - total))
                }
                try fillRaw()
                if rawStart == rawEnd { break }
            }
            let n = min(max - total, rawEnd - rawStart)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: rawBuffer[rawStart..<(rawStart + n)]))
            rawStart += n
            total += n
        }
        return total
    }

    private func readDirect(into out: inout [UInt8], max limit: Int) throws -> Int {
        if rawEOF { return 0 }
        let old = out.count
        // no more than what is left of a regular file (+1 to see its end): the room is zero-filled
        // first, and a small file must not pay for a whole chunk of zeros
        let max = Swift.min(limit, totalRawBytes.map { Swift.max(0, $0 - rawBytesRead) + 1 } ?? limit)
        out.append(contentsOf: repeatElement(0, count: max))
        var got = 0
        var failure: Int32 = 0
        out.withUnsafeMutableBytes { b in
            guard let base = b.baseAddress else { return }
            while got < max {
                let n = systemRead(fd, base + old + got, max - got)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    got = -1
                    return
                }
                if n == 0 { rawEOF = true; return }
                onRaw?(UnsafeRawBufferPointer(start: base + old + got, count: n))
                got += n
                rawBytesRead += n
            }
        }
        if got < 0 {
            out.removeSubrange(old...)
            throw Diagnostic.error("read error: \(String(cString: strerror(failure)))", file: displayName)
        }
        out.removeSubrange((old + got)...)
        return got
    }

    private func startInflate() throws {
        let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        z.initialize(to: z_stream())
        // windowBits 15 + 32: zlib or gzip header detection
        guard inflateInit2_(z, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            z.deallocate()
            throw Diagnostic.error("cannot start gzip decompression", file: displayName)
        }
        zstream = z
    }

    private var gzipDone = false
    private var sniffed = false

    private func inflateInto(_ z: UnsafeMutablePointer<z_stream>, _ out: inout [UInt8], max: Int) throws -> Int {
        if gzipDone { return 0 }
        let start = out.count
        out.reserveCapacity(start + max)
        var produced = 0
        var chunk = [UInt8](repeating: 0, count: min(max, 1 << 20))
        while produced < max {
            if rawStart == rawEnd {
                if rawEOF {
                    throw Diagnostic.error("truncated gzip stream", file: displayName,
                                           help: "the file ends before the compressed data does; download it again")
                }
                try fillRaw()
                continue
            }
            let want = min(chunk.count, max - produced)
            var status: Int32 = Z_OK
            var got = 0
            let consumed: Int = chunk.withUnsafeMutableBufferPointer { dst in
                z.pointee.next_in = rawBuffer.baseAddress.map { $0.advanced(by: rawStart).assumingMemoryBound(to: Bytef.self) }
                z.pointee.avail_in = uInt(rawEnd - rawStart)
                z.pointee.next_out = dst.baseAddress
                z.pointee.avail_out = uInt(want)
                status = inflate(z, Z_NO_FLUSH)
                got = want - Int(z.pointee.avail_out)
                return (rawEnd - rawStart) - Int(z.pointee.avail_in)
            }
            rawStart += consumed
            out.append(contentsOf: chunk[0..<got])
            produced += got
            if status == Z_STREAM_END {
                // concatenated gzip members (e.g. appended blobs): continue with the next member
                if rawStart == rawEnd && !rawEOF { try fillRaw() }
                if rawStart < rawEnd {
                    inflateReset(z)
                    continue
                }
                gzipDone = true
                break
            }
            if status != Z_OK && status != Z_BUF_ERROR {
                throw Diagnostic.error("corrupt gzip data (zlib status \(status))", file: displayName)
            }
            if got == 0 && consumed == 0 && status == Z_BUF_ERROR && rawStart < rawEnd {
                throw Diagnostic.error("corrupt gzip data", file: displayName)
            }
        }
        return out.count - start
    }
}

/// `read(2)` from the C library (Foundation declares other `read`s, hence the module-qualified call).
@inline(__always) func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
    #else
    Darwin.read(fd, buffer, count)
    #endif
}
