import FluxAPI

/// Why a task ended without its result, for callers that act on the kind (the command line's
/// exit code and wording). Not stored: the message people read is the task's `error`.
public enum TaskFailure: Sendable, Equatable {
    /// The submit was refused or failed, or may have reached the server (`.submitUncertain`).
    case submit(FluxError)
    /// The server ended the task without a result (Error, moderated, not found).
    case server(TaskStatus)
    /// Polling gave up (the server stayed unreachable) and the engine was told not to try again.
    case polling(FluxError)
    /// The task is Ready but its result could not be saved; why, as the saver said it.
    case download(String)
}
