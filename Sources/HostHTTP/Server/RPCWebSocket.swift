import Foundation
import HostProtocol
import WorkflowHosting
import HummingbirdWebSocket
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

// Implementation notes: a WebSocket speaks the stdio protocol unchanged because it *is* the
// stdio protocol: each connection gets its own ProtocolServer session reading a pipe and
// writing another, on a thread of its own (the server's reader blocks in read(2)). A text
// message becomes one line (a JSON text's raw newlines can only be whitespace, so they become
// spaces); each line the session writes becomes one text message. Closing the socket closes
// the session's input: the session ends as at the end of stdin, with its subscriptions, but
// it never interrupts the server's workflows (SessionBackend).

/// One `GET /rpc` WebSocket: a JSON-RPC 2.0 session (docs/PROTOCOL.md) over text messages.
struct RPCWebSocket {
    let dashboard: DashboardServer

    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var toServer: [Int32] = [0, 0]
        var fromServer: [Int32] = [0, 0]
        guard pipe(&toServer) == 0, pipe(&fromServer) == 0 else {
            try await outbound.close(.unexpectedServerError, reason: "could not open a session")
            return
        }
        for fd in toServer + fromServer { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (serverInput, input) = (toServer[0], toServer[1])
        let (output, serverOutput) = (fromServer[0], fromServer[1])
        let server = ProtocolServer(
            channel: ProtocolChannel(input: serverInput, output: serverOutput), directory: dashboard.directory,
            backend: SessionBackend(dashboard.backend),
            configuration: .init(serverName: "agenthost", serverVersion: dashboard.configuration.version),
            logger: dashboard.logger)
        let session = Thread {
            _ = server.run()
            close(serverOutput)
            close(serverInput)
        }
        session.name = "agenthost.http.rpc"
        session.start()
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        let reader = Thread {
            let reader = LineReader(fileDescriptor: output, maximumLineBytes: .max)
            while let line = reader.next() {
                if case .line(let bytes) = line { continuation.yield(String(decoding: bytes, as: UTF8.self)) }
            }
            continuation.finish()
            close(output)
        }
        reader.name = "agenthost.http.rpc-out"
        reader.start()
        let writing = Task {
            for await line in lines { try await outbound.write(.text(line)) }
        }
        do {
            for try await message in inbound.messages(maxSize: LineReader.defaultMaximumLineBytes) {
                var bytes: [UInt8]
                switch message {
                case .text(let text): bytes = Array(text.utf8)
                case .binary(let buffer): bytes = Array(buffer.readableBytesView)
                }
                for index in bytes.indices where bytes[index] == 0x0A || bytes[index] == 0x0D { bytes[index] = 0x20 }
                bytes.append(0x0A)
                if !writeAll(input, bytes) { break }
            }
        } catch {
            dashboard.logger.debug("rpc websocket: \(error)")
        }
        close(input)
        _ = await writing.result
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
