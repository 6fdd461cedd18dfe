#define _GNU_SOURCE
#include "CPosixShim.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int gw_errno(void) { return errno; }

static int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

int gw_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return errno;
    if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return errno;
    return 0;
}

// Child side. Only async-signal-safe calls: we were forked from a multithreaded process.
static void child_fail(int report_fd, int err) {
    ssize_t ignored = write(report_fd, &err, sizeof err);
    (void)ignored;
    _exit(127);
}

// Closes every descriptor from `lowfd` up except `keep`. close_range(2) (Linux 5.9) in one or two calls around
// `keep`; the loop over every possible descriptor (up to 65,536 close calls per shell, ~20,000 on this machine) is
// the fallback for older kernels.
static void child_close_from(int lowfd, int keep) {
#ifdef SYS_close_range
    int ok = 1;
    if (keep > lowfd && syscall(SYS_close_range, (unsigned)lowfd, (unsigned)(keep - 1), 0) != 0) ok = 0;
    unsigned from = keep >= lowfd ? (unsigned)keep + 1 : (unsigned)lowfd;
    if (ok && syscall(SYS_close_range, from, ~0U, 0) != 0) ok = 0;
    if (ok) return;
#endif
    long max = sysconf(_SC_OPEN_MAX);  // async-signal-safe in glibc (getrlimit)
    if (max < 0 || max > 65536) max = 65536;
    for (int fd = lowfd; fd < max; fd++) {
        if (fd != keep) close(fd);
    }
}

static void child_run(const gw_pty_spawn_request *r, const char *slave_name, int master, int report_fd) {
    // Reset the signal state inherited from the runtime (NIO ignores SIGPIPE; shells must not).
    sigset_t none;
    sigemptyset(&none);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        sigaction(sig, &dfl, NULL);
    }
    sigprocmask(SIG_SETMASK, &none, NULL);

    close(master);
    if (setsid() < 0) child_fail(report_fd, errno);
    int slave = open(slave_name, O_RDWR);  // first tty opened by a session leader becomes the controlling tty
    if (slave < 0) child_fail(report_fd, errno);
    ioctl(slave, TIOCSCTTY, 0);           // explicit, harmless if already the controlling tty
    if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) child_fail(report_fd, errno);
    if (slave > 2) close(slave);

    // report_fd stays open (O_CLOEXEC) so a failed exec can be reported; move it above 2 is already true.
    child_close_from(3, report_fd);

    if (r->change_identity) {
        if (setgroups(r->ngroups, r->ngroups ? r->groups : NULL) < 0) child_fail(report_fd, errno);
        if (setgid(r->gid) < 0) child_fail(report_fd, errno);
        if (setuid(r->uid) < 0) child_fail(report_fd, errno);
        // Make sure the drop is permanent.
        if (r->uid != 0 && setuid(0) == 0) child_fail(report_fd, EPERM);
    }
    if (r->cwd == NULL || chdir(r->cwd) < 0) {
        if (chdir("/") < 0) { /* keep going */ }
    }
    execve(r->path, r->argv, r->envp);
    child_fail(report_fd, errno);
}

int gw_pty_spawn(const gw_pty_spawn_request *r, int *master_fd, pid_t *pid_out) {
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) return errno;
    int err = 0;
    char slave_name[128];
    if (grantpt(master) < 0 || unlockpt(master) < 0) { err = errno; close(master); return err; }
    if (ptsname_r(master, slave_name, sizeof slave_name) != 0) { err = errno; close(master); return err; }
    if (r->rows > 0 && r->cols > 0) {
        struct winsize ws = { .ws_row = r->rows, .ws_col = r->cols };
        ioctl(master, TIOCSWINSZ, &ws);
    }
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0) { err = errno; close(master); return err; }

    pid_t pid = fork();
    if (pid < 0) {
        err = errno;
        close(report[0]); close(report[1]); close(master);
        return err;
    }
    if (pid == 0) {
        close(report[0]);
        child_run(r, slave_name, master, report[1]);
        _exit(127);  // not reached
    }
    close(report[1]);
    int child_err = 0;
    ssize_t n;
    do { n = read(report[0], &child_err, sizeof child_err); } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof child_err) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        close(master);
        return child_err ? child_err : ECHILD;
    }
    gw_set_nonblocking(master);
    *master_fd = master;
    *pid_out = pid;
    return 0;
}

int gw_pty_set_size(int fd, unsigned short rows, unsigned short cols) {
    struct winsize ws;
    memset(&ws, 0, sizeof ws);
    ws.ws_row = rows;
    ws.ws_col = cols;
    return ioctl(fd, TIOCSWINSZ, &ws) < 0 ? errno : 0;
}

int gw_pty_get_size(int fd, unsigned short *rows, unsigned short *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) < 0) return errno;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}

int gw_pty_echo_enabled(int fd) {
    struct termios t;
    if (tcgetattr(fd, &t) < 0) return -1;
    return (t.c_lflag & ECHO) ? 1 : 0;
}

int gw_wait_blocking(pid_t pid, int *decoded) {
    int status;
    for (;;) {
        if (waitpid(pid, &status, 0) >= 0) break;
        if (errno != EINTR) return errno;
    }
    *decoded = decode_status(status);
    return 0;
}

int gw_wait_nohang(pid_t pid, int *decoded) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r < 0) return -1;
    if (r == 0) return 0;
    *decoded = decode_status(status);
    return 1;
}

static atomic_int gw_release_pending = 0;

static void *gw_release_later(void *unused) {
    (void)unused;
    sleep(1);
    atomic_store(&gw_release_pending, 0);
#ifdef __GLIBC__
    malloc_trim(0);
#endif
    return NULL;
}

void gw_release_free_memory_soon(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&gw_release_pending, &expected, 1)) return;
    pthread_attr_t attr;
    pthread_t thread;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, gw_release_later, NULL) != 0) atomic_store(&gw_release_pending, 0);
    pthread_attr_destroy(&attr);
}
