// Locks, conditions and threads over pthreads: what the reader and the prefetcher used from
// Foundation (NSLock, NSCondition, Thread), without linking all of Foundation.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A mutex.
final class Lock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { pthread_mutex_init(mutex, nil) }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
}

/// A mutex with a condition variable: `wait` is called with the lock held.
final class Condition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }
    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }
    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func wait() { pthread_cond_wait(cond, mutex) }
    func broadcast() { pthread_cond_broadcast(cond) }
}

/// A detached thread running `body` once started, with the stack size asked for.
final class OSThread: Sendable {
    private final class Body: @unchecked Sendable {
        let run: @Sendable () -> Void
        let finished = Atomic<Bool>(false)
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
    private let body: Body
    nonisolated(unsafe) var stackSize = 0

    init(_ run: @escaping @Sendable () -> Void) { body = Body(run) }

    /// True once `body` has returned.
    var isFinished: Bool { body.finished.load(ordering: .acquiring) }

    func start() {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        if stackSize > 0 { pthread_attr_setstacksize(&attr, stackSize) }
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        let context = Unmanaged.passRetained(body).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let rc = pthread_create(&thread, &attr, { OSThread.main($0) }, context)
        if rc != 0 {
            // No thread could be made: run the body here rather than lose it.
            _ = OSThread.main(context)
        }
    }

    private static func main(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let context else { return nil }
        let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
        body.run()
        body.finished.store(true, ordering: .releasing)
        return nil
    }
}
