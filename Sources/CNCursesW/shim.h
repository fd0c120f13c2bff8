#ifndef PORTHOLE_CNCURSESW_SHIM_H
#define PORTHOLE_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config -D flags, so the wide-character API must be switched on here.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Swift 6 refuses curses' mutable globals and cannot import its macros: expose them as functions.
static inline WINDOW *porthole_stdscr(void) { return stdscr; }
static inline int porthole_lines(void) { return LINES; }
static inline int porthole_cols(void) { return COLS; }
static inline attr_t porthole_a_bold(void) { return A_BOLD; }
static inline attr_t porthole_a_dim(void) { return A_DIM; }
static inline attr_t porthole_a_italic(void) { return A_ITALIC; }
static inline attr_t porthole_a_underline(void) { return A_UNDERLINE; }
static inline attr_t porthole_a_blink(void) { return A_BLINK; }
static inline attr_t porthole_a_reverse(void) { return A_REVERSE; }
static inline attr_t porthole_a_standout(void) { return A_STANDOUT; }
static inline attr_t porthole_a_normal(void) { return A_NORMAL; }
static inline int porthole_key_f(int n) { return KEY_F(n); }
static inline int porthole_set_locale(void) { return setlocale(LC_ALL, "") != NULL; }
#endif
