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

static inline int porthole_colors(void) { return COLORS; }
static inline int porthole_color_pairs(void) { return COLOR_PAIRS; }

// One cell in one call: setcchar with the pair passed through opts (so pairs past
// 32767 work) followed by mvwadd_wch. Drawing a pane row is a loop of these.
static inline int porthole_put_cell(WINDOW *win, int y, int x, const wchar_t *text, attr_t attrs, int pair) {
    cchar_t cell;
    int extended = pair;
    if (setcchar(&cell, text, attrs, 0, &extended) == ERR) return ERR;
    return mvwadd_wch(win, y, x, &cell);
}

// Mouse masks are computed by macros Swift cannot import.
static inline mmask_t porthole_mouse_all_events(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t porthole_mouse_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t porthole_mouse_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t porthole_mouse_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t porthole_mouse_button3_pressed(void) { return BUTTON3_PRESSED; }
static inline mmask_t porthole_mouse_button3_clicked(void) { return BUTTON3_CLICKED; }
static inline mmask_t porthole_mouse_button3_released(void) { return BUTTON3_RELEASED; }
static inline mmask_t porthole_mouse_wheel_up(void) { return BUTTON4_PRESSED; }
static inline mmask_t porthole_mouse_wheel_down(void) {
#if NCURSES_MOUSE_VERSION > 1
    return BUTTON5_PRESSED;
#else
    return 0;
#endif
}
#endif
