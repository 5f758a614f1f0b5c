// The event, status and recorder types the executor emits and is handed live in
// WorkflowEvents (so the store can use them without loading plugins); every user of
// WorkflowExecution sees them too.
@_exported import WorkflowEvents
