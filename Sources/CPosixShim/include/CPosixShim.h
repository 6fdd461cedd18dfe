#ifndef GANGWAY_CPOSIX_SHIM_H
#define GANGWAY_CPOSIX_SHIM_H
// CPosixShim: the only place that forks, touches termios/ioctl macros and waitpid status macros.
// Everything between fork() and execve() lives in shim.c and uses async-signal-safe calls only.
#include <sys/types.h>
#include <stddef.h>

/// What to run on a new PTY. All strings/arrays are owned by the caller and must stay valid during the call.
typedef struct gw_pty_spawn_request {
    const char *path;            // absolute path of the program to execve
    char *const *argv;           // NULL-terminated
    char *const *envp;           // NULL-terminated
    const char *cwd;             // directory to chdir into (NULL or unreachable: stay / fall back to "/")
    int change_identity;         // non-zero: setgroups/setgid/setuid to the values below before execve
    uid_t uid;
    gid_t gid;
    const gid_t *groups;         // supplementary groups (may be NULL when ngroups == 0)
    size_t ngroups;
    unsigned short rows;         // initial window size (0 = leave the kernel default)
    unsigned short cols;
} gw_pty_spawn_request;

/// Opens a PTY pair, forks, and in the child: setsid, opens the slave as controlling terminal, dup2 to 0/1/2,
/// closes every other descriptor, resets signals, drops privileges, chdir, execve.
/// On success returns 0 and fills *master_fd (O_CLOEXEC, non-blocking) and *pid.
/// On failure returns an errno value; if the child could not exec, the errno the child saw is returned
/// (and the child has been reaped).
int gw_pty_spawn(const gw_pty_spawn_request *request, int *master_fd, pid_t *pid);

/// TIOCSWINSZ on the master. Returns 0 or errno.
int gw_pty_set_size(int fd, unsigned short rows, unsigned short cols);
/// TIOCGWINSZ. Returns 0 or errno.
int gw_pty_get_size(int fd, unsigned short *rows, unsigned short *cols);
/// 1 when the terminal's ECHO flag is set, 0 when clear, -1 on error (errno set).
int gw_pty_echo_enabled(int fd);

/// waitpid wrappers. gw_wait_blocking returns 0 and the decoded status, or errno.
/// Decoded status: exit code for a normal exit, 128+signal for a signal death (shell convention).
int gw_wait_blocking(pid_t pid, int *decoded_status);
/// Non-blocking: 1 = exited (status filled), 0 = still running, -1 = error (errno set).
int gw_wait_nohang(pid_t pid, int *decoded_status);
/// Sets O_NONBLOCK. Returns 0 or errno.
int gw_set_nonblocking(int fd);
/// The errno of the calling thread (Swift cannot read the errno macro portably).
int gw_errno(void);

/// Gives the memory malloc holds free back to the system (glibc malloc_trim(0)) a second from now, on a thread of
/// its own; calls while one is pending share it. A session relaying a flood holds megabytes (send window, socket
/// and terminal buffers) and glibc keeps freed heap resident: after 20 concurrent floods the agent stayed at
/// ~250 MB for good. Call when a session ends.
void gw_release_free_memory_soon(void);

#endif
