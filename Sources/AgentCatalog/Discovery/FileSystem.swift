// Implementation notes
// The few file-system calls discovery needs, straight from libc: listing a folder, stat
// for type and permission bits, and reading a whole file. AgentCatalog stays free of
// Foundation, and a thousand manifests read in a few milliseconds.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat` says about a path.
struct FileStatus {
    var isDirectory: Bool
    var isRegularFile: Bool
    /// Permission bits (`st_mode & 0o7777`).
    var mode: UInt32

    /// Whether group or others may write to it.
    var isWritableByOthers: Bool { mode & 0o022 != 0 }
}

enum FileSystem {
    /// `stat` of `path` (following symbolic links), or the errno.
    static func status(_ path: String) -> Result<FileStatus, SystemError> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(SystemError(code: errno)) }
        let type = UInt32(info.st_mode) & UInt32(S_IFMT)
        return .success(
            FileStatus(
                isDirectory: type == UInt32(S_IFDIR), isRegularFile: type == UInt32(S_IFREG),
                mode: UInt32(info.st_mode) & 0o7777))
    }

    /// The names in folder `path` (without `.` and `..`), sorted bytewise.
    static func contents(ofFolder path: String) -> Result<[String], SystemError> {
        guard let folder = opendir(path) else { return .failure(SystemError(code: errno)) }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return .success(names)
    }

    /// The whole content of the file at `path`, read into one array of the size `fstat`
    /// reports (plus one byte to see the end); it grows only for a file that is longer.
    static func readFile(_ path: String) -> Result<[UInt8], SystemError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(SystemError(code: errno)) }
        defer { close(descriptor) }
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? max(Int(info.st_size), 0) : 0
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes += [UInt8](repeating: 0, count: max(16_384, bytes.count)) }
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(SystemError(code: errno))
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeLast(bytes.count - filled)
        return .success(bytes)
    }
}

/// An errno value with its text.
struct SystemError: Error {
    var code: Int32
    var text: String { systemErrorText(code) }
}

/// `strerror(code)`.
func systemErrorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}
