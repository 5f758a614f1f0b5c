#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Reports `step` and errno to the parent through `report` and ends the child. */
static void agent_command_fail(int report, int step)
{
    int message[2] = {step, errno};
    ssize_t ignored = write(report, message, sizeof message);
    (void)ignored;
    _exit(127);
}

/* Makes `fd` the child's `target`; dup2 clears close-on-exec on the copy. */
static int agent_command_install(int fd, int target)
{
    if (fd == target) return fcntl(fd, F_SETFD, 0);
    return dup2(fd, target) < 0 ? -1 : 0;
}

int agent_command_spawn(const char *path, char *const argv[], char *const envp[], const char *directory,
                        int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid, int *failed_step)
{
    int report[2];
    *failed_step = AGENT_COMMAND_STEP_NONE;
    if (pipe2(report, O_CLOEXEC) != 0) {
        *failed_step = AGENT_COMMAND_STEP_SETUP;
        return errno;
    }
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
        int error = errno;
        close(report[0]);
        close(report[1]);
        *failed_step = AGENT_COMMAND_STEP_FORK;
        return error;
    }
    if (child == 0) {
        if (setpgid(0, 0) != 0) agent_command_fail(report[1], AGENT_COMMAND_STEP_SETUP);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) agent_command_fail(report[1], AGENT_COMMAND_STEP_SETUP);
        /* The host may have died between fork and prctl: then no signal would ever come. */
        if (getppid() != parent) _exit(127);
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        /* The host ignores SIGPIPE; exec keeps ignored signals ignored, so restore it. */
        signal(SIGPIPE, SIG_DFL);
        /* Move the three fds out of 0..2 first, so installing one cannot clobber another. */
        int in = fcntl(stdin_fd, F_DUPFD_CLOEXEC, 3);
        int out = fcntl(stdout_fd, F_DUPFD_CLOEXEC, 3);
        int err = fcntl(stderr_fd, F_DUPFD_CLOEXEC, 3);
        if (in < 0 || out < 0 || err < 0) agent_command_fail(report[1], AGENT_COMMAND_STEP_SETUP);
        if (agent_command_install(in, 0) != 0 || agent_command_install(out, 1) != 0 ||
            agent_command_install(err, 2) != 0)
            agent_command_fail(report[1], AGENT_COMMAND_STEP_SETUP);
        /* No host fd (the store, sockets, other agents' pipes) leaks into the command. */
        syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
        if (directory != NULL && chdir(directory) != 0) agent_command_fail(report[1], AGENT_COMMAND_STEP_CHDIR);
        execve(path, argv, envp);
        agent_command_fail(report[1], AGENT_COMMAND_STEP_EXEC);
    }
    close(report[1]);
    int message[2] = {0, 0};
    ssize_t got;
    do {
        got = read(report[0], message, sizeof message);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof message) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        *failed_step = message[0];
        return message[1] != 0 ? message[1] : EIO;
    }
    *pid = child;
    return 0;
}

int agent_command_pipe(int fds[2])
{
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
}

int agent_command_pidfd_open(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}
