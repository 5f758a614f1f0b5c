/*
 * shim.h: the few process calls the host's worker isolation needs that Swift cannot make
 * directly from its Glibc module. Symbols are prefixed agent_ (STYLE.md).
 */
#ifndef AGENT_PROCESS_SHIM_H
#define AGENT_PROCESS_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Asks the kernel to send `signal` to the calling process when the thread that started it
 * ends (Linux PR_SET_PDEATHSIG). Exists because prctl(2) is variadic, which Swift cannot call.
 * Returns 0, or -1 with errno set (also on systems without PR_SET_PDEATHSIG: ENOSYS).
 * The setting survives exec but not fork; call it in the child itself.
 */
int agent_set_parent_death_signal(int signal);

/*
 * pipe2(fds, O_CLOEXEC): both ends close on exec, atomically, so a child another thread
 * starts at the same moment cannot inherit them. Exists because glibc declares pipe2 only
 * under _GNU_SOURCE, which Swift's Glibc module is not built with. Returns 0 or -1 (errno).
 */
int agent_pipe_cloexec(int fds[2]);

#ifdef __cplusplus
}
#endif

#endif
