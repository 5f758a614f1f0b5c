import AgentCatalog

extension ProtocolServer {
    /// Every method, by name. A handler returns the result, or nil when it answers later
    /// through its RequestContext.
    static let methods: [String: Method] = [
        "initialize": Method(needsInitialize: false, runsInline: true, ProtocolServer.initialize),
        "shutdown": Method(needsInitialize: false, runsInline: true, ProtocolServer.shutdown),
        "agents/list": Method(ProtocolServer.listAgents),
        "agents/describe": Method(ProtocolServer.describeAgent),
        "agents/reload": Method(ProtocolServer.reloadAgents),
        "workflow/plan": Method(ProtocolServer.planWorkflow),
        "workflow/execute": Method(ProtocolServer.executeWorkflow),
        "workflow/status": Method(ProtocolServer.workflowStatus),
        "workflow/plan_of": Method(ProtocolServer.planOf),
        "workflow/analytics": Method(ProtocolServer.workflowAnalytics),
        "workflow/agent_result": Method(ProtocolServer.agentResult),
        "workflow/list": Method(ProtocolServer.listWorkflows),
        "workflow/cancel": Method(ProtocolServer.cancelWorkflow),
        "workflow/pause": Method(ProtocolServer.pauseWorkflow),
        "workflow/resume": Method(ProtocolServer.resumeWorkflow),
        "workflow/retry": Method(ProtocolServer.retryWorkflow),
        "workflow/wait": Method(ProtocolServer.waitForWorkflow),
        "workflow/subscribe": Method(ProtocolServer.subscribe),
        "workflow/unsubscribe": Method(ProtocolServer.unsubscribe),
    ]

    /// Method names in the order docs/PROTOCOL.md lists them.
    static let methodNames = [
        "initialize", "agents/list", "agents/describe", "agents/reload", "workflow/plan", "workflow/execute",
        "workflow/status", "workflow/plan_of", "workflow/analytics", "workflow/agent_result", "workflow/list",
        "workflow/cancel", "workflow/pause", "workflow/resume", "workflow/retry", "workflow/wait", "workflow/subscribe",
        "workflow/unsubscribe", "shutdown",
    ]
}
