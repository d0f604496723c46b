// Scan-ahead for the thousands of small hourly PT1H.json files of an archive folder: two background
// threads (one per core) claim the next files in turn and read and scan them (which also gives
// their identity, RecordSequenceFingerprint) while the importer writes the current one, so a folder
// uses both cores the way one large file does (its chunks go to scanner threads). Only what
// `ActivityLogReader.read` would scan inline is prefetched: an uncompressed JSON Lines file or JSON
// document (an az array, a REST page) of at most one chunk. Anything else (gzip, CSV, larger files,
// unreadable files, documents whose structure is broken) gets no result and takes the normal path,
// which also reports its errors. At most `ahead` files are held, so memory stays bounded.
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read, hashed and scanned ahead of its import.
package struct ActivityPrefetched: Sendable {
    public var rawBytes: Int
    /// scanned with the raw records kept (`--keep-events`)
    public var keepsEvents: Bool
    var decodedBytes: Int
    var batch: ScannedBatch
    var layout = ActivityLayout.jsonLines
    /// The file's identity (`RecordSequenceFingerprint.text()` of its scan), as a read of it reports.
    public var identity: String { batch.fingerprint.text() }
}

/// Made and started by `ActivityLogImport.prefetcher(for:keepEvents:)`.
public final class ActivityPrefetcher: @unchecked Sendable {
    private let files: [InputFile]
    private let options: ActivityReadOptions
    private let ahead: Int
    private let cond = Condition()
    /// results by index; `done[i]` once file i was handled (with or without a result)
    private var results: [Int: ActivityPrefetched] = [:]
    private var done: [Bool]
    /// the importer has moved past the files before this index
    private var position = 0
    /// the file the importer waits for (-1: none)
    private var wanted = -1
    private var cancelled = false
    private var finished = false

    /// files claimed by a background thread so far (the next one to claim)
    private var next = 0
    private var running = 0
    private let threadCount: Int

    /// `threads` background threads (default: one per core, at most 2) each claim the next file;
    /// at most `ahead` files past the importer's position are held.
    package init(files: [InputFile], options: ActivityReadOptions = ActivityReadOptions(), ahead: Int = 4,
                threads: Int = min(2, max(1, ProcessInfo.processInfo.activeProcessorCount))) {
        self.files = files
        self.options = options
        self.ahead = max(1, ahead)
        self.threadCount = max(1, threads)
        done = Array(repeating: false, count: files.count)
    }

    package func start() {
        cond.lock()
        running = threadCount
        cond.unlock()
        for _ in 0..<threadCount {
            let t = OSThread { [self] in
                ActivityLogReader.lowerThreadPriority()
                while true {
                    cond.lock()
                    // claim the next file once it is within `ahead` of the importer (re-read after
                    // each wait: the other thread may have claimed it meanwhile)
                    var claimed: Int?
                    while !cancelled && next < files.count {
                        if next < position + ahead {
                            claimed = next
                            next += 1
                            break
                        }
                        cond.wait()
                    }
                    guard let i = claimed else { break }
                    let skip = i < position && i != wanted
                    cond.unlock()
                    let r = skip ? nil : Self.prefetch(files[i], options: options)
                    cond.lock()
                    if let r, i >= position || i == wanted { results[i] = r }
                    done[i] = true
                    cond.broadcast()
                    cond.unlock()
                }
                // the lock is held here (every `break` above is taken with it)
                running -= 1
                if running == 0 { finished = true }
                cond.broadcast()
                cond.unlock()
            }
            t.stackSize = 4 << 20
            t.start()
        }
        cond.lock()
        started = true
        cond.unlock()
    }

    private var started = false

    /// The prefetched scan of `file` (waiting for it if the background thread is on it), or nil
    /// when it was not prefetched. Results of the files before it are dropped.
    package func take(_ file: InputFile) -> ActivityPrefetched? {
        guard let path = file.path else { return nil }
        cond.lock(); defer { cond.unlock() }
        guard let i = files[position...].firstIndex(where: { $0.path == path && $0.displayName == file.displayName }) else { return nil }
        for k in position..<i { results[k] = nil }
        position = i + 1
        wanted = i
        cond.broadcast()
        while !done[i] && !cancelled && !finished { cond.wait() }
        wanted = -1
        return results.removeValue(forKey: i)
    }

    /// Stops the background thread and waits for it.
    public func cancel() {
        cond.lock()
        cancelled = true
        results = [:]
        cond.broadcast()
        while started && !finished { cond.wait() }
        cond.unlock()
    }

    /// What `ActivityLogReader.read` would scan inline, read, hashed and scanned; nil otherwise.
    static func prefetch(_ file: InputFile, options: ActivityReadOptions) -> ActivityPrefetched? {
        guard let path = file.path else { return nil }
        // regular files only, and never a blocking open (a named pipe would stall this thread)
        var pre = stat()
        guard stat(path, &pre) == 0, (pre.st_mode & S_IFMT) == S_IFREG, Int(pre.st_size) <= options.chunkBytes else { return nil }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) <= options.chunkBytes else { return nil }
        var raw = [UInt8](repeating: 0, count: Int(st.st_size) + 1)
        var count = 0
        while count < raw.count {
            let n = raw.withUnsafeMutableBytes { b -> Int in
                guard let base = b.baseAddress else { return -1 }
                return systemRead(fd, base + count, b.count - count)
            }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            count += n
        }
        // grew since fstat: leave it to the normal path
        guard count <= options.chunkBytes else { return nil }
        raw.removeLast(raw.count - count)
        if raw.count >= 2, raw[0] == 0x1F, raw[1] == 0x8B { return nil }
        var bytes = raw
        // the same decisions as `ActivityLogReader.read`: byte order mark, first byte, JSON Lines
        var bomSkip = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { bomSkip = 3 }
        guard let first = bytes[bomSkip...].firstIndex(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
              bytes[first] == 0x7B || bytes[first] == 0x5B else { return nil }
        if bomSkip > 0 { bytes.removeFirst(bomSkip) }
        var scanner = ActivityRecordScanner(scannerID: 0, keepEvents: options.keepEvents)
        if bytes[first - bomSkip] == 0x7B, let batch = ActivityLogReader.linesScan(bytes, options: options) {
            return ActivityPrefetched(rawBytes: raw.count, keepsEvents: options.keepEvents, decodedBytes: bytes.count, batch: batch)
        }
        // a document: the splitter's errors are the normal path's to report
        guard let elements = try? ActivityLogReader.splitDocument(bytes, name: file.displayName) else { return nil }
        var batch = ScannedBatch(scanner: 0, chunkIndex: 0)
        if !elements.isEmpty {
            batch = scanner.scan(ActivityChunk(index: 0, bytes: bytes, startLine: 1, elements: elements))
        }
        return ActivityPrefetched(rawBytes: raw.count, keepsEvents: options.keepEvents, decodedBytes: bytes.count, batch: batch,
                                  layout: .jsonDocument)
    }
}

extension ActivityLogReader {
    /// Imports a prefetched file exactly as `read` would have scanned it inline.
    package static func read(_ file: InputFile, prefetched p: ActivityPrefetched,
                            progress: ((_ rawBytes: Int, _ totalBytes: Int?, _ events: Int) -> Void)? = nil,
                            consumer: (ScannedBatch) throws -> Void) throws -> ActivityReadResult {
        if let e = p.batch.error {
            throw Diagnostic.error(e.message, file: file.displayName, line: e.line, column: e.column)
        }
        // a document without elements is not handed to the consumer (as `read` does not)
        if p.layout == .jsonLines || p.batch.fingerprint.records > 0 {
            try consumer(p.batch)
            progress?(p.rawBytes, p.rawBytes, p.batch.events.count)
        }
        return ActivityReadResult(layout: p.layout, rawBytes: p.rawBytes, decodedBytes: p.decodedBytes,
                                  events: p.batch.events.count, withoutAuthorization: p.batch.withoutAuthorization,
                                  withoutTime: p.batch.withoutTime, usageRows: 0, records: p.batch.fingerprint)
    }
}
