// The streaming, parallel Activity Log reader:
//
//   reader thread ──4 MiB chunks (bounded queue)──▶ N scanner threads ──batches (bounded queue)──▶ caller
//
// The input is read once. JSON Lines (diagnostic archive PT1H.json, one `{"records":[...]}` per
// line) are cut at the last newline of each block; any other JSON document (an az/REST array, a
// `{"value":[...]}` page, a pretty-printed `{"records":[...]}` message, concatenated objects) is cut
// at element boundaries by a small splitter. Memory is bounded by the queue sizes (a few chunks),
// whatever the input size. CSV (Log Analytics AzureActivity, the usage aggregate) is read in the
// calling thread.
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore
#if canImport(Glibc)
import Glibc
#endif

package struct ActivityReadOptions: Sendable {
    public var keepEvents: Bool
    /// Scanner threads (the machine's cores by default, at least 1).
    public var workers: Int
    public var chunkBytes: Int
    /// One record (or line) longer than this is an error rather than unbounded memory.
    public var maxRecordBytes: Int
    /// The size of the windows a plain JSON Lines file is mapped in (at least one chunk's worth;
    /// small values in tests exercise the window boundaries).
    public var mapWindowBytes = 16 << 20

    public init(keepEvents: Bool = false, workers: Int = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)),
                chunkBytes: Int = 4 << 20, maxRecordBytes: Int = 64 << 20) {
        self.keepEvents = keepEvents
        self.workers = max(1, workers)
        self.chunkBytes = max(4096, chunkBytes)
        self.maxRecordBytes = maxRecordBytes
    }
}

/// The layout found in the input.
package enum ActivityLayout: String, Sendable {
    case jsonLines = "JSON Lines"
    case jsonDocument = "JSON document"
    case azureActivityCSV = "Log Analytics AzureActivity (CSV)"
    case usageCSV = "usage aggregate (CSV)"
}

package struct ActivityReadResult: Sendable {
    public var layout: ActivityLayout
    public var rawBytes: Int
    public var decodedBytes: Int
    public var events: Int
    public var withoutAuthorization: Int
    public var withoutTime: Int
    public var usageRows: Int
    /// The file's identity for the JSON shapes (`RecordSequenceFingerprint`); nil for the CSV
    /// shapes, whose identity is the byte fingerprint the raw observer computed.
    public var records: RecordSequenceFingerprint? = nil
}

/// Receives the raw bytes as read from disk (before gunzip), on the reader thread, in order.
package protocol ActivityRawObserver: AnyObject {
    func observe(_ bytes: UnsafeRawBufferPointer)
}

/// A bounded blocking FIFO between threads.
final class ActivityQueue<T>: @unchecked Sendable {
    private let cond = Condition()
    private var items: [T?] = []
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// False when the queue was cancelled.
    func put(_ x: T) -> Bool {
        cond.lock(); defer { cond.unlock() }
        while items.count - head >= capacity && !cancelled { cond.wait() }
        if cancelled { return false }
        items.append(x)
        cond.broadcast()
        return true
    }

    /// Nil when closed and drained, or cancelled.
    func take() -> T? {
        cond.lock(); defer { cond.unlock() }
        while items.count == head && !closed && !cancelled { cond.wait() }
        if cancelled || items.count == head { return nil }
        let x = items[head]
        items[head] = nil
        head += 1
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        cond.broadcast()
        return x
    }

    func close() { cond.lock(); closed = true; cond.broadcast(); cond.unlock() }
    func cancel() { cond.lock(); cancelled = true; cond.broadcast(); cond.unlock() }
}

/// Chunk buffers handed back by the scanners for the reader to refill: no fresh 4 MiB allocation
/// (and its page faults) per chunk.
final class ActivityBufferPool: @unchecked Sendable {
    private let lock = Lock()
    private var free: [[UInt8]] = []
    private let limit: Int
    init(limit: Int) { self.limit = limit }

    /// Takes the buffer out of `buffer` (left empty), so that it is uniquely referenced here and its
    /// storage is kept rather than copied.
    func give(_ buffer: inout [UInt8]) {
        var b: [UInt8] = []
        swap(&b, &buffer)
        b.removeAll(keepingCapacity: true)
        lock.lock()
        if free.count < limit { free.append(b) }
        lock.unlock()
    }

    func take(capacity: Int) -> [UInt8] {
        lock.lock()
        let b = free.popLast()
        lock.unlock()
        if let b { return b }
        var fresh: [UInt8] = []
        fresh.reserveCapacity(capacity)
        return fresh
    }
}

/// A piece of work for a scanner: whole lines, or whole JSON elements. Its bytes are `bytes`, or
/// `range` of a file mapping (`mapping`; then `bytes` is empty).
struct ActivityChunk: Sendable {
    var index: Int
    var bytes: [UInt8]
    /// 1-based line of the chunk's first byte: for JSON Lines chunks always 1 (the chunk's own first
    /// line: the consumer adds the lines of the chunks before it, which the scanners count).
    var startLine: Int
    /// nil: JSON Lines; else the element ranges in `bytes`.
    var elements: [Range<Int>]?
    var mapping: ActivityMapping? = nil
    var range: Range<Int> = 0..<0

    init(index: Int, bytes: [UInt8], startLine: Int, elements: [Range<Int>]?) {
        self.index = index
        self.bytes = bytes
        self.startLine = startLine
        self.elements = elements
    }

    init(index: Int, mapping: ActivityMapping, range: Range<Int>) {
        self.index = index
        self.bytes = []
        self.startLine = 1
        self.elements = nil
        self.mapping = mapping
        self.range = range
    }

    var count: Int { mapping == nil ? bytes.count : range.count }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let mapping {
            return try body(UnsafeBufferPointer(start: mapping.base.assumingMemoryBound(to: UInt8.self) + range.lowerBound,
                                                count: range.count))
        }
        return try bytes.withUnsafeBufferPointer(body)
    }
}

/// A read-only mapping of part of a file (`mmap`), unmapped when the last chunk using it is done.
/// Plain files are scanned in place instead of being copied into buffers by `read` (a copy of every
/// byte). A file truncated while it is mapped would fault (SIGBUS), as with any memory-mapped
/// reader; the exports this reads are complete files.
final class ActivityMapping: @unchecked Sendable {
    let base: UnsafeRawPointer
    let length: Int

    init?(fd: Int32, offset: Int, length: Int) {
        guard length > 0 else { return nil }
        #if canImport(Glibc)
        // MAP_POPULATE: the reader thread faults the pages in (page cache hits) so the scanners do not
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let p = mmap(nil, length, PROT_READ, flags, fd, off_t(offset)), p != MAP_FAILED else { return nil }
        base = UnsafeRawPointer(p)
        self.length = length
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }
}

final class ActivityBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

package enum ActivityLogReader {
    /// Reads one Activity Log input. `consumer` gets the scanned batches on the calling thread (in
    /// no particular order across scanners; in order per scanner). `usageRows` gets the rows of a
    /// usage-aggregate CSV. Throws a `Diagnostic` (file:line:column) on bad input; by then the
    /// consumer may have seen batches, so callers write inside a transaction they roll back.
    package static func read(_ file: InputFile, options: ActivityReadOptions = ActivityReadOptions(),
                            rawObserver: ActivityRawObserver? = nil,
                            progress: ((_ rawBytes: Int, _ totalBytes: Int?, _ events: Int) -> Void)? = nil,
                            consumer: (ScannedBatch) throws -> Void,
                            usageRows: ((UsageAggregateRow) throws -> Void)? = nil) throws -> ActivityReadResult {
        ActivityLogReader.boundMallocGrowth
        let source = try ActivitySource(file)
        if let rawObserver {
            let box = ActivityBox(rawObserver)
            source.onRaw = { box.value.observe($0) }
        }
        var first = firstBuffers.take(capacity: options.chunkBytes)
        while first.count < 65_536 {
            if try source.read(into: &first, max: options.chunkBytes - first.count) == 0 { break }
        }
        // leading whitespace longer than that: read on to the first value (a line's bound at most)
        var blank = 0
        while first.count >= 65_536, !first[blank...].contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
            guard first.count < options.maxRecordBytes else {
                throw Diagnostic.error("more than \(options.maxRecordBytes >> 20) MiB of whitespace before the first value", file: file.displayName)
            }
            blank = first.count
            if try source.read(into: &first, max: Swift.max(65_536, first.count)) == 0 { break }
        }
        // UTF-8 byte order mark
        var bomSkip = 0
        if first.count >= 3, first[0] == 0xEF, first[1] == 0xBB, first[2] == 0xBF { bomSkip = 3 }
        guard let firstByte = first[bomSkip...].first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            throw Diagnostic.error("empty file", file: file.displayName,
                                   help: "export the Activity Log again; an empty export holds no events")
        }
        if bomSkip > 0 { first.removeFirst(bomSkip) }
        if firstByte != 0x7B && firstByte != 0x5B {
            return try ActivityCSVReader.read(file, source: source, first: first, options: options,
                                              progress: progress, consumer: consumer, usageRows: usageRows)
        }
        // a JSON shape is identified by its records, not by a pass over its bytes
        source.onRaw = nil
        return try runPipeline(file, source: source, first: consume first, maybeJSONLines: firstByte == 0x7B, options: options,
                               progress: progress, consumer: consumer)
    }

    /// Lowers the calling thread's scheduling priority (nice +5 on Linux; nothing elsewhere). The
    /// scanner threads call it: there are more threads than cores, and the importing thread, which
    /// turns the scanned batches into rows, needs far less CPU than they do but must keep up with
    /// them, or it is left with a backlog to work through alone, one core idle, once they are done.
    static func lowerThreadPriority() {
        #if canImport(Glibc)
        typealias GetTid = @convention(c) () -> Int32
        // gettid(2) is not in Swift's Glibc module
        guard let symbol = dlsym(nil, "gettid") else { return }
        let tid = id_t(unsafeBitCast(symbol, to: GetTid.self)())
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        errno = 0
        let current = getpriority(which, tid)
        if errno != 0 { return }
        _ = setpriority(which, tid, min(19, current + 5))
        #endif
    }

    /// The first chunk's buffer, recycled across inputs (the inline path of thousands of small files).
    static let firstBuffers = ActivityBufferPool(limit: 1)

    /// glibc raises its mmap threshold each time a large block is freed, after which the 4 MiB chunk
    /// buffers, allocated on one thread and freed on another, come from (and fragment) the heap
    /// arenas: resident memory then grows with the input. A fixed threshold keeps them mmapped.
    static let boundMallocGrowth: Void = {
        #if canImport(Glibc)
        // mallopt(M_MMAP_THRESHOLD = -3, 1 MiB); <malloc.h> is not in Swift's Glibc module
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        if let symbol = dlsym(nil, "mallopt") { _ = unsafeBitCast(symbol, to: Mallopt.self)(-3, 1 << 20) }
        #endif
    }()

    /// True when the first value is an object that ends on its own line (JSON Lines), in the first
    /// `count` bytes (all by default).
    static func isJSONLines(_ bytes: [UInt8], count: Int? = nil) -> Bool {
        bytes.withUnsafeBufferPointer { whole -> Bool in
            let b = UnsafeBufferPointer(rebasing: whole[0..<min(count ?? whole.count, whole.count)])
            guard let base = b.baseAddress else { return false }
            var c = ActivityByteCursor(base, start: 0, end: b.count)
            c.skipWhitespace()
            let start = c.pos
            // The value must end before the first newline: it is walked up to there only (a
            // pretty-printed document fails at once), with the string index (a REST page on one line
            // is walked whole). A value the newline cuts short fails here, as it fails or holds a
            // newline when walked to the end of the bytes; a value that ends before it is walked
            // the same either way (the newline is not a byte a value can end with).
            let line = memchr(base + start, 0x0A, b.count - start).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? b.count
            let index = ActivityStringIndex()
            var v = ActivityByteCursor(base, start: start, end: line, index: index.build(base, start: start, end: line))
            guard (try? v.skipContainer()) != nil else { return false }
            for i in v.pos..<line where base[i] != 0x20 && base[i] != 0x0D && base[i] != 0x09 { return false }
            return true
        }
    }

    /// `maybeJSONLines`: the first value is an object (JSON Lines when it ends on its own line).
    static func runPipeline(_ file: InputFile, source: ActivitySource, first: consuming [UInt8], maybeJSONLines: Bool,
                            options: ActivityReadOptions,
                            progress: ((Int, Int?, Int) -> Void)?,
                            consumer: (ScannedBatch) throws -> Void) throws -> ActivityReadResult {
        let sniffed = first.count
        // `first` is owned here (consumed by the caller), so it can go back to `firstBuffers` intact
        // An archive holds thousands of hourly PT1H.json files of well under one chunk each, an az or
        // REST export one file per day or page: when the whole input fits in one chunk, scan it here
        // instead of starting a reader thread, workers and a buffer pool per file (that set-up cost
        // more than the scanning).
        var eof = false
        while !eof && first.count <= options.chunkBytes {
            if try source.read(into: &first, max: options.chunkBytes + 1 - first.count) == 0 { eof = true }
        }
        if eof {
            let result: ActivityReadResult
            if maybeJSONLines, let lines = try scanLinesInline(file, source: source, bytes: first, options: options,
                                                               progress: progress, consumer: consumer) {
                result = lines
            } else {
                result = try scanDocumentInline(file, source: source, bytes: first, options: options, progress: progress, consumer: consumer)
            }
            firstBuffers.give(&first)
            return result
        }
        let jsonLines = maybeJSONLines && isJSONLines(first, count: sniffed)
        let work = ActivityQueue<ActivityChunk>(capacity: options.workers + 2)
        let pool = ActivityBufferPool(limit: options.workers * 2 + 3)
        // room for the batches scanned while the importing thread writes a progressive block (a few
        // milliseconds at a time): with less, the scanners stall on a full queue and a core idles
        let results = ActivityQueue<ScannedBatch>(capacity: options.workers * 16 + 2)
        let readerError = ActivityBox<Diagnostic?>(nil)
        let decoded = ActivityBox(0)
        let sourceBox = ActivityBox(source)
        let firstBox = ActivityBox(first)
        let name = file.displayName
        let reader = OSThread {
            defer { work.close() }
            do {
                if jsonLines, let file = sourceBox.value.mappableFile, firstBox.value.contains(0x0A) {
                    try produceMappedLines(sourceBox.value, fd: file.fd, size: file.size, first: firstBox.value, options: options,
                                           name: name, work: work, decoded: decoded)
                } else if jsonLines {
                    try produceLines(sourceBox.value, first: firstBox.value, options: options, name: name, work: work, decoded: decoded, pool: pool)
                } else {
                    try produceElements(sourceBox.value, first: firstBox.value, options: options, name: name, work: work, decoded: decoded)
                }
            } catch let d as Diagnostic {
                readerError.value = d
            } catch {
                readerError.value = Diagnostic.error("\(error)", file: name)
            }
        }
        reader.stackSize = 1 << 20
        let remaining = ActivityBox(options.workers)
        let lock = Lock()
        for w in 0..<options.workers {
            let t = OSThread {
                ActivityLogReader.lowerThreadPriority()
                var scanner = ActivityRecordScanner(scannerID: w, keepEvents: options.keepEvents)
                while var chunk = work.take() {
                    let batch = scanner.scan(chunk)
                    if chunk.elements == nil && chunk.mapping == nil { pool.give(&chunk.bytes) }
                    if !results.put(batch) { break }
                }
                lock.lock()
                remaining.value -= 1
                let last = remaining.value == 0
                lock.unlock()
                if last { results.close() }
            }
            t.stackSize = 4 << 20
            t.start()
        }
        reader.start()

        var events = 0, withoutAuthorization = 0, withoutTime = 0
        var firstError: (chunk: Int, error: ActivityChunkError)?
        var consumerError: Error?
        // lines per chunk (JSON Lines): an error's line is its chunk's first line plus its own
        var lineCounts: [Int: Int] = [:]
        var fingerprints: [Int: RecordSequenceFingerprint] = [:]
        while let batch = results.take() {
            if jsonLines { lineCounts[batch.chunkIndex] = batch.lineCount }
            fingerprints[batch.chunkIndex] = batch.fingerprint
            if let e = batch.error, firstError == nil || batch.chunkIndex < firstError?.chunk ?? Int.max {
                firstError = (batch.chunkIndex, e)
            }
            if firstError != nil || consumerError != nil { continue }
            events += batch.events.count
            withoutAuthorization += batch.withoutAuthorization
            withoutTime += batch.withoutTime
            do { try consumer(batch) } catch {
                consumerError = error
                work.cancel()
                results.cancel()
            }
            progress?(source.rawBytesRead, source.totalRawBytes, events)
        }
        // the reader has finished once the workers have (they drain `work` until it is closed)
        while !reader.isFinished { usleep(200) }
        if let consumerError { throw consumerError }
        if let d = readerError.value { throw d }
        if let (chunk, e) = firstError {
            // JSON Lines chunks count their lines from 1: add those of the chunks before (all of
            // them were scanned whole, or the first error would be theirs)
            let before = jsonLines ? (0..<chunk).reduce(0) { $0 + (lineCounts[$1] ?? 0) } : 0
            throw Diagnostic.error(e.message, file: file.displayName, line: e.line + before, column: e.column)
        }
        var records = RecordSequenceFingerprint()
        for k in fingerprints.keys.sorted() { if let f = fingerprints[k] { records.append(f) } }
        return ActivityReadResult(layout: jsonLines ? .jsonLines : .jsonDocument, rawBytes: source.rawBytesRead,
                                  decodedBytes: decoded.value, events: events, withoutAuthorization: withoutAuthorization,
                                  withoutTime: withoutTime, usageRows: 0, records: records)
    }

    /// The scan of a whole input that fits in one chunk as JSON Lines, when it is JSON Lines (see
    /// `linesScan`); nil when it is not.
    static func scanLinesInline(_ file: InputFile, source: ActivitySource, bytes: [UInt8], options: ActivityReadOptions,
                                progress: ((Int, Int?, Int) -> Void)?,
                                consumer: (ScannedBatch) throws -> Void) throws -> ActivityReadResult? {
        guard let batch = linesScan(bytes, options: options) else { return nil }
        return try scanInline(file, source: source, bytes: bytes, batch: batch, options: options, progress: progress, consumer: consumer)
    }

    /// `bytes` (whose first value is an object) scanned as JSON Lines when they are JSON Lines
    /// (`isJSONLines`), else nil. The scan comes first: a scan without an error has walked the
    /// first line as one value followed by whitespace only, which is what `isJSONLines` checks (a
    /// REST page written on one line is then walked once, not twice); only a scan that failed asks
    /// `isJSONLines` (a document fails on its first line, where its first value does not end).
    static func linesScan(_ bytes: [UInt8], options: ActivityReadOptions) -> ScannedBatch? {
        var scanner = ActivityRecordScanner(scannerID: 0, keepEvents: options.keepEvents)
        let batch = scanner.scan(ActivityChunk(index: 0, bytes: bytes, startLine: 1, elements: nil))
        if batch.error != nil && !isJSONLines(bytes) { return nil }
        return batch
    }

    /// A whole JSON Lines input that fits in one chunk, scanned on the calling thread.
    static func scanInline(_ file: InputFile, source: ActivitySource, bytes: [UInt8], batch scanned: ScannedBatch? = nil,
                           options: ActivityReadOptions,
                           progress: ((Int, Int?, Int) -> Void)?,
                           consumer: (ScannedBatch) throws -> Void) throws -> ActivityReadResult {
        var events = 0, withoutAuthorization = 0, withoutTime = 0
        var records = RecordSequenceFingerprint()
        if !bytes.isEmpty {
            var scanner = ActivityRecordScanner(scannerID: 0, keepEvents: options.keepEvents)
            let batch = scanned ?? scanner.scan(ActivityChunk(index: 0, bytes: bytes, startLine: 1, elements: nil))
            if let e = batch.error {
                throw Diagnostic.error(e.message, file: file.displayName, line: e.line, column: e.column)
            }
            events = batch.events.count
            withoutAuthorization = batch.withoutAuthorization
            withoutTime = batch.withoutTime
            records = batch.fingerprint
            try consumer(batch)
            progress?(source.rawBytesRead, source.totalRawBytes, events)
        }
        return ActivityReadResult(layout: .jsonLines, rawBytes: source.rawBytesRead, decodedBytes: bytes.count,
                                  events: events, withoutAuthorization: withoutAuthorization,
                                  withoutTime: withoutTime, usageRows: 0, records: records)
    }

    /// A whole JSON document that fits in one chunk (an az array, a REST page), split and scanned on
    /// the calling thread, as the pipeline would have: the splitter's errors first, then the scan's.
    static func scanDocumentInline(_ file: InputFile, source: ActivitySource, bytes: [UInt8], options: ActivityReadOptions,
                                   progress: ((Int, Int?, Int) -> Void)?,
                                   consumer: (ScannedBatch) throws -> Void) throws -> ActivityReadResult {
        var events = 0, withoutAuthorization = 0, withoutTime = 0
        var records = RecordSequenceFingerprint()
        let elements = try splitDocument(bytes, name: file.displayName)
        if !elements.isEmpty {
            var scanner = ActivityRecordScanner(scannerID: 0, keepEvents: options.keepEvents)
            let batch = scanner.scan(ActivityChunk(index: 0, bytes: bytes, startLine: 1, elements: elements))
            if let e = batch.error {
                throw Diagnostic.error(e.message, file: file.displayName, line: e.line, column: e.column)
            }
            events = batch.events.count
            withoutAuthorization = batch.withoutAuthorization
            withoutTime = batch.withoutTime
            records.append(batch.fingerprint)
            try consumer(batch)
            progress?(source.rawBytesRead, source.totalRawBytes, events)
        }
        return ActivityReadResult(layout: .jsonDocument, rawBytes: source.rawBytesRead, decodedBytes: bytes.count,
                                  events: events, withoutAuthorization: withoutAuthorization,
                                  withoutTime: withoutTime, usageRows: 0, records: records)
    }

    /// The record elements of a whole JSON document (what `produceElements` finds in it).
    static func splitDocument(_ bytes: [UInt8], name: String) throws -> [Range<Int>] {
        var splitter = ActivityElementSplitter()
        var elements: [Range<Int>] = []
        try bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            try splitter.feed(base, from: 0, to: b.count, elements: &elements, name: name)
        }
        try splitter.finish(name: name)
        return elements
    }

    /// JSON Lines in a plain file: the complete lines of `first` (already read), then the rest of
    /// the file mapped in windows and cut into chunks after their last newline, scanned in place.
    static func produceMappedLines(_ source: ActivitySource, fd: Int32, size: Int, first: [UInt8], options: ActivityReadOptions,
                                   name: String, work: ActivityQueue<ActivityChunk>, decoded: ActivityBox<Int>) throws {
        guard let nl = first.lastIndex(of: 0x0A) else { return }
        let cut = nl + 1
        // the file offset of first[cut]: what was read, less what is still buffered and first's tail
        var offset = source.rawBytesRead - source.bufferedRawBytes - (first.count - cut)
        var head = first
        head.removeLast(first.count - cut)
        decoded.value += cut
        if !work.put(ActivityChunk(index: 0, bytes: head, startLine: 1, elements: nil)) { return }
        var index = 1
        // bytes of the file counted as read (and handed to the raw observer, when there is one)
        var counted = source.rawBytesRead
        let page = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))
        var window = max(options.mapWindowBytes, options.chunkBytes + page)
        while offset < size {
            let mapStart = offset & ~(page - 1)
            let length = min(window, size - mapStart)
            guard let map = ActivityMapping(fd: fd, offset: mapStart, length: length) else {
                throw Diagnostic.error("cannot map the file: \(String(cString: strerror(errno)))", file: name)
            }
            let mapEnd = mapStart + length
            if counted < mapEnd {
                source.noteMapped(UnsafeRawBufferPointer(start: map.base + (counted - mapStart), count: mapEnd - counted))
                counted = mapEnd
            }
            let atEOF = mapEnd == size
            let p = map.base.assumingMemoryBound(to: UInt8.self)
            var s = offset - mapStart
            while s < length {
                var e = min(s + options.chunkBytes, length)
                if e < length || !atEOF {
                    // after the last newline in [s, e); a line longer than a chunk goes whole
                    var k = e - 1
                    while k >= s && p[k] != 0x0A { k -= 1 }
                    if k >= s {
                        e = k + 1
                    } else if e < length, let hit = memchr(p + e, 0x0A, length - e) {
                        e = UnsafeRawPointer(hit) - UnsafeRawPointer(p) + 1
                    } else if atEOF {
                        e = length
                    } else {
                        break // the window ends inside this line: map again from its start
                    }
                }
                decoded.value += e - s
                if !work.put(ActivityChunk(index: index, mapping: map, range: s..<e)) { return }
                index += 1
                s = e
            }
            let next = mapStart + s
            if next == offset {
                // not one whole line in the window
                if window >= options.maxRecordBytes {
                    throw Diagnostic.error("a line longer than \(options.maxRecordBytes >> 20) MiB", file: name,
                                           help: "split the file into JSON Lines (one event per line)")
                }
                window *= 2
                continue
            }
            offset = next
        }
    }

    /// JSON Lines: blocks cut after their last newline.
    static func produceLines(_ source: ActivitySource, first: [UInt8], options: ActivityReadOptions, name: String,
                             work: ActivityQueue<ActivityChunk>, decoded: ActivityBox<Int>, pool: ActivityBufferPool) throws {
        var buffer = first
        var index = 0
        var eof = false
        var want = options.chunkBytes
        while true {
            while !eof && buffer.count < want {
                if try source.read(into: &buffer, max: want - buffer.count) == 0 { eof = true }
            }
            if buffer.isEmpty { return }
            var cut = buffer.count
            if !eof {
                guard let nl = buffer.lastIndex(of: 0x0A) else {
                    if buffer.count >= options.maxRecordBytes {
                        throw Diagnostic.error("a line longer than \(options.maxRecordBytes >> 20) MiB", file: name,
                                               help: "split the file into JSON Lines (one event per line)")
                    }
                    want = buffer.count * 2
                    continue
                }
                cut = nl + 1
            }
            want = options.chunkBytes
            var rest = pool.take(capacity: options.chunkBytes)
            if cut < buffer.count {
                // through a pointer, not a slice: a slice kept alive would make the truncation
                // below copy the whole chunk
                buffer.withUnsafeBufferPointer { b in rest.append(contentsOf: UnsafeBufferPointer(rebasing: b[cut...])) }
                buffer.removeLast(buffer.count - cut)
            }
            decoded.value += buffer.count
            // lines are counted by the scanners (relative lines), not in a pass of their own here
            if !work.put(ActivityChunk(index: index, bytes: buffer, startLine: 1, elements: nil)) { return }
            index += 1
            buffer = rest
            if eof && buffer.isEmpty { return }
        }
    }

    /// Any other JSON document: cut at the boundaries of the record elements.
    static func produceElements(_ source: ActivitySource, first: [UInt8], options: ActivityReadOptions, name: String,
                                work: ActivityQueue<ActivityChunk>, decoded: ActivityBox<Int>) throws {
        var splitter = ActivityElementSplitter()
        var buffer = first
        var index = 0
        var eof = false
        var want = options.chunkBytes
        var scanned = 0 // bytes of `buffer` the splitter has seen
        var elements: [Range<Int>] = []
        var chunkLine = 1
        while true {
            while !eof && buffer.count < want {
                if try source.read(into: &buffer, max: want - buffer.count) == 0 { eof = true }
            }
            try buffer.withUnsafeBufferPointer { b in
                guard let base = b.baseAddress else { return }
                try splitter.feed(base, from: scanned, to: b.count, elements: &elements, name: name)
            }
            scanned = buffer.count
            if eof {
                try splitter.finish(name: name)
                decoded.value += buffer.count
                if !elements.isEmpty {
                    _ = work.put(ActivityChunk(index: index, bytes: buffer, startLine: chunkLine, elements: elements))
                }
                return
            }
            // cut after the last complete element; keep the partial one
            let cut = splitter.safeCut(bufferCount: buffer.count, elements: elements)
            if cut == 0 || elements.isEmpty {
                if buffer.count >= options.maxRecordBytes {
                    throw Diagnostic.error("an event longer than \(options.maxRecordBytes >> 20) MiB", file: name,
                                           line: splitter.line)
                }
                want = buffer.count * 2
                continue
            }
            want = options.chunkBytes
            var rest: [UInt8] = []
            rest.reserveCapacity(options.chunkBytes)
            rest.append(contentsOf: buffer[cut...])
            buffer.removeSubrange(cut...)
            decoded.value += buffer.count
            if !work.put(ActivityChunk(index: index, bytes: buffer, startLine: chunkLine, elements: elements)) { return }
            index += 1
            // the line of byte `cut`: the last element's closing bracket is on it
            chunkLine = splitter.lineAfterLastElement
            splitter.rebase(by: cut)
            elements.removeAll(keepingCapacity: true)
            buffer = rest
            // the splitter has seen everything in `rest` already
            scanned = buffer.count
        }
    }
}

/// Finds the record elements of a JSON document, streaming: the elements of a top-level array, of
/// the first top-level `value` / `records` array of an envelope object, or the top-level values
/// themselves (concatenated objects). Tracks strings and nesting only.
struct ActivityElementSplitter {
    private enum Mode { case undecided, topArray, envelopeSearch, envelopeArray, afterArray }
    private var mode = Mode.undecided
    private var depth = 0
    private var inString = false
    private var escape = false
    private var elementStart: Int? = nil
    /// the base depth at which elements live (elements open at depth base -> base+1)
    private var base = 0
    /// key tracking at depth 1 in envelope search
    private var keyStart = -1
    private var lastKey: [UInt8] = []
    private var lastStringEnd = -1
    private var offsetShift = 0
    private(set) var line = 1
    /// The line of the last element's closing bracket (the line the bytes after it start on).
    private(set) var lineAfterLastElement = 1
    /// False: every byte through the byte loop (the reference the tests compare the block path with).
    var useBlocks = true

    mutating func rebase(by cut: Int) {
        if let s = elementStart { elementStart = s - cut }
        if keyStart >= 0 { keyStart -= cut }
        if envelopeStart >= 0 { envelopeStart -= cut }
    }

    /// The end of the last complete element (0 when none).
    func safeCut(bufferCount: Int, elements: [Range<Int>]) -> Int {
        elements.last?.upperBound ?? 0
    }

    mutating func feed(_ p: UnsafePointer<UInt8>, from: Int, to: Int, elements: inout [Range<Int>], name: String) throws {
        var i = from
        // the byte loop handles the bytes before this (a block the block path left)
        var bytesUntil = from
        while i < to {
            if i >= bytesUntil && useBlocks && to - i >= 64 && !escape && (mode == .topArray || mode == .envelopeArray) {
                i = try feedBlocks(p, from: i, to: to, elements: &elements, name: name)
                bytesUntil = i + 64
                continue
            }
            let b = p[i]
            if b == 0x0A { line += 1 }
            if inString {
                if escape { escape = false }
                else if b == 0x5C { escape = true }
                else if b == 0x22 {
                    inString = false
                    if mode == .envelopeSearch && depth == 1 && keyStart >= 0 {
                        lastKey = Array(UnsafeBufferPointer(start: p + keyStart, count: i - keyStart))
                        keyStart = -1
                    }
                }
                i += 1
                continue
            }
            switch b {
            case 0x22:
                inString = true
                if mode == .envelopeSearch && depth == 1 { keyStart = i + 1 }
            case 0x7B, 0x5B:
                if mode == .undecided && depth == 0 {
                    mode = b == 0x5B ? .topArray : .envelopeSearch
                    base = 1
                } else if mode == .envelopeSearch && depth == 1 && b == 0x5B {
                    let k = String(decoding: lastKey, as: UTF8.self).lowercased()
                    if k == "value" || k == "records" {
                        mode = .envelopeArray
                        base = 2
                    }
                } else if (mode == .topArray || mode == .envelopeArray) && depth == base {
                    elementStart = i
                }
                depth += 1
                if depth > 512 { throw Diagnostic.error("nesting deeper than 512 levels", file: name, line: line) }
                closers.append(b == 0x7B ? 0x7D : 0x5D)
            case 0x7D, 0x5D:
                depth -= 1
                guard depth >= 0, closers.popLast() == b else {
                    throw Diagnostic.error("mismatched `\(b == 0x7D ? "}" : "]")`", file: name, line: line)
                }
                if (mode == .topArray || mode == .envelopeArray) && depth == base, let s = elementStart {
                    elements.append(s..<(i + 1))
                    elementStart = nil
                    lineAfterLastElement = line
                } else if mode == .envelopeArray && depth == 1 {
                    mode = .afterArray
                }
                if depth == 0 {
                    // the end of a top-level value: an object that was not an envelope is one record;
                    // whatever follows (concatenated JSON) starts afresh
                    if mode == .envelopeSearch, envelopeStart >= 0 { elements.append(envelopeStart..<(i + 1)) }
                    mode = .undecided
                    envelopeStart = -1
                    lastKey = []
                    keyStart = -1
                }
            default:
                break
            }
            if mode == .envelopeSearch && depth == 1 && b == 0x7B && envelopeStart < 0 { envelopeStart = i }
            i += 1
        }
    }

    private var envelopeStart = -1
    private var closers: [UInt8] = []

    /// `feed` inside the array of elements, 64 bytes at a time: the quotes' prefix parity gives the
    /// bytes inside strings, and only the brackets outside them are visited, with the byte loop's
    /// transitions. Stops (returning where) at a block with a backslash (escapes are the byte loop's),
    /// after a bracket that leaves the array, and before the last partial block.
    private mutating func feedBlocks(_ p: UnsafePointer<UInt8>, from: Int, to: Int, elements: inout [Range<Int>],
                                     name: String) throws -> Int {
        typealias Index = ActivityStringIndex
        let raw = UnsafeRawPointer(p)
        let quote = SIMD32<UInt8>(repeating: 0x22), backslash = SIMD32<UInt8>(repeating: 0x5C)
        let newline = SIMD32<UInt8>(repeating: 0x0A)
        let brace = SIMD32<UInt8>(repeating: 0x7B), bracket = SIMD32<UInt8>(repeating: 0x5B)
        let closeBrace = SIMD32<UInt8>(repeating: 0x7D), closeBracket = SIMD32<UInt8>(repeating: 0x5D)
        // all ones while inside a string at the end of the previous block
        var carry: UInt64 = inString ? ~0 : 0
        var i = from
        while i + 64 <= to {
            let lo = raw.loadUnaligned(fromByteOffset: i, as: SIMD32<UInt8>.self)
            let hi = raw.loadUnaligned(fromByteOffset: i + 32, as: SIMD32<UInt8>.self)
            if Index.any((lo .== backslash) .| (hi .== backslash)) { break }
            let q = Index.pack(lo .== quote) | Index.pack(hi .== quote) << 32
            let nl = Index.pack(lo .== newline) | Index.pack(hi .== newline) << 32
            // (masks only: an operation on the bytes themselves is not vectorized)
            let brackets = Index.pack((lo .== brace) .| (lo .== bracket) .| (lo .== closeBrace) .| (lo .== closeBracket))
                | Index.pack((hi .== brace) .| (hi .== bracket) .| (hi .== closeBrace) .| (hi .== closeBracket)) << 32
            // bit k: inside a string after byte k (the parity of the quotes up to k)
            let inside = Index.prefixParity(q) ^ carry
            var structural = brackets & ~inside
            let blockLine = line
            while structural != 0 {
                let k = structural.trailingZeroBitCount
                structural &= structural &- 1
                let at = i + k
                let b = p[at]
                if b == 0x7B || b == 0x5B {
                    if depth == base { elementStart = at }
                    depth += 1
                    if depth > 512 {
                        line = blockLine + (nl & ((1 << UInt64(k)) &- 1)).nonzeroBitCount
                        throw Diagnostic.error("nesting deeper than 512 levels", file: name, line: line)
                    }
                    closers.append(b == 0x7B ? 0x7D : 0x5D)
                    continue
                }
                depth -= 1
                guard depth >= 0, closers.popLast() == b else {
                    line = blockLine + (nl & ((1 << UInt64(k)) &- 1)).nonzeroBitCount
                    throw Diagnostic.error("mismatched `\(b == 0x7D ? "}" : "]")`", file: name, line: line)
                }
                if depth == base, let s = elementStart {
                    elements.append(s..<(at + 1))
                    elementStart = nil
                    lineAfterLastElement = blockLine + (nl & ((1 << UInt64(k)) &- 1)).nonzeroBitCount
                } else if mode == .envelopeArray && depth == 1 {
                    mode = .afterArray
                }
                if depth == 0 {
                    mode = .undecided
                    envelopeStart = -1
                    lastKey = []
                    keyStart = -1
                }
                if mode != .topArray && mode != .envelopeArray {
                    // out of the array: the byte loop goes on after the bracket (outside any string)
                    line = blockLine + (nl & ((1 << UInt64(k)) &- 1)).nonzeroBitCount
                    inString = false
                    return at + 1
                }
            }
            line = blockLine + nl.nonzeroBitCount
            carry = 0 &- (inside >> 63)
            i += 64
        }
        inString = carry != 0
        return i
    }

    func finish(name: String) throws {
        if inString { throw Diagnostic.error("unexpected end of input inside a string", file: name, line: line) }
        if depth != 0 {
            throw Diagnostic.error("unexpected end of input: \(depth) unclosed bracket\(depth == 1 ? "" : "s")", file: name, line: line,
                                   help: "the file looks truncated; export it again")
        }
    }
}

extension ActivityRecordScanner {
    /// Scans one chunk into a batch (lines or elements); stops at the first error.
    mutating func scan(_ chunk: ActivityChunk) -> ScannedBatch {
        var batch = ScannedBatch(scanner: scannerID, chunkIndex: chunk.index)
        batch.bytes = chunk.count
        chunk.withBytes { b in
            guard let base = b.baseAddress else { return }
            func fail(_ offset: Int, _ message: String) {
                var line = chunk.startLine, col = 1
                for i in 0..<min(offset, b.count) {
                    if base[i] == 0x0A { line += 1; col = 1 } else { col += 1 }
                }
                batch.error = ActivityChunkError(line: line, column: col, message: message)
            }
            if let elements = chunk.elements {
                for r in elements {
                    let index = useStringIndex ? stringIndex.build(base, start: r.lowerBound, end: r.upperBound) : nil
                    var c = ActivityByteCursor(base, start: r.lowerBound, end: r.upperBound, index: index)
                    lastRecordHash = nil
                    do { try scanValue(&c, into: &batch) } catch let e as ActivityScanError {
                        fail(e.offset, e.message); return
                    } catch { fail(r.lowerBound, "\(error)"); return }
                    batch.fingerprint.add(recordHash(base, r.lowerBound, r.upperBound, index))
                }
                return
            }
            var start = 0
            let n = b.count
            while start < n {
                // the string index of the line, which finds the line's end on the way
                // (a line too long to index is walked byte by byte)
                let (index, found) = useStringIndex ? stringIndex.buildLine(base, start: start, limit: n) : (nil, nil)
                var end = n
                if let found {
                    end = found
                } else if let hit = memchr(base + start, 0x0A, n - start) {
                    end = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                }
                var c = ActivityByteCursor(base, start: start, end: end, index: index)
                c.skipWhitespace()
                if !c.atEnd {
                    do {
                        let valueStart = c.pos
                        lastRecordHash = nil
                        try scanValue(&c, into: &batch)
                        batch.fingerprint.add(recordHash(base, valueStart, c.pos, index))
                        c.skipWhitespace()
                        if !c.atEnd { throw ActivityScanError(offset: c.pos, message: "unexpected data after the event") }
                    } catch let e as ActivityScanError {
                        fail(e.offset, e.message); return
                    } catch { fail(start, "\(error)"); return }
                }
                if end < n { batch.lineCount += 1 }
                start = end + 1
            }
        }
        return batch
    }

    /// `ActivityHash.record` (seed `recordSeed`) of `base[start..<end]`: the one `emit` computed
    /// for the record when it did, else from the index, else from the bytes.
    private func recordHash(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ index: ActivityStringIndex.View?) -> UInt64 {
        if let h = lastRecordHash, h.base == base, h.start == start, h.end == end { return h.hash }
        return index?.recordHash(base, start: start, end: end)
            ?? ActivityHash.record(base + start, end - start, seed: ActivityHash.recordSeed)
    }
}
