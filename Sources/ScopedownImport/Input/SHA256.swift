// SHA-256 (FIPS 180-4) over raw buffers, for hashing multi-gigabyte Activity Log inputs as they are
// read. When the system's libcrypto (OpenSSL 3) can be loaded at run time, its SHA-256 is used
// (it uses the CPU's SHA extensions, several times faster than portable Swift); otherwise the portable one. No build-time dependency either way.
// Both give the same digests (tested against each other and the NIST vectors); the portable `SHA256`
// is Core's (the review report hashes its inline script with it).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScopedownCore

/// SHA-256 through the system's libcrypto when it can be loaded, else the portable `SHA256`.
package final class SHA256Digest {
    private typealias InitFn = @convention(c) (UnsafeMutableRawPointer?) -> Int32
    private typealias UpdateFn = @convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?, Int) -> Int32
    private typealias FinalFn = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutableRawPointer?) -> Int32
    private struct Library: @unchecked Sendable {
        let initFn: InitFn
        let updateFn: UpdateFn
        let finalFn: FinalFn
    }
    private static let library: Library? = {
        if getenv("SCOPEDOWN_PORTABLE_SHA256") != nil { return nil }
        for name in ["libcrypto.so.3", "libcrypto.so", "libcrypto.dylib"] {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let i = dlsym(handle, "SHA256_Init"), let u = dlsym(handle, "SHA256_Update"), let f = dlsym(handle, "SHA256_Final") else {
                continue
            }
            return Library(initFn: unsafeBitCast(i, to: InitFn.self), updateFn: unsafeBitCast(u, to: UpdateFn.self),
                           finalFn: unsafeBitCast(f, to: FinalFn.self))
        }
        return nil
    }()

    private var context: UnsafeMutableRawPointer?
    private var portable = SHA256()

    public init(forcePortable: Bool = false) {
        if !forcePortable, let lib = Self.library {
            // SHA256_CTX is 112 bytes in OpenSSL 3; leave room
            let ctx = UnsafeMutableRawPointer.allocate(byteCount: 512, alignment: 16)
            if lib.initFn(ctx) == 1 { context = ctx } else { ctx.deallocate() }
        }
    }

    deinit { context?.deallocate() }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        if let context, let lib = Self.library {
            _ = lib.updateFn(context, buffer.baseAddress, buffer.count)
        } else {
            portable.update(buffer)
        }
    }

    public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// Lower-case hex digest (call once).
    public func hex() -> String {
        if let context, let lib = Self.library {
            var md = [UInt8](repeating: 0, count: 32)
            _ = md.withUnsafeMutableBufferPointer { lib.finalFn($0.baseAddress, context) }
            return SHA256.hexString(md)
        }
        return SHA256.hexString(portable.finalize())
    }
}
