/// A request, from any process, to change a running workflow.
public enum ControlCommand: String, Sendable, Hashable, CaseIterable {
    /// Stop: running agents are told to cancel, nothing new starts, the workflow ends cancelled.
    case cancel
    /// Start no new agent until `resume`.
    case pause
    /// Undo `pause`.
    case resume
}
