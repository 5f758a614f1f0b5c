/*
 * shim.h — starting command agents' processes (Sources/AgentRuntime/Command).
 *
 * Why C: a command agent must die with the host, which on Linux takes
 * prctl(PR_SET_PDEATHSIG) in the child between fork and exec; posix_spawn offers no hook
 * there and Swift cannot run code in a forked child safely. Everything the child does
 * here is async-signal-safe (setpgid, prctl, sigprocmask, signal, dup2, chdir, execve,
 * write, _exit): the parent has many threads.
 */
#ifndef AGENT_COMMAND_SHIM_H
#define AGENT_COMMAND_SHIM_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The step of `agent_command_spawn` that failed in the child, in `*failed_step`. */
#define AGENT_COMMAND_STEP_NONE 0
/** fork itself failed (in the parent). */
#define AGENT_COMMAND_STEP_FORK 1
/** chdir to `directory` failed. */
#define AGENT_COMMAND_STEP_CHDIR 2
/** execve failed (not found, not executable, bad interpreter, ...). */
#define AGENT_COMMAND_STEP_EXEC 3
/** Setting up the child (pipes, process group, death signal) failed. */
#define AGENT_COMMAND_STEP_SETUP 4

/**
 * Starts `path` as a new process and returns 0 with its pid in `*pid`, or an errno value
 * with the failing step in `*failed_step`.
 *
 * The child leads a new process group (its pid is the group id, so the host can kill it
 * and everything it spawned with one kill(-pid)); gets SIGKILL when the thread that called
 * this function ends (PR_SET_PDEATHSIG: call it from a thread that lives as long as the
 * host); has default signal dispositions and an empty signal mask; has `stdin_fd`,
 * `stdout_fd` and `stderr_fd` as its fds 0, 1 and 2 and every other fd marked
 * close-on-exec; and starts in `directory` (NULL: the caller's). `argv` and `envp` are
 * NULL-terminated. An exec failure is reported here, not as an exit status. Thread-safe.
 */
int agent_command_spawn(const char *path, char *const argv[], char *const envp[], const char *directory,
                        int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid, int *failed_step);

/**
 * Creates a pipe whose both ends are close-on-exec (pipe2 with O_CLOEXEC, which Swift's
 * Glibc module does not export). Returns 0, or an errno value. Thread-safe.
 */
int agent_command_pipe(int fds[2]);

/**
 * Opens a pidfd for `pid`: an fd that turns readable when the process exits, so one poll
 * waits for output and exit together (pidfd_open has no libc wrapper here, and Swift cannot
 * call the variadic syscall(2)). Returns the fd, or -1 with errno set. Thread-safe.
 */
int agent_command_pidfd_open(pid_t pid);

#ifdef __cplusplus
}
#endif

#endif /* AGENT_COMMAND_SHIM_H */
