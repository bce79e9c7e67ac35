// Shim between Swift and ncursesw.
//
// Why this exists:
// - The wide-character API (get_wch, setcchar, cchar_t) is only declared when
//   _XOPEN_SOURCE_EXTENDED / NCURSES_WIDECHAR are set before the header is included.
// - Many ncurses names are macros (COLOR_PAIR, A_*, ACS_*, KEY_F(n)) that Swift cannot import.
// - The C globals (stdscr, LINES, COLS, COLORS, COLOR_PAIRS, ESCDELAY) are mutable globals that
//   Swift 6 strict concurrency rejects; static inline accessors sidestep that.
// Only CursesBackend imports this module.
#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <wchar.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <pthread.h>
#include <ncursesw/curses.h>

// MARK: globals

static inline WINDOW *cnc_stdscr(void) { return stdscr; }
static inline int cnc_lines(void) { return LINES; }
static inline int cnc_cols(void) { return COLS; }
static inline int cnc_colors(void) { return COLORS; }
static inline int cnc_color_pairs(void) { return COLOR_PAIRS; }
static inline int cnc_ok(void) { return OK; }
static inline int cnc_err(void) { return ERR; }

/// Sets the locale from the environment so ncurses emits UTF-8. Returns 1 when the
/// resulting LC_CTYPE codeset is UTF-8.
static inline int cnc_setlocale_from_env(void) {
    const char *r = setlocale(LC_ALL, "");
    if (r == NULL) { return 0; }
    const char *ctype = setlocale(LC_CTYPE, NULL);
    if (ctype == NULL) { return 0; }
    return (strstr(ctype, "UTF-8") != NULL || strstr(ctype, "utf8") != NULL
            || strstr(ctype, "UTF8") != NULL || strstr(ctype, "utf-8") != NULL) ? 1 : 0;
}

/// Forces a UTF-8 LC_CTYPE when the environment gives none (e.g. LANG unset), so wide
/// characters still render. Returns 1 on success.
static inline int cnc_force_utf8_ctype(void) {
    if (setlocale(LC_CTYPE, "C.UTF-8") != NULL) { return 1; }
    if (setlocale(LC_CTYPE, "C.utf8") != NULL) { return 1; }
    if (setlocale(LC_CTYPE, "en_US.UTF-8") != NULL) { return 1; }
    return 0;
}

/// Terminal size from the kernel (TIOCGWINSZ); ioctl is variadic and cannot be called from Swift.
static inline int cnc_terminal_size(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) { return -1; }
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}

// MARK: attributes (macros built from NCURSES_BITS)

static inline attr_t cnc_a_normal(void) { return A_NORMAL; }
static inline attr_t cnc_a_bold(void) { return A_BOLD; }
static inline attr_t cnc_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cnc_a_reverse(void) { return A_REVERSE; }
static inline attr_t cnc_a_dim(void) { return A_DIM; }
static inline attr_t cnc_a_italic(void) { return A_ITALIC; }
static inline attr_t cnc_a_blink(void) { return A_BLINK; }
static inline attr_t cnc_a_standout(void) { return A_STANDOUT; }
static inline attr_t cnc_color_pair(int n) { return COLOR_PAIR(n); }

// MARK: keys

static inline int cnc_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cnc_key_down(void) { return KEY_DOWN; }
static inline int cnc_key_up(void) { return KEY_UP; }
static inline int cnc_key_left(void) { return KEY_LEFT; }
static inline int cnc_key_right(void) { return KEY_RIGHT; }
static inline int cnc_key_home(void) { return KEY_HOME; }
static inline int cnc_key_end(void) { return KEY_END; }
static inline int cnc_key_npage(void) { return KEY_NPAGE; }
static inline int cnc_key_ppage(void) { return KEY_PPAGE; }
static inline int cnc_key_backspace(void) { return KEY_BACKSPACE; }
static inline int cnc_key_dc(void) { return KEY_DC; }
static inline int cnc_key_ic(void) { return KEY_IC; }
static inline int cnc_key_enter(void) { return KEY_ENTER; }
static inline int cnc_key_btab(void) { return KEY_BTAB; }
static inline int cnc_key_resize(void) { return KEY_RESIZE; }
static inline int cnc_key_mouse(void) { return KEY_MOUSE; }
static inline int cnc_key_f0(void) { return KEY_F0; }
static inline int cnc_key_f(int n) { return KEY_F(n); }
static inline int cnc_key_sleft(void) { return KEY_SLEFT; }
static inline int cnc_key_sright(void) { return KEY_SRIGHT; }
static inline int cnc_key_sr(void) { return KEY_SR; }
static inline int cnc_key_sf(void) { return KEY_SF; }
static inline int cnc_key_shome(void) { return KEY_SHOME; }
static inline int cnc_key_send(void) { return KEY_SEND; }
static inline int cnc_key_max(void) { return KEY_MAX; }
/// Whether ncurses may recognise the terminal's key string for `code` (keyok's bool is a macro
/// type Swift does not import as Bool).
static inline int cnc_keyok(int code, int on) { return keyok(code, on ? TRUE : FALSE); }

// MARK: line drawing (ACS_* index the acs_map global)

static inline chtype cnc_acs_hline(void) { return ACS_HLINE; }
static inline chtype cnc_acs_vline(void) { return ACS_VLINE; }
static inline chtype cnc_acs_ulcorner(void) { return ACS_ULCORNER; }
static inline chtype cnc_acs_urcorner(void) { return ACS_URCORNER; }
static inline chtype cnc_acs_llcorner(void) { return ACS_LLCORNER; }
static inline chtype cnc_acs_lrcorner(void) { return ACS_LRCORNER; }

// MARK: wide-character painting

/// Paints one grapheme cluster (up to CCHARW_MAX code points) at (y, x) with the given
/// attributes and an extended (int) colour pair, so pair numbers above 32767 work too.
static inline int cnc_put_cluster(int y, int x, const wchar_t *chars, int count, attr_t attrs, int pair) {
    wchar_t buf[CCHARW_MAX + 1];
    int n = count < CCHARW_MAX ? count : CCHARW_MAX;
    for (int i = 0; i < n; i++) { buf[i] = chars[i]; }
    buf[n] = L'\0';
    cchar_t cc;
    memset(&cc, 0, sizeof(cc));
    int p = pair;
    // -2 tells the caller that ncurses rejected the cluster itself (e.g. a second spacing
    // character), so it can retry with the base character alone.
    if (setcchar(&cc, buf, attrs, 0, &p) != OK) { return -2; }
    return mvwadd_wch(stdscr, y, x, &cc);
}

/// Starts curses on the process's stdin/stdout. Unlike initscr, returns NULL instead of exiting
/// when the terminal cannot be used.
static inline SCREEN *cnc_newterm(void) { return newterm(NULL, stdout, stdin); }

/// Writes raw bytes to the terminal (e.g. the bracketed-paste switch), after ncurses' own output.
static inline void cnc_write_raw(const char *s) {
    fflush(stdout);
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, s, n);
        if (w <= 0) { if (w < 0 && errno == EINTR) { continue; } break; }
        s += w;
        n -= (size_t)w;
    }
}

// MARK: signals through a self-pipe
//
// A signal handler may only do async-signal-safe work, so it writes the signal number as one
// byte to a pipe; the backend's input thread polls that pipe next to stdin and does the real work
// (resize, restoring the terminal) outside the handler.

// State lives in function-local statics: Swift's importer emits the functions of this header
// into the importing module but not file-scope variables.
static inline volatile int *cnc_signal_write_fd(void) {
    static volatile int fd = -1;
    return &fd;
}

static inline struct sigaction *cnc_previous_action(int sig) {
    static struct sigaction saved[65];
    return &saved[sig];
}

static inline void cnc_on_signal(int sig) {
    int saved = errno;
    int fd = *cnc_signal_write_fd();
    if (fd >= 0) {
        unsigned char b = (unsigned char)sig;
        ssize_t ignored = write(fd, &b, 1);
        (void)ignored;
    }
    errno = saved;
}

/// Creates a non-blocking, close-on-exec pipe.
static inline int cnc_make_pipe(int *read_fd, int *write_fd) {
    int fds[2];
    if (pipe(fds) != 0) { return -1; }
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    *read_fd = fds[0];
    *write_fd = fds[1];
    return 0;
}

/// Routes `sig` to the pipe (remembering the previous action for cnc_restore_signal).
static inline int cnc_install_signal(int sig, int write_fd) {
    if (sig <= 0 || sig >= 65) { return -1; }
    *cnc_signal_write_fd() = write_fd;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = cnc_on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(sig, &sa, cnc_previous_action(sig));
}

/// Puts back the action that was in place before cnc_install_signal.
static inline int cnc_restore_signal(int sig) {
    if (sig <= 0 || sig >= 65) { return -1; }
    return sigaction(sig, cnc_previous_action(sig), NULL);
}

/// Dies from `sig` the default way (after the terminal was restored), so the parent sees the
/// real cause in the exit status.
static inline void cnc_reraise_default(int sig) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
}

static inline int cnc_sigint(void) { return SIGINT; }
static inline int cnc_sigterm(void) { return SIGTERM; }
static inline int cnc_sighup(void) { return SIGHUP; }
static inline int cnc_sigquit(void) { return SIGQUIT; }
static inline int cnc_sigwinch(void) { return SIGWINCH; }

static inline int cnc_get_wch(wint_t *out) { return wget_wch(stdscr, out); }
static inline void cnc_timeout(int ms) { wtimeout(stdscr, ms); }
static inline int cnc_keypad(int on) { return keypad(stdscr, on ? TRUE : FALSE); }
static inline int cnc_move(int y, int x) { return wmove(stdscr, y, x); }
static inline int cnc_clear(void) { return wclear(stdscr); }
static inline int cnc_erase(void) { return werase(stdscr); }
static inline int cnc_noutrefresh(void) { return wnoutrefresh(stdscr); }
static inline int cnc_clearok(int on) { return clearok(stdscr, on ? TRUE : FALSE); }
static inline int cnc_leaveok(int on) { return leaveok(stdscr, on ? TRUE : FALSE); }
static inline int cnc_scrollok(int on) { return scrollok(stdscr, on ? TRUE : FALSE); }

#endif
