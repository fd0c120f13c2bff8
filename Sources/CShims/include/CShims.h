#ifndef PORTHOLE_CSHIMS_H
#define PORTHOLE_CSHIMS_H
#include <sys/types.h>
#include <stdint.h>
#include <stdio.h>

/// Spawns argv[0] (searched in PATH) as a session leader whose stdin/stdout/stderr
/// are the slave side of a fresh pty, so the pty is its controlling terminal and
/// Ctrl-C written to the master reaches it. Returns the child pid, with the master
/// fd (O_CLOEXEC, non-blocking) in *master_fd; -1 with errno set on failure.
/// envp may be NULL (inherit the parent's); cwd may be NULL (inherit).
///
/// Every spawn below closes all descriptors above 2 in the child (except
/// `inherit_fd`, which, when >= 0, the child gets as fd 3), whatever their
/// close-on-exec flag says.
pid_t porthole_spawn_pty(const char *path, char *const argv[], char *const envp[],
                         const char *cwd, unsigned short cols, unsigned short rows,
                         int *master_fd);

/// porthole_spawn_pty with a descriptor to pass on as fd 3 (-1: none) and a choice
/// of whether the pty becomes the child's controlling terminal (0: the child is a
/// session leader without one and may take it with TIOCSCTTY).
pid_t porthole_spawn_pty_with(const char *path, char *const argv[], char *const envp[],
                              const char *cwd, unsigned short cols, unsigned short rows,
                              int inherit_fd, int controlling, int *master_fd);

/// Spawns argv with stdin/stdout/stderr on three fresh pipes (the parent ends are
/// O_CLOEXEC and non-blocking) in a new session. Returns pid, -1 on failure.
pid_t porthole_spawn_pipes(const char *path, char *const argv[], char *const envp[],
                           const char *cwd, int inherit_fd, int *stdin_fd, int *stdout_fd, int *stderr_fd);

/// Spawns argv in a new session with the given fds as its stdin/stdout/stderr.
pid_t porthole_spawn_fds(const char *path, char *const argv[], char *const envp[],
                         const char *cwd, int stdin_fd, int stdout_fd, int stderr_fd, int inherit_fd);

/// Makes a pipe whose write end stays open (unused) until this process ends and
/// returns its read end (O_CLOEXEC), or -1. A child given the read end sees it
/// hang up when this process dies, however it dies.
int porthole_lifeline_pipe(void);

/// The whole of porthole-init (Sources/CShims/porthole_init.c): runs the init
/// described there and exits. Also reached as `PROGRAM --porthole-init ARGS…` in
/// any program linking CShims.
int porthole_init_main(int argc, char **argv);

/// dup() that keeps O_CLOEXEC, so spawned children never inherit the copy.
int porthole_dup_cloexec(int fd);

/// Sets the window size of a pty (master or slave fd).
int porthole_set_winsize(int fd, unsigned short cols, unsigned short rows);
/// Reads the window size of a terminal fd; returns 0 on success.
int porthole_get_winsize(int fd, unsigned short *cols, unsigned short *rows);

/// eventfd wrappers (Glibc's module map hides eventfd).
int porthole_eventfd(void);
int porthole_eventfd_signal(int fd);
int porthole_eventfd_drain(int fd);

/// wcwidth, hidden by Swift's Glibc module.
int porthole_wcwidth(uint32_t ch);

/// Terminal raw mode for `porthole exec -t`: saves the current state in an opaque
/// static slot and restores it with porthole_tty_restore (safe to call twice).
int porthole_tty_raw(int fd);
int porthole_tty_restore(int fd);

/// Bytes written to a terminal fd that its reader has not taken yet (TIOCOUTQ);
/// -1 when unknown. Always 0 on a pty slave (Linux keeps no count there).
int porthole_output_pending(int fd);

/// Makes this process the reaper of its orphaned descendants (PR_SET_CHILD_SUBREAPER),
/// so a daemon a child starts (a tmux server) stays in this process's tree and a
/// cleanup that walks the tree finds it. Returns 0 on success.
int porthole_adopt_orphans(void);

/// Makes stdout line-buffered, so output piped to a file or another program
/// appears a line at a time. In C because Swift 6 refuses to read the `stdout`
/// global (shared mutable state).
static inline void porthole_stdout_line_buffered(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

#endif
