import Crypto
import Foundation

/// The SHA-256 of a library file, checked against its manifest's `sha256` before dlopen.
///
/// The hash itself is swift-crypto's (a security check belongs in a maintained library);
/// this type only reads the file in chunks and spells the digest as lowercase hex.
public enum LibraryDigest {
    /// How much of a file is read at a time.
    static let chunkSize = 1 << 20

    /// The lowercase hex SHA-256 of `bytes`.
    public static func sha256Hex(of bytes: some Sequence<UInt8>) -> String {
        hex(SHA256.hash(data: Array(bytes)))
    }

    /// The lowercase hex SHA-256 of the file at `path`; nil when it cannot be read.
    public static func sha256Hex(ofFile path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
        } catch {
            return nil
        }
        return hex(hasher.finalize())
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
