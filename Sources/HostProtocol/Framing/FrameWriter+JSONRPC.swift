import AgentCatalog

// Shared by `agenthost serve` (ProtocolServer) and `agenthost mcp` (HostMCP): both speak
// JSON-RPC 2.0 one message per line and differ only in the methods they answer.

extension FrameWriter {
    /// Sends `{"jsonrpc": "2.0", "id": id, "result": result}`.
    public func send(result: JSONValue, id: RequestID) {
        send(JSONValue.object(["jsonrpc": "2.0", "id": id.json, "result": result]).compactText)
    }

    /// Sends `{"jsonrpc": "2.0", "id": id or null, "error": error}`.
    public func send(error: ProtocolError, id: RequestID?) {
        send(JSONValue.object(["jsonrpc": "2.0", "id": id?.json ?? .null, "error": error.json]).compactText)
    }

    /// Sends the notification `{"jsonrpc": "2.0", "method": method, "params": params}`.
    public func notify(_ method: String, params: JSONValue) {
        send(JSONValue.object(["jsonrpc": "2.0", "method": .string(method), "params": params]).compactText)
    }
}

extension ProtocolChannel {
    /// Reads lines from `input` until the end of input, handing each non-blank one to `handle`
    /// as its bytes; an oversized line is answered with the line-too-long error through
    /// `writer`. Blocks the calling thread.
    public func readLines(maximumLineBytes: Int, writer: FrameWriter, _ handle: ([UInt8]) -> Void) {
        let reader = LineReader(fileDescriptor: input, maximumLineBytes: maximumLineBytes)
        while let line = reader.next() {
            switch line {
            case .oversized(let length):
                writer.send(error: .lineTooLong(length: length, limit: maximumLineBytes), id: nil)
            case .line(let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                handle(bytes)
            }
        }
    }

    /// `readLines`, each line parsed into a message on the reading thread.
    public func readMessages(maximumLineBytes: Int, writer: FrameWriter, _ handle: (IncomingMessage) -> Void) {
        readLines(maximumLineBytes: maximumLineBytes, writer: writer) { handle(IncomingMessage(line: $0)) }
    }
}
