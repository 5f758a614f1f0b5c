import AgentCatalog

extension ProtocolServer {
    /// `initialize {protocol_version, client_info?}` -> `{protocol_version, server_info, capabilities}`.
    func initialize(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let params = context.params
        try params.allowOnly(["protocol_version", "client_info"])
        let version = try params.nonEmptyString("protocol_version")
        let clientInfo = try params.optionalObject("client_info")
        guard Self.supportedVersions.contains(version) else {
            throw ProtocolError.unsupportedVersion(version, supported: Self.supportedVersions)
        }
        let first = session.withLock { state -> Bool in
            if state.initialized { return false }
            state.initialized = true
            return true
        }
        guard first else { throw ProtocolError.alreadyInitialized() }
        if let name = clientInfo?["name"]?.stringValue { logger.info("client \(name) initialized the session") }
        return .object([
            "protocol_version": .string(Self.protocolVersion),
            "server_info": [
                "name": .string(configuration.serverName), "version": .string(configuration.serverVersion),
            ],
            "capabilities": [
                "methods": .array(Self.methodNames.map { .string($0) }),
                "notifications": ["workflow/event"],
                "client_notifications": ["$/cancel_request"],
                "max_line_bytes": .integer(Int64(configuration.maximumLineBytes)),
                "persistent": .bool(backend.isPersistent),
                "event_replay": true,
            ],
        ])
    }

    /// `shutdown {}` -> `{interrupted}`: refuses later requests and interrupts running workflows.
    func shutdown(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        try context.params.allowOnly([])
        session.withLock { $0.shuttingDown = true }
        let interrupted = backend.interruptAll()
        return .object(["interrupted": .array(interrupted.map { .string($0) })])
    }
}
