/// Why the store could not do what was asked; `message` names the file or workflow at fault.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable error codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The file at the path is not an SQLite database (a text file, another format).
        case notADatabase
        /// The file is an SQLite database whose pages are damaged.
        case corrupt
        /// The database was written by a newer AgentHost with a schema this build does not know.
        case newerSchema
        /// A reading command met a database an older AgentHost wrote; only a writing command upgrades it.
        case olderSchema
        /// The file or its folder could not be created, opened, read or written.
        case io
        /// No workflow with that id is stored.
        case unknownWorkflow
        /// An event arrived out of sequence or twice.
        case badSequence
        /// A stored document could not be read back (bad JSON in a column).
        case badData
        /// The workflow is finished: the request does not apply to it.
        case finished
        /// A workflow with that id already exists.
        case duplicateWorkflow
        /// Another SQLite failure, described in the message.
        case sqlite
    }

    /// What kind of failure.
    public var code: Code
    /// A sentence naming the path, workflow or agent at fault and what was expected.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message, prefixed with the code.
    public var description: String { "\(code.rawValue): \(message)" }
}

// MARK: - Factories

extension StoreError {
    static func notADatabase(_ path: String) -> StoreError {
        StoreError(code: .notADatabase, message: "\(path) is not an SQLite database; expected an AgentHost state file (pass another --db PATH or move the file away)")
    }

    static func corrupt(_ path: String, _ detail: String) -> StoreError {
        StoreError(code: .corrupt, message: "\(path) is a damaged SQLite database (\(detail)); restore it from a copy or remove it")
    }

    static func newerSchema(_ path: String, found: String, known: String) -> StoreError {
        StoreError(code: .newerSchema, message: "\(path) has schema \(found), newer than this build's \(known); use a newer agenthost or another --db PATH")
    }

    static func olderSchema(_ path: String, found: Int, known: Int) -> StoreError {
        StoreError(code: .olderSchema, message: "\(path) has schema version \(found), older than this build's version \(known); a reading command does not upgrade it: run a writing command (`agenthost run`, `resume` or `serve`) on it once, with write access")
    }

    static func io(_ path: String, _ detail: String) -> StoreError {
        StoreError(code: .io, message: "\(path): \(detail)")
    }

    static func unknownWorkflow(_ id: String) -> StoreError {
        StoreError(code: .unknownWorkflow, message: "no workflow with id \(id) in the store")
    }

    static func badSequence(_ id: String, got: Int64, expected: Int64) -> StoreError {
        StoreError(code: .badSequence, message: "workflow \(id): event sequence \(got) arrived; expected \(expected) (events are recorded once, in order, with no gaps)")
    }

    static func badData(_ what: String, _ detail: String) -> StoreError {
        StoreError(code: .badData, message: "\(what): \(detail)")
    }

    static func finished(_ id: String, state: String, command: String) -> StoreError {
        StoreError(code: .finished, message: "workflow \(id) is \(state); \(command) applies only to a running, paused or interrupted workflow")
    }

    static func duplicateWorkflow(_ id: String) -> StoreError {
        StoreError(code: .duplicateWorkflow, message: "a workflow with id \(id) is already stored")
    }

    static func sqlite(_ path: String, _ detail: String) -> StoreError {
        StoreError(code: .sqlite, message: "\(path): \(detail)")
    }
}
