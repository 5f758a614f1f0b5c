import Foundation

// Implementation notes
// The check OpenSSH applies to a private key and its folders (StrictModes), applied to the
// code the host is about to map: the library file must not be writable by group or others,
// every folder from the file's own up to the search root it was found in must not be
// writable by group or others, and each of them must be owned by root or by the user the host
// runs as. Otherwise another user could swap the library (or a folder on its path) between
// this check and dlopen. Folders above the search root (e.g. /tmp) are not the host's to vet.

/// Refuses a library that another user could replace.
enum LibraryPermissions {
    /// Checks `path` (symlink-free) and its folders up to `root` (symlink-free, containing `path`).
    /// - Parameter field: what the file is, for messages: `library`, or `command` for a command agent.
    /// - Throws: `.insecurePermissions` naming the file or folder at fault and the command that fixes it.
    static func check(_ path: String, root: String?, agent: String, field: String = "library") throws(AgentRuntimeError) {
        try checkOne(path, isFolder: false, agent: agent, library: path, field: field)
        guard let root else { return }
        var folder = (path as NSString).deletingLastPathComponent
        while LibraryResolver.isInside(folder, root) || folder == root {
            try checkOne(folder, isFolder: true, agent: agent, library: path, field: field)
            if folder == root || folder == "/" || folder.isEmpty { break }
            folder = (folder as NSString).deletingLastPathComponent
        }
    }

    private static func checkOne(
        _ path: String, isFolder: Bool, agent: String, library: String, field: String
    ) throws(AgentRuntimeError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            throw AgentRuntimeError(.notLoadable, agent: agent, "cannot stat '\(path)': \(reason)")
        }
        let what = isFolder ? "folder '\(path)', which holds \(field) '\(library)'," : "\(field) '\(path)'"
        let mode = info.st_mode & 0o7777
        if mode & 0o022 != 0 {
            let writers = mode & 0o020 != 0 ? (mode & 0o002 != 0 ? "group and others" : "group") : "others"
            throw AgentRuntimeError(
                .insecurePermissions, agent: agent,
                "\(what) has mode \(String(mode, radix: 8)), writable by \(writers); any user could replace the "
                    + "code the host runs. Fix it with: chmod go-w '\(path)'")
        }
        let user = geteuid()
        if info.st_uid != 0 && info.st_uid != user {
            throw AgentRuntimeError(
                .insecurePermissions, agent: agent,
                "\(what) is owned by \(userName(info.st_uid)), not by root or by the user running the host "
                    + "(\(userName(user))), so that user could replace the code the host runs. Fix it with: "
                    + "chown \(userName(user)) '\(path)', or move the library into a folder you own")
        }
    }

    private static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "\(String(cString: name)) (uid \(uid))"
    }
}
