#define _GNU_SOURCE
#include "CShims.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

extern char **environ;

static int set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// The child must not inherit the parent's blocked signals or ignored SIGPIPE:
// a shell with SIGINT blocked would ignore Ctrl-C.
static void reset_signals(posix_spawnattr_t *attr, short extra_flags) {
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(attr, &none);
    posix_spawnattr_setsigdefault(attr, &all);
    posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | extra_flags);
}

// Nothing above stderr may reach a child: not the server's sockets, not another
// session's pty or pipes, not an epoll set, and not whatever a library opens
// later without O_CLOEXEC. `inherit_fd` (if >= 0) alone is passed on, as fd 3.
static void close_the_rest(posix_spawn_file_actions_t *actions, int inherit_fd) {
    if (inherit_fd >= 0) {
        posix_spawn_file_actions_adddup2(actions, inherit_fd, 3);
        posix_spawn_file_actions_addclosefrom_np(actions, 4);
    } else {
        posix_spawn_file_actions_addclosefrom_np(actions, 3);
    }
}

pid_t porthole_spawn_pty(const char *path, char *const argv[], char *const envp[],
                         const char *cwd, unsigned short cols, unsigned short rows,
                         int *master_fd) {
    return porthole_spawn_pty_with(path, argv, envp, cwd, cols, rows, -1, 1, master_fd);
}

pid_t porthole_spawn_pty_with(const char *path, char *const argv[], char *const envp[],
                              const char *cwd, unsigned short cols, unsigned short rows,
                              int inherit_fd, int controlling, int *master_fd) {
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) return -1;
    if (grantpt(master) != 0 || unlockpt(master) != 0) { close(master); return -1; }
    char name[128];
    if (ptsname_r(master, name, sizeof name) != 0) { close(master); return -1; }
    porthole_set_winsize(master, cols, rows);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (cwd) posix_spawn_file_actions_addchdir_np(&actions, cwd);
    // Opening the slave by path after setsid makes it the controlling terminal;
    // O_NOCTTY leaves that to the child (porthole-init does it inside the instance).
    posix_spawn_file_actions_addopen(&actions, 0, name, controlling ? O_RDWR : O_RDWR | O_NOCTTY, 0);
    posix_spawn_file_actions_adddup2(&actions, 0, 1);
    posix_spawn_file_actions_adddup2(&actions, 0, 2);
    close_the_rest(&actions, inherit_fd);

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    reset_signals(&attr, POSIX_SPAWN_SETSID);

    pid_t pid;
    int rc = posix_spawnp(&pid, path, &actions, &attr, argv, envp ? envp : environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) { close(master); errno = rc; return -1; }
    set_nonblocking(master);
    *master_fd = master;
    return pid;
}

pid_t porthole_spawn_fds(const char *path, char *const argv[], char *const envp[],
                         const char *cwd, int stdin_fd, int stdout_fd, int stderr_fd, int inherit_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (cwd) posix_spawn_file_actions_addchdir_np(&actions, cwd);
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
    close_the_rest(&actions, inherit_fd);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    reset_signals(&attr, POSIX_SPAWN_SETSID);
    pid_t pid;
    int rc = posix_spawnp(&pid, path, &actions, &attr, argv, envp ? envp : environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) { errno = rc; return -1; }
    return pid;
}

pid_t porthole_spawn_pipes(const char *path, char *const argv[], char *const envp[],
                           const char *cwd, int inherit_fd, int *stdin_fd, int *stdout_fd, int *stderr_fd) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0) return -1;
    if (pipe2(out, O_CLOEXEC) != 0) { close(in[0]); close(in[1]); return -1; }
    if (pipe2(err, O_CLOEXEC) != 0) {
        close(in[0]); close(in[1]); close(out[0]); close(out[1]); return -1;
    }
    pid_t pid = porthole_spawn_fds(path, argv, envp, cwd, in[0], out[1], err[1], inherit_fd);
    int saved = errno;
    close(in[0]); close(out[1]); close(err[1]);
    if (pid < 0) {
        close(in[1]); close(out[0]); close(err[0]);
        errno = saved;
        return -1;
    }
    set_nonblocking(in[1]); set_nonblocking(out[0]); set_nonblocking(err[0]);
    // Bigger pipes (best effort: pipe-max-size bounds it) mean fewer wake-ups of
    // the program and the server per MiB moved; pages are only taken when used.
    fcntl(in[1], F_SETPIPE_SZ, 512 * 1024);
    fcntl(out[0], F_SETPIPE_SZ, 512 * 1024);
    *stdin_fd = in[1]; *stdout_fd = out[0]; *stderr_fd = err[0];
    return pid;
}

int porthole_dup_cloexec(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 0); }

int porthole_set_winsize(int fd, unsigned short cols, unsigned short rows) {
    struct winsize ws = { .ws_row = rows, .ws_col = cols };
    return ioctl(fd, TIOCSWINSZ, &ws);
}

int porthole_get_winsize(int fd, unsigned short *cols, unsigned short *rows) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *cols = ws.ws_col; *rows = ws.ws_row;
    return 0;
}

int porthole_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

int porthole_eventfd_signal(int fd) {
    uint64_t one = 1;
    return write(fd, &one, sizeof one) == sizeof one ? 0 : -1;
}

int porthole_eventfd_drain(int fd) {
    uint64_t value;
    return read(fd, &value, sizeof value) == sizeof value ? 0 : -1;
}

int porthole_wcwidth(uint32_t ch) { return wcwidth((wchar_t)ch); }

static struct termios saved_termios;
static int saved_termios_valid = 0;

int porthole_tty_raw(int fd) {
    struct termios t;
    if (tcgetattr(fd, &t) != 0) return -1;
    if (!saved_termios_valid) { saved_termios = t; saved_termios_valid = 1; }
    cfmakeraw(&t);
    return tcsetattr(fd, TCSANOW, &t);
}

int porthole_tty_restore(int fd) {
    if (!saved_termios_valid) return 0;
    return tcsetattr(fd, TCSANOW, &saved_termios);
}

int porthole_lifeline_pipe(void) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    // Both ends well above the standard streams and the fd 3 children receive.
    int read_end = fcntl(fds[0], F_DUPFD_CLOEXEC, 10);
    int write_end = fcntl(fds[1], F_DUPFD_CLOEXEC, 10);
    close(fds[0]);
    close(fds[1]);
    if (read_end < 0 || write_end < 0) return -1;
    // write_end is never closed: the kernel closes it when this process ends.
    return read_end;
}

int porthole_adopt_orphans(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

int porthole_output_pending(int fd) {
    int pending = 0;
    return ioctl(fd, TIOCOUTQ, &pending) == 0 ? pending : -1;
}
