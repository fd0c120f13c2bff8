// porthole-init: the first process of every porthole instance and exec session,
// built into the porthole-init executable and, as a fallback when that is not
// installed, into every program that links CShims (`PROGRAM --porthole-init …`,
// run by the constructor at the end of this file before the Swift runtime starts
// any thread).
// in the spirit of `docker --init` (tini). It
//   - forwards SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1/2 to the command's
//     process group, so a stop reaches the function at once (a bare command as
//     pid 1 of a pid namespace would ignore SIGTERM);
//   - reaps every zombie that lands on it (it is pid 1 of the instance's pid
//     namespace, or a child subreaper without namespaces);
//   - exits with the command's status;
//   - dies with the server: porthole hands it the read end of a pipe whose only
//     write end lives in the server (--lifeline FD). When the server is gone,
//     even by SIGKILL, the pipe reports hang-up and the command's whole tree is
//     killed. (PR_SET_PDEATHSIG would fire when the server *thread* that spawned
//     us exits, and server threads come and go; a pipe follows the process.)
//     Processes this program forks use PR_SET_PDEATHSIG towards it, which is
//     exact here: porthole-init has one thread.
//
// Usage:
//   porthole-init [--lifeline FD] [--namespaces HOSTNAME] -- COMMAND [ARG...]
//       An instance. With --namespaces: new pid, mount and uts namespaces, a
//       private /proc, hostname HOSTNAME; porthole-init forks and its child is
//       pid 1 there, running COMMAND as its own child.
//   porthole-init [--lifeline FD] --session [--enter PID] [--tty] [--dir DIR] -- COMMAND [ARG...]
//       An exec session. With --enter: joins the uts, pid and mount namespaces
//       of PID (the instance's pid 1). COMMAND runs in a new session; with --tty
//       stdin (a pty slave) becomes its controlling terminal, so the session
//       leader that owns the pty is inside the instance's namespace and shells
//       get working job control.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include "CShims.h"

static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM};
#define FORWARDED_COUNT (sizeof forwarded / sizeof forwarded[0])

static sigset_t original_mask;
static int lifeline = -1;

static void fail(const char *what) {
    fprintf(stderr, "porthole-init: %s: %s\n", what, strerror(errno));
    exit(125);
}

static void usage(void) {
    fprintf(stderr,
            "usage: porthole-init [--lifeline FD] [--namespaces HOSTNAME] -- COMMAND [ARG...]\n"
            "       porthole-init [--lifeline FD] --session [--enter PID] [--tty] [--dir DIR] -- COMMAND [ARG...]\n"
            "porthole starts this program itself; it is not meant to be run by hand.\n");
    exit(125);
}

// Blocks the forwarded signals and SIGCHLD and returns a signalfd for them.
static int watch_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < FORWARDED_COUNT; i++) sigaddset(&set, forwarded[i]);
    sigaddset(&set, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &set, &original_mask) != 0) fail("sigprocmask");
    int fd = signalfd(-1, &set, SFD_CLOEXEC);
    if (fd < 0) fail("signalfd");
    return fd;
}

// In a freshly forked child: undo what porthole-init set up for itself, and die
// with porthole-init.
static void become_child(pid_t parent) {
    sigprocmask(SIG_SETMASK, &original_mask, NULL);
    if (lifeline >= 0) close(lifeline);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The parent may have died between fork and prctl (we would have been adopted).
    // A parent outside our pid namespace shows as 0.
    pid_t now = getppid();
    if (now != parent && now != 0) _exit(137);
}

static void run(char **command) {
    execvp(command[0], command);
    int code = errno == ENOENT ? 127 : 126;
    fprintf(stderr, "porthole-init: cannot run %s: %s\n", command[0], strerror(errno));
    _exit(code);
}

// Kills every child we still have (orphans adopted as pid 1 or subreaper).
static void kill_children(void) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    FILE *file = fopen(path, "re");
    if (!file) return;
    int pid;
    while (fscanf(file, "%d", &pid) == 1) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
    }
    fclose(file);
}

// Ends this process the way the command ended: its exit code, or its signal.
// pid 1 cannot be killed by its own signal, so it (and anyone who asks) exits 128+N.
static void exit_like(int status, int may_raise) {
    if (WIFEXITED(status)) exit(WEXITSTATUS(status));
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
    if (may_raise && getpid() != 1) {
        signal(sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        kill(getpid(), sig);
    }
    exit(128 + sig);
}

// Supervises `child` (already forked, leader of its own process group) until it
// ends: forwards signals to its group, reaps everything, watches the lifeline.
// `reap_all`: also reap adopted orphans (pid 1 or subreaper).
static void supervise(pid_t child, int signals, int reap_all) {
    struct pollfd fds[2] = {{.fd = signals, .events = POLLIN}, {.fd = lifeline, .events = POLLIN}};
    int nfds = lifeline >= 0 ? 2 : 1;
    for (;;) {
        if (poll(fds, nfds, -1) < 0) {
            if (errno == EINTR) continue;
            fail("poll");
        }
        if (nfds == 2 && fds[1].revents) {
            // The server is gone (the pipe reads EOF or hangs up): take everything down.
            kill(-child, SIGKILL);
            kill(child, SIGKILL);
            kill_children();
            exit(137);
        }
        if (!(fds[0].revents & POLLIN)) continue;
        struct signalfd_siginfo info;
        if (read(signals, &info, sizeof info) != sizeof info) continue;
        int sig = (int)info.ssi_signo;
        if (sig != SIGCHLD) {
            if (kill(-child, sig) != 0) kill(child, sig);
            continue;
        }
        for (;;) {
            int status;
            pid_t pid = waitpid(reap_all ? -1 : child, &status, WNOHANG);
            if (pid <= 0) break;
            if (pid == child) {
                // The command is done: whatever it left behind goes with it.
                kill(-child, SIGKILL);
                if (reap_all) kill_children();
                exit_like(status, 1);
            }
        }
    }
}

// Forks `command` as the leader of a new process group (or session) and supervises it.
static void start_and_supervise(char **command, int new_session, int tty, int reap_all) {
    int signals = watch_signals();
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) fail("fork");
    if (child == 0) {
        become_child(parent);
        close(signals);
        if (new_session) {
            if (setsid() < 0) fail("setsid");
            if (tty && ioctl(STDIN_FILENO, TIOCSCTTY, 0) != 0) fail("cannot make stdin the controlling terminal");
        } else {
            setpgid(0, 0);
        }
        run(command);
    }
    // Both sides set the group, so a signal forwarded right away finds it; a
    // new session must be made by the child alone (setsid fails for a group leader).
    if (!new_session) setpgid(child, child);
    supervise(child, signals, reap_all);
}

static int open_namespace(const char *pid, const char *name) {
    char path[128];
    snprintf(path, sizeof path, "/proc/%s/ns/%s", pid, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "porthole-init: cannot open %s (is the instance still running?): %s\n", path, strerror(errno));
        exit(125);
    }
    return fd;
}

int porthole_init_main(int argc, char **argv) {
    const char *hostname = NULL, *enter = NULL, *dir = NULL;
    int tty = 0, session = 0;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) { i++; break; }
        if (strcmp(argv[i], "--tty") == 0) { tty = 1; continue; }
        if (strcmp(argv[i], "--session") == 0) { session = 1; continue; }
        if (i + 1 >= argc) usage();
        if (strcmp(argv[i], "--lifeline") == 0) lifeline = atoi(argv[++i]);
        else if (strcmp(argv[i], "--namespaces") == 0) hostname = argv[++i];
        else if (strcmp(argv[i], "--enter") == 0) enter = argv[++i];
        else if (strcmp(argv[i], "--dir") == 0) dir = argv[++i];
        else usage();
    }
    if (i >= argc) usage();
    char **command = argv + i;
    if (lifeline >= 0 && fcntl(lifeline, F_SETFD, FD_CLOEXEC) != 0) lifeline = -1;

    if (enter && !session) usage();
    if (enter) {
        // An exec session: join the instance, then run the command in its own session.
        int uts = open_namespace(enter, "uts"), pid = open_namespace(enter, "pid"), mnt = open_namespace(enter, "mnt");
        if (setns(uts, CLONE_NEWUTS) != 0) fail("setns uts");
        if (setns(pid, CLONE_NEWPID) != 0) fail("setns pid");
        if (setns(mnt, CLONE_NEWNS) != 0) fail("setns mnt");
        close(uts); close(pid); close(mnt);
    }
    if (dir && chdir(dir) != 0) {
        fprintf(stderr, "porthole-init: cannot enter %s: %s\n", dir, strerror(errno));
        exit(125);
    }
    if (session) start_and_supervise(command, 1, tty, 0);

    if (!hostname) {
        // An instance without namespaces: adopt orphans so they can be reaped and killed.
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        start_and_supervise(command, 0, 0, 1);
    }

    // An instance in its own namespaces: the child of unshare() is pid 1 there.
    if (unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS) != 0) fail("unshare (pid, mount, uts namespaces)");
    int signals = watch_signals();
    pid_t parent = getpid();
    pid_t init = fork();
    if (init < 0) fail("fork");
    if (init == 0) {
        // pid 1 of the new namespace; when it ends, the kernel kills the rest.
        become_child(parent);
        lifeline = -1;
        close(signals);
        setpgid(0, 0);
        if (sethostname(hostname, strlen(hostname)) != 0) fail("sethostname");
        if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) fail("make / private");
        if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) != 0) fail("mount /proc");
        start_and_supervise(command, 0, 0, 1);
    }
    setpgid(init, init);
    // Outside: relay signals to the namespace's init and end as it ends.
    supervise(init, signals, 0);
    return 0;
}

// `PROGRAM --porthole-init ARGS…` runs porthole-init instead of PROGRAM. A
// constructor runs before main and before the Swift program starts threads, so
// the init is as single-threaded as the standalone executable (setns needs that).
__attribute__((constructor)) static void porthole_init_hook(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc > 1 && strcmp(argv[1], "--porthole-init") == 0) {
        prctl(PR_SET_NAME, "porthole-init");
        argv[1] = argv[0];
        exit(porthole_init_main(argc - 1, argv + 1));
    }
}
