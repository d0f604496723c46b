#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Starts the disk writes of a long import while it runs. SQLite hands the pages it spills to the
/// kernel as the import goes, but the kernel writes dirty pages back only after 30 s or under
/// memory pressure: without help, every page reaches the disk in the commit's `fdatasync`, after
/// the scan, with both cores idle. Each time the database
/// file has grown by `step` bytes, an `fdatasync` of it runs on a background thread, one at a
/// time, so the disk works while the scanners do and the commit only waits for the rest.
///
/// Crash safety is unchanged: the kernel may write any dirty page back at any time, and SQLite's
/// rollback journal is made for it (the original of every page the transaction overwrites is in
/// the synced journal before the page is written; pages past the original end are truncated). The
/// early sync only chooses when; SQLite still syncs the journal and the database at commit.
///
/// Locking is unchanged too: the descriptor it syncs through is never closed. Closing any
/// descriptor of a file drops every POSIX lock the process holds on that file, SQLite's included
/// (sqlite.org/howtocorrupt.html, section 2.2), so it is opened once per database file and kept
/// for the life of the process (`Descriptors`).
final class DatabaseWriteback: Sendable {
    static let step = 8 << 20

    private let fd: Int32
    private let queue = DispatchQueue(label: "scopedown.writeback", qos: .utility)
    private let group = DispatchGroup()
    private let inFlight = Atomic<Bool>(false)
    /// the file size at the last sync started (touched by the importing thread only)
    private let syncedSize = Mutex<Int>(0)

    /// nil when the file cannot be opened (an in-memory database) or the process already keeps
    /// `Descriptors.limit` of them: nothing to write back
    convenience init?(path: String) {
        guard let fd = Descriptors.descriptor(for: path) else { return nil }
        self.init(descriptor: fd)
    }

    /// Syncs through `fd`, which the caller keeps open (see the type's comment).
    init(descriptor fd: Int32) {
        self.fd = fd
        var st = stat()
        if fstat(fd, &st) == 0 { syncedSize.withLock { $0 = Int(st.st_size) } }
    }

    /// Called by the importing thread after it wrote: starts a sync when the file grew enough and
    /// none is running.
    func written() {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return }
        let size = Int(st.st_size)
        let due = syncedSize.withLock { synced in size >= synced + Self.step }
        guard due, inFlight.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        syncedSize.withLock { $0 = size }
        queue.async(group: group) { [self] in
            #if os(Linux)
            _ = fdatasync(fd)
            #else
            _ = fsync(fd)
            #endif
            inFlight.store(false, ordering: .releasing)
        }
    }

    /// Waits for a running sync (the descriptor stays open: see the type's comment).
    func finish() {
        group.wait()
    }

    /// One read-only descriptor per database file (device and inode), opened the first time a run
    /// writes to it and never closed, up to `limit` files per process (the command line uses one,
    /// the test suite about 90); past it, runs go without writeback.
    enum Descriptors {
        static let limit = 256
        private struct FileID: Hashable {
            var device: UInt64
            var inode: UInt64
            init(_ st: stat) {
                device = UInt64(st.st_dev)
                inode = UInt64(st.st_ino)
            }
        }
        private static let table = Mutex<[FileID: Int32]>([:])

        static func descriptor(for path: String) -> Int32? {
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
            return table.withLock { table -> Int32? in
                if let fd = table[FileID(st)] { return fd }
                guard table.count < limit else { return nil }
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { return nil }
                // keyed by what was opened (the path may have changed since the stat); a
                // descriptor this opens is never closed, even unused (a race that opened the
                // same file twice)
                var opened = stat()
                guard fstat(fd, &opened) == 0 else { return nil }
                if let existing = table[FileID(opened)] { return existing }
                table[FileID(opened)] = fd
                return fd
            }
        }
    }
}
