import Foundation

/// Standard base64 (RFC 4648 alphabet, "=" padding, no line breaks), the same bytes as
/// `Data.base64EncodedData()`, written straight into the request body: about twice as fast as
/// Foundation's and without the intermediate copy, which matters for 20 MB image fields.
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// The two characters of every 12-bit value, as the bytes of one little-endian UInt16.
    static let pairs: [UInt16] = (0..<4096).map { v in UInt16(alphabet[v >> 6]) | UInt16(alphabet[v & 63]) << 8 }

    /// The number of base64 characters for `count` input bytes.
    static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Appends the base64 of `input` to `out`.
    static func append(_ input: UnsafeRawBufferPointer, to out: inout Data) {
        let n = input.count
        guard n > 0 else { return }
        let start = out.count
        out.count = start + encodedCount(n)
        out.withUnsafeMutableBytes { raw in encode(input, into: raw.baseAddress! + start) }
    }

    /// Writes the base64 of `input` at `dst`, which has room for `encodedCount(input.count)` bytes.
    static func encode(_ input: UnsafeRawBufferPointer, into dst: UnsafeMutableRawPointer) {
        let n = input.count
        guard n > 0, let base = input.baseAddress else { return }
        let src = base.assumingMemoryBound(to: UInt8.self)
        pairs.withUnsafeBufferPointer { table in
            var i = 0
            var o = 0
            // Six input bytes (read as one 8-byte load) become eight characters (one store).
            while i + 8 <= n {
                let x = UInt64(bigEndian: UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self)) >> 16
                let a = UInt64(table[Int(x >> 36)]), b = UInt64(table[Int((x >> 24) & 0xFFF)])
                let c = UInt64(table[Int((x >> 12) & 0xFFF)]), d = UInt64(table[Int(x & 0xFFF)])
                dst.storeBytes(of: (a | b << 16 | c << 32 | d << 48).littleEndian, toByteOffset: o, as: UInt64.self)
                i += 6
                o += 8
            }
            while i + 3 <= n {
                let v = Int(src[i]) << 16 | Int(src[i + 1]) << 8 | Int(src[i + 2])
                dst.storeBytes(of: table[v >> 12].littleEndian, toByteOffset: o, as: UInt16.self)
                dst.storeBytes(of: table[v & 0xFFF].littleEndian, toByteOffset: o + 2, as: UInt16.self)
                i += 3
                o += 4
            }
            let rest = n - i
            if rest > 0 {
                let v = Int(src[i]) << 16 | (rest > 1 ? Int(src[i + 1]) << 8 : 0)
                dst.storeBytes(of: table[v >> 12].littleEndian, toByteOffset: o, as: UInt16.self)
                let third = UInt8(truncatingIfNeeded: table[v & 0xFFF])
                dst.storeBytes(of: rest == 2 ? third : UInt8(ascii: "="), toByteOffset: o + 2, as: UInt8.self)
                dst.storeBytes(of: UInt8(ascii: "="), toByteOffset: o + 3, as: UInt8.self)
            }
        }
    }
}
