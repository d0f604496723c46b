#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScopedownCore

/// Creating a new database: it is built at `<path>.creating` beside its final path and moved into
/// place only when the run imported something, so a failed first import leaves no file behind and a
/// reader never opens a half-made database. The builder holds an exclusive `flock` on the building
/// file: a second import into the same new path waits for it (then opens the finished database),
/// and a building file left by a killed process is recognized (its lock is gone) and started over.
public final class DatabaseCreation {
    public let target: String
    public let building: String
    private var lockFD: Int32

    private init(target: String, building: String, lockFD: Int32) {
        self.target = target
        self.building = building
        self.lockFD = lockFD
    }

    deinit { if lockFD >= 0 { close(lockFD) } }

    public static func buildingPath(_ target: String) -> String { target + ".creating" }

    /// Claims the creation of `target`: nil when it exists already (open it as usual). While another
    /// process is creating it, calls `waiting` once and blocks until that process is done.
    public static func claim(_ target: String, waiting: () -> Void = {}) throws -> DatabaseCreation? {
        let building = buildingPath(target)
        var announced = false
        while true {
            if Store.fileExists(target) { return nil }
            let fd = open(building, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw Diagnostic.error("cannot create the database: \(String(cString: strerror(errno)))", file: target,
                                       help: "check that its folder exists and is writable")
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                if !announced { waiting(); announced = true }
                while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            }
            // the lock is ours; the path must still name the file we locked (the creator we waited
            // for removes it when done)
            var a = stat(), b = stat()
            guard fstat(fd, &a) == 0, stat(building, &b) == 0, a.st_ino == b.st_ino, a.st_dev == b.st_dev else {
                close(fd)
                continue
            }
            if Store.fileExists(target) {
                close(fd)
                return nil
            }
            // whatever a killed creator left is started over
            _ = ftruncate(fd, 0)
            unlink(building + "-journal")
            return DatabaseCreation(target: target, building: building, lockFD: fd)
        }
    }

    /// Moves the built database into place (without replacing a file that appeared meanwhile) and
    /// releases the claim. Call it with no transaction open on the building file: closing the lock's
    /// descriptor drops the process's POSIX locks on the file, SQLite's included.
    public func publish() throws {
        defer { release() }
        if link(building, target) != 0 {
            let e = errno
            if e == EEXIST {
                throw Diagnostic.error("cannot create the database: another program created the file meanwhile; nothing was imported into it",
                                       file: target, help: "run the import again: it imports into the existing file")
            }
            // a file system without hard links: rename, the target being checked absent just before
            guard !Store.fileExists(target), rename(building, target) == 0 else {
                throw Diagnostic.error("cannot move the new database into place: \(String(cString: strerror(e)))", file: target)
            }
            return
        }
        unlink(building)
    }

    /// Removes the building file (nothing of the run is kept) and releases the claim.
    public func abandon() {
        unlink(building)
        unlink(building + "-journal")
        release()
    }

    private func release() {
        if lockFD >= 0 { close(lockFD) }
        lockFD = -1
    }

    /// True when another process is creating `target` right now.
    public static func isBeingCreated(_ target: String) -> Bool {
        let fd = open(buildingPath(target), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 { return false }
        return errno == EWOULDBLOCK
    }
}
