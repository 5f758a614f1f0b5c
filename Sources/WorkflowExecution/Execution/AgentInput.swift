import AgentCatalog
import Foundation
import Synchronization

// Implementation notes
// Building each agent's input as a JSONValue and serializing it again for the plugin cost
// more than the executor's own bookkeeping. The executor hands runners the input as parts
// instead: the campaign is serialized once per run and each output once (when a dependent
// first reads it); `bytes` splices those parts into the compact JSON document, and `value`
// builds the JSONValue only for runners that ask for it. Both are derived from the same
// parts and agree: `bytes == value.compactBytes`.

/// One attempt's agent input, built on first use as bytes (compact JSON) or as a value.
///
/// The parts never change; the cached forms live in `cache`.
final class AgentInput: Sendable {
    /// A dependency's entry in `inputs`: its output object (or the error of a soft dependency)
    /// and that object's compact bytes.
    struct Entry {
        var key: String
        var value: JSONObject
        var bytes: [UInt8]
    }

    /// Per-run parts shared by every attempt: the campaign and the fixed members.
    final class RunParts: Sendable {
        let workflowId: String
        let campaign: JSONValue
        let artifactsDirectory: String
        let baseDirectory: String
        /// `{"workflow_id":"…","agent":`
        let head: [UInt8]
        /// `,"campaign":{…},"inputs":`
        let campaignBytes: [UInt8]
        /// `,"artifacts_dir":"…","base_dir":"…"}`
        let tail: [UInt8]

        init(workflowId: String, campaign: JSONValue, artifactsDirectory: String, baseDirectory: String) {
            self.workflowId = workflowId
            self.campaign = campaign
            self.artifactsDirectory = artifactsDirectory
            self.baseDirectory = baseDirectory
            var head = Array(#"{"workflow_id":"#.utf8)
            JSONValue.string(workflowId).writeCompact(to: &head)
            head += #","agent":"#.utf8
            self.head = head
            var middle = Array(#","campaign":"#.utf8)
            campaign.writeCompact(to: &middle)
            middle += #","inputs":"#.utf8
            self.campaignBytes = middle
            var tail = Array(#","artifacts_dir":"#.utf8)
            JSONValue.string(artifactsDirectory).writeCompact(to: &tail)
            tail += #","base_dir":"#.utf8
            JSONValue.string(baseDirectory).writeCompact(to: &tail)
            tail.append(UInt8(ascii: "}"))
            self.tail = tail
        }
    }

    private let run: RunParts
    private let agent: String
    private let attempt: Int
    private let entries: [Entry]
    /// Whether the input was given as a value rather than as parts.
    private let given: Bool
    /// The forms built so far.
    private struct Cache {
        var value: JSONValue?
        var bytes: [UInt8]?
    }
    private let cache: Mutex<Cache>

    /// An input made of parts; `entries` in dependency order with distinct keys.
    init(run: RunParts, agent: String, attempt: Int, entries: [Entry]) {
        self.run = run
        self.agent = agent
        self.attempt = attempt
        self.entries = entries
        self.given = false
        self.cache = Mutex(Cache())
    }

    /// An input given as a value (a runner or test that set `AttemptRequest.input`).
    init(value: JSONValue) {
        run = RunParts(workflowId: "", campaign: .null, artifactsDirectory: "", baseDirectory: "")
        agent = ""
        attempt = 0
        entries = []
        given = true
        cache = Mutex(Cache(value: value))
    }

    /// The input object.
    var value: JSONValue {
        cache.withLock { cache in
            if let value = cache.value { return value }
            let value = build()
            cache.value = value
            return value
        }
    }

    /// The input object built from the parts.
    private func build() -> JSONValue {
        var inputs = JSONObject()
        inputs.reserveCapacity(entries.count)
        for entry in entries { inputs[entry.key] = .object(entry.value) }
        return .object([
            "workflow_id": .string(run.workflowId), "agent": .string(agent), "attempt": .integer(Int64(attempt)),
            "campaign": run.campaign, "inputs": .object(inputs), "artifacts_dir": .string(run.artifactsDirectory),
            "base_dir": .string(run.baseDirectory),
        ])
    }

    /// The input object as compact JSON bytes.
    var bytes: [UInt8] {
        let cached: [UInt8]? = cache.withLock { cache in
            if let bytes = cache.bytes { return bytes }
            guard given, let value = cache.value else { return nil }
            let bytes = value.compactBytes
            cache.bytes = bytes
            return bytes
        }
        if let cached { return cached }
        var output: [UInt8] = []
        var size = run.head.count + run.campaignBytes.count + run.tail.count + agent.utf8.count + 32
        for entry in entries { size += entry.key.utf8.count + entry.bytes.count + 4 }
        output.reserveCapacity(size + 1)
        output += run.head
        JSONValue.string(agent).writeCompact(to: &output)
        output += #","attempt":"#.utf8
        output += String(attempt).utf8
        output += run.campaignBytes
        if entries.isEmpty {
            output += "{}".utf8
        } else {
            output.append(UInt8(ascii: "{"))
            for (position, entry) in entries.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                JSONValue.string(entry.key).writeCompact(to: &output)
                output.append(UInt8(ascii: ":"))
                output += entry.bytes
            }
            output.append(UInt8(ascii: "}"))
        }
        output += run.tail
        cache.withLock { $0.bytes = output }
        return output
    }
}
