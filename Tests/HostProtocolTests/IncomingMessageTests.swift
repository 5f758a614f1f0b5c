import AgentCatalog
import HostProtocol
import Testing

private func classify(_ text: String) -> IncomingMessage { IncomingMessage(line: Array(text.utf8)) }

private func code(_ message: IncomingMessage) -> Int? {
    if case .invalid(_, let error) = message { return error.code }
    return nil
}

@Suite struct IncomingMessageTests {
    @Test func readsRequestsWithIntegerAndStringIds() {
        #expect(
            classify(#"{"jsonrpc":"2.0","id":9007199254740993,"method":"m","params":{"a":1}}"#)
                == .request(id: .integer(9_007_199_254_740_993), method: "m", params: ["a": 1]))
        #expect(
            classify(#"{"jsonrpc":"2.0","id":"x-1","method":"m"}"#)
                == .request(id: .string("x-1"), method: "m", params: [:]))
    }

    @Test func readsNotificationsAndIgnoresResponses() {
        #expect(
            classify(#"{"jsonrpc":"2.0","method":"$/cancel_request","params":{"id":3}}"#)
                == .notification(method: "$/cancel_request", params: ["id": 3]))
        #expect(classify(#"{"jsonrpc":"2.0","id":1,"result":{}}"#) == .response)
    }

    @Test(arguments: [
        (#"{"jsonrpc":"2.0","id":1,"method":"m""#, -32700),
        ("\u{FF}", -32700),
        (#"{"jsonrpc":"2.0","id":1e999,"method":"m"}"#, -32700),
        (#"[{"jsonrpc":"2.0","id":1,"method":"m"}]"#, -32600),
        ("42", -32600),
        (#"{"id":1,"method":"m"}"#, -32600),
        (#"{"jsonrpc":"1.0","id":1,"method":"m"}"#, -32600),
        (#"{"jsonrpc":"2.0","id":null,"method":"m"}"#, -32600),
        (#"{"jsonrpc":"2.0","id":1.5,"method":"m"}"#, -32600),
        (#"{"jsonrpc":"2.0","id":true,"method":"m"}"#, -32600),
        (#"{"jsonrpc":"2.0","id":99999999999999999999,"method":"m"}"#, -32600),
        (#"{"jsonrpc":"2.0","id":1,"method":7}"#, -32600),
        (#"{"jsonrpc":"2.0","id":1}"#, -32600),
        (#"{"jsonrpc":"2.0","id":1,"method":"m","extra":1}"#, -32600),
        (#"{"jsonrpc":"2.0","id":1,"method":"m","params":[1]}"#, -32602),
    ])
    func rejectsMalformedMessages(text: String, expected: Int) {
        #expect(code(classify(text)) == expected)
    }

    @Test func keepsTheIdOfAnInvalidRequestWhenItCanBeRead() {
        guard case .invalid(let id, let error) = classify(#"{"jsonrpc":"2.0","id":"k","method":"m","params":"p"}"#)
        else {
            Issue.record("expected an invalid message")
            return
        }
        #expect(id == .string("k"))
        #expect(error.message.contains("params must be an object, got a string"))
    }
}

@Suite struct IncomingMessageEdgeTests {
    private func classify(_ text: String) -> IncomingMessage { IncomingMessage(line: Array(text.utf8)) }

    @Test func aMalformedNotificationIsDroppedNotAnswered() {
        #expect(
            classify(#"{"jsonrpc":"2.0","method":"$/cancel_request","params":[1]}"#)
                == .invalidNotification(
                    method: "$/cancel_request",
                    problem: "Invalid params for $/cancel_request: params must be an object, got an array"))
        if case .invalidNotification = classify(#"{"jsonrpc":"1.0","method":"x"}"#) {} else {
            Issue.record("a notification with a bad jsonrpc must not be answered")
        }
    }

    @Test func clientResponsesWithANullOrMissingIdAreResponses() {
        #expect(classify(#"{"jsonrpc":"2.0","id":null,"result":1}"#) == .response)
        #expect(classify(#"{"jsonrpc":"2.0","error":{"code":1,"message":"x"}}"#) == .response)
        #expect(classify(#"{"jsonrpc":"2.0","id":null}"#) != .response)
    }
}
