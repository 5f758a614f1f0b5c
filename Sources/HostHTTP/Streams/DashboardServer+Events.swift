import AgentCatalog
import Foundation
import HTTPTypes
import HostProtocol
import WorkflowHosting
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization
import WorkflowExecution
import WorkflowStore

extension DashboardServer {
    /// Seconds between two looks at the store while someone is subscribed.
    static var tailInterval: Duration { .milliseconds(200) }
    /// Wake-ups (of `tailInterval`) between two keep-alive comments on an idle stream.
    static var keepAliveTicks: Int { 75 }

    /// `GET /api/v1/workflows/{id}/events`: Server-Sent Events (`id:` = sequence), or NDJSON
    /// for `Accept: application/x-ndjson`; from `?from=SEQ`, after `Last-Event-ID`, else from 1.
    /// Ends after the last terminal event (a retried workflow has earlier ones), with an SSE
    /// `end` message that tells an `EventSource` not to reconnect.
    func eventStream(_ request: Request, workflowId: String) async throws -> Response {
        for (key, _) in request.uri.queryParameters where key != "from" && key != "token" {
            throw APIError.badQuery(String(key), "is not known here; expected from")
        }
        var from: Int64 = 1
        if let text = request.uri.queryParameters["from"] {
            guard let value = Int64(text), value >= 1 else {
                throw APIError.badQuery("from", "is '\(text)'; expected a sequence number of 1 or more")
            }
            from = value
        } else if let last = request.headers[HTTPField.Name("Last-Event-ID")!], let value = Int64(last) {
            from = value + 1
        }
        // Unknown workflows answer 404 before the stream starts, as workflow/status would.
        let status = try await call("workflow/status", params: ["workflow_id": .string(workflowId)])
        let ndjson = request.headers[.accept]?.contains("application/x-ndjson") ?? false
        let finished = ["completed", "failed", "cancelled"].contains(status["state"]?.stringValue ?? "")
        let lastSequence = status["execution_info"]?["last_sequence"]?.integerValue ?? 0
        if finished && from > lastSequence {
            // A reconnect after the terminal event: nothing more will come.
            return Response(
                status: .ok, headers: [.contentType: ndjson ? "application/x-ndjson" : "text/event-stream"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: ndjson ? "" : "retry: 1000\n\n" + Self.endMessage)))
        }
        let feed = EventFeed(from: from, lastKnown: lastSequence)
        let backend = self.backend
        let store = self.store
        let subscription: any WorkflowEventSubscription
        do {
            subscription = try backend.subscribe(workflowId: workflowId, from: from) { event in feed.offer(event) }
        } catch {
            throw APIError(ProtocolError(error))
        }
        let headers: HTTPFields = [
            .contentType: ndjson ? "application/x-ndjson" : "text/event-stream", .cacheControl: "no-store",
            HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        let body = ResponseBody { writer in
            let tail = Task.detached {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.tailInterval)
                    if let store, !feed.hasEnded {
                        // Another process may be running it: read what it committed since.
                        if let events = try? store.events(
                            workflowId: workflowId, after: feed.nextSequence - 1, limit: 2_000)
                        {
                            feed.offer(events)
                        }
                    }
                    feed.wake()
                }
            }
            defer {
                tail.cancel()
                subscription.cancel()
                feed.close()
            }
            if !ndjson { try await writer.write(ByteBuffer(string: "retry: 1000\n\n")) }
            // A server that stops (SIGINT, SIGTERM) ends the stream; the browser reconnects later.
            try await withGracefulShutdownHandler {
                var idle = 0
                while let batch = await feed.take() {
                    if batch.isEmpty {
                        idle += 1
                        if idle >= Self.keepAliveTicks {
                            idle = 0
                            try await writer.write(ByteBuffer(string: ndjson ? "\n" : ": keep-alive\n\n"))
                        }
                        continue
                    }
                    idle = 0
                    var bytes: [UInt8] = []
                    for event in batch { Self.encode(event, ndjson: ndjson, into: &bytes) }
                    try await writer.write(ByteBuffer(bytes: bytes))
                }
            } onGracefulShutdown: {
                feed.close()
            }
            if feed.hasEnded && !ndjson { try await writer.write(ByteBuffer(string: Self.endMessage)) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The SSE message after the terminal event: the workflow is over, do not reconnect.
    static var endMessage: String { "event: end\ndata: {}\n\n" }

    /// One event as an SSE message or an NDJSON line.
    static func encode(_ event: WorkflowEvent, ndjson: Bool, into bytes: inout [UInt8]) {
        if ndjson {
            event.json.writeCompact(to: &bytes)
            bytes.append(0x0A)
            return
        }
        bytes.append(contentsOf: "id: \(event.sequence)\nevent: \(event.type.rawValue)\ndata: ".utf8)
        event.json.writeCompact(to: &bytes)
        bytes.append(contentsOf: "\n\n".utf8)
    }

    /// `GET /api/v1/events`: the runs list as SSE: a `snapshot` of every run, then a
    /// `workflow` message for each run that appeared or changed.
    func runListStream() -> Response {
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-store"]
        let body = ResponseBody { writer in
            let stopping = Mutex(false)
            try await withGracefulShutdownHandler {
                var known: [String: JSONValue] = [:]
                var first = true
                var idle = 0
                while !Task.isCancelled && !stopping.withLock({ $0 }) {
                    let runs = await self.runSummaries()
                    var bytes: [UInt8] = []
                    if first {
                        bytes.append(contentsOf: "retry: 1000\nevent: snapshot\ndata: ".utf8)
                        JSONValue.object(["workflows": .array(runs)]).writeCompact(to: &bytes)
                        bytes.append(contentsOf: "\n\n".utf8)
                        first = false
                    } else {
                        for run in runs where known[run["id"]?.stringValue ?? ""] != run {
                            bytes.append(contentsOf: "event: workflow\ndata: ".utf8)
                            run.writeCompact(to: &bytes)
                            bytes.append(contentsOf: "\n\n".utf8)
                        }
                    }
                    for run in runs { known[run["id"]?.stringValue ?? ""] = run }
                    idle += 1
                    if bytes.isEmpty && idle >= Self.keepAliveTicks { bytes = Array(": keep-alive\n\n".utf8) }
                    if !bytes.isEmpty {
                        idle = 0
                        try await writer.write(ByteBuffer(bytes: bytes))
                    }
                    try await Task.sleep(for: Self.tailInterval)
                }
            } onGracefulShutdown: {
                stopping.withLock { $0 = true }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// Every run for the runs list, newest first: `{id, state, title?, created_at, started_at?,
    /// finished_at?, progress_percentage, counts}` (the store's summaries; without a store, the
    /// live workflows from `workflow/list`).
    func runSummaries(limit: Int = 500) async -> [JSONValue] {
        if let store {
            guard let summaries = try? store.workflows() else { return [] }
            return summaries.prefix(limit).map(\.json)
        }
        guard case .success(let list) = await rpc.call("workflow/list", params: ["limit": .integer(Int64(limit))])
        else { return [] }
        return (list["workflows"]?.arrayValue ?? []).map { entry in
            var run: JSONObject = [
                "id": entry["workflow_id"] ?? .null, "state": entry["state"] ?? .null,
                "progress_percentage": entry["progress_percentage"] ?? .number(0),
                "counts": ["total": entry["agents"] ?? .integer(0)],
            ]
            if let started = entry["started_at"] { run["started_at"] = started }
            if let finished = entry["finished_at"] { run["finished_at"] = finished }
            return .object(run)
        }
    }
}
