@testable import AgentRuntime
import Foundation
import TestSupport
import Testing

/// The library check's SHA-256 (swift-crypto underneath) against the FIPS 180-4 vectors.
@Suite struct LibraryDigestTests {
    // FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA256_2.pdf") and the one-million-'a' vector.
    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func fipsVectors(message: String, digest: String) {
        #expect(LibraryDigest.sha256Hex(of: Array(message.utf8)) == digest)
    }

    @Test func oneMillionLetterA() {
        let digest = LibraryDigest.sha256Hex(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(digest == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func aFileLongerThanOneChunkIsHashedWhole() throws {
        let folder = try makeTemporaryFolder()
        let path = folder + "/a.bin"
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000 + LibraryDigest.chunkSize).write(to: URL(fileURLWithPath: path))
        let whole = LibraryDigest.sha256Hex(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000 + LibraryDigest.chunkSize))
        #expect(LibraryDigest.sha256Hex(ofFile: path) == whole)
    }

    @Test func fileDigestMatchesContentDigest() throws {
        let folder = try makeTemporaryFolder()
        let path = folder + "/abc.txt"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        #expect(LibraryDigest.sha256Hex(ofFile: path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(LibraryDigest.sha256Hex(ofFile: folder + "/missing") == nil)
    }
}
