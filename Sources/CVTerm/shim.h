#ifndef PORTHOLE_CVTERM_SHIM_H
#define PORTHOLE_CVTERM_SHIM_H
#include <vterm.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Porthole drives libvterm's *state* layer and keeps its own screen grid
 * (libvterm's VTermScreen memmoves the whole screen for every scrolled line:
 * ~3.6 MB/s of `seq` output here, slower than the pty itself).
 *
 * The state callbacks differ between libvterm versions:
 *   0.1.x (Debian 12): resize(rows, cols, VTermPos *delta, user)
 *   0.2+/0.3.x:        resize(rows, cols, VTermStateFields *fields, user),
 *                      and a state with a resize callback leaves
 *                      reallocating its per-row line info to that callback
 *                      (the screen layer does it while reflowing);
 *                      string properties arrive as VTermStringFragment;
 *                      extra members (sb_clear, ...) in the struct.
 * Swift sees only PortholeVTermHandlers below, which is the same on every
 * version; the trampolines here translate. Designated initialisers keep us
 * independent of member order and of members added later.
 */

#define PORTHOLE_VTERM_MODERN (VTERM_VERSION_MAJOR > 0 || VTERM_VERSION_MINOR >= 2)

/**
 * 1 when built against libvterm 0.2 or later. Their parsers differ: 0.1 starts
 * a CSI, OSC or DCS on ESC [, ] or P even after intermediate bytes
 * (ESC ( [ is a CSI), 0.2+ ends the escape there (ESC ( [ designates G0).
 */
static inline int porthole_vterm_modern(void) { return PORTHOLE_VTERM_MODERN; }

/** The callbacks Swift implements; the same on every libvterm version. */
typedef struct PortholeVTermHandlers {
    /** A glyph at (row, col): chars holds up to `nchars` code points (base + combining). */
    int (*putglyph)(const uint32_t *chars, int nchars, int width, int protected_cell,
                    int row, int col, void *user);
    int (*movecursor)(int row, int col, int visible, void *user);
    /** Scroll `rect`: downward > 0 moves content up (lines leave at the top). */
    int (*scrollrect)(VTermRect rect, int downward, int rightward, void *user);
    int (*moverect)(VTermRect dest, VTermRect src, void *user);
    int (*erase)(VTermRect rect, int selective, void *user);
    int (*setpenattr)(VTermAttr attr, VTermValue *val, void *user);
    /** Boolean and numeric properties only; string properties (title) are not forwarded. */
    int (*settermprop)(VTermProp prop, int value, void *user);
    int (*bell)(void *user);
    /** The new size; add to *cursor_row_delta the rows the content moved down. */
    int (*resize)(int rows, int cols, int *cursor_row_delta, void *user);
    void *user;
} PortholeVTermHandlers;

/** Owns the libvterm callbacks struct (libvterm keeps the pointer). */
typedef struct PortholeVTermBridge {
    VTermStateCallbacks callbacks;
    PortholeVTermHandlers handlers;
    /** Rows before the resize in progress (libvterm has already changed its own). */
    int rows;
} PortholeVTermBridge;

static inline int porthole_vterm__putglyph(VTermGlyphInfo *info, VTermPos pos, void *user) {
    PortholeVTermBridge *b = (PortholeVTermBridge *)user;
    int n = 0;
    while (n < VTERM_MAX_CHARS_PER_CELL && info->chars[n]) n++;
    return b->handlers.putglyph(info->chars, n, info->width, info->protected_cell,
                                pos.row, pos.col, b->handlers.user);
}

static inline int porthole_vterm__movecursor(VTermPos pos, VTermPos oldpos, int visible, void *user) {
    PortholeVTermBridge *b = (PortholeVTermBridge *)user;
    (void)oldpos;
    return b->handlers.movecursor(pos.row, pos.col, visible, b->handlers.user);
}

static inline int porthole_vterm__scrollrect(VTermRect rect, int downward, int rightward, void *user) {
    PortholeVTermBridge *b = (PortholeVTermBridge *)user;
    return b->handlers.scrollrect(rect, downward, rightward, b->handlers.user);
}

static inline int porthole_vterm__moverect(VTermRect dest, VTermRect src, void *user) {
    PortholeVTermBridge *b = (PortholeVTermBridge *)user;
    return b->handlers.moverect(dest, src, b->handlers.user);
}

static inline int porthole_vterm__erase(VTermRect rect, int selective, void *user) {
    PortholeVTermBridge *b = (PortholeVTermBridge *)user;
    return b->handlers.erase(rect, selective, b->handlers.user);
}

static inline int porthole_vterm__setpenattr(VTermAttr attr, VTermValue *val, void *user) {
    PortholeVTermBridge *b = (PortholeVTermBridge *)user;
    return b->handlers.setpenattr(attr, val, b->handlers.user);
}

static inline int porthole_vterm__settermprop(VTermProp prop, VTermValue *val, void *user) {
    PortholeVTermBridge *b = (PortholeVTermBridge *)user;
    switch (vterm_get_prop_type(prop)) {
    case VTERM_VALUETYPE_BOOL:
        return b->handlers.settermprop(prop, val->boolean, b->handlers.user);
    case VTERM_VALUETYPE_INT:
        return b->handlers.settermprop(prop, val->number, b->handlers.user);
    default:
        /* Strings (title, icon name) are read from the byte stream by the
         * Swift side, which also sees OSCs split across writes. Accept them. */
        return 1;
    }
}

static inline int porthole_vterm__bell(void *user) {
    PortholeVTermBridge *b = (PortholeVTermBridge *)user;
    return b->handlers.bell(b->handlers.user);
}

#if PORTHOLE_VTERM_MODERN
static inline int porthole_vterm__resize(int rows, int cols, VTermStateFields *fields, void *user) {
    PortholeVTermBridge *b = (PortholeVTermBridge *)user;
    /* Give each screen's line info the new row count, as libvterm's own
     * screen would. Without this the state indexes past the old arrays once
     * the terminal grows. VTerms made by vterm_new use malloc/free. */
    for (int i = 0; i < 2; i++) {
        VTermLineInfo *old = fields->lineinfos[i];
        if (!old) continue;
        VTermLineInfo *fresh = (VTermLineInfo *)calloc((size_t)rows, sizeof(VTermLineInfo));
        if (!fresh) abort();  /* the state would write past `old` */
        memcpy(fresh, old, (size_t)(rows < b->rows ? rows : b->rows) * sizeof(VTermLineInfo));
        free(old);
        fields->lineinfos[i] = fresh;
    }
    b->rows = rows;
    int delta = 0;
    int ret = b->handlers.resize(rows, cols, &delta, b->handlers.user);
    fields->pos.row += delta;
    return ret;
}
#else
static inline int porthole_vterm__resize(int rows, int cols, VTermPos *delta, void *user) {
    PortholeVTermBridge *b = (PortholeVTermBridge *)user;
    b->rows = rows;
    int d = 0;
    int ret = b->handlers.resize(rows, cols, &d, b->handlers.user);
    delta->row += d;
    return ret;
}
#endif

/**
 * Installs `handlers` as the state callbacks of `state` (of a VTerm made by
 * vterm_new with `rows` rows). The returned bridge must stay alive while the
 * VTerm exists; free it with porthole_vterm_detach.
 */
static inline PortholeVTermBridge *porthole_vterm_attach(VTermState *state, int rows,
                                                         const PortholeVTermHandlers *handlers) {
    PortholeVTermBridge *b = (PortholeVTermBridge *)calloc(1, sizeof(PortholeVTermBridge));
    if (!b) return NULL;
    b->handlers = *handlers;
    b->rows = rows;
    b->callbacks.putglyph = porthole_vterm__putglyph;
    b->callbacks.movecursor = porthole_vterm__movecursor;
    b->callbacks.scrollrect = porthole_vterm__scrollrect;
    b->callbacks.moverect = porthole_vterm__moverect;
    b->callbacks.erase = porthole_vterm__erase;
    b->callbacks.setpenattr = porthole_vterm__setpenattr;
    b->callbacks.settermprop = porthole_vterm__settermprop;
    b->callbacks.bell = porthole_vterm__bell;
    b->callbacks.resize = porthole_vterm__resize;
    vterm_state_set_callbacks(state, &b->callbacks, b);
    return b;
}

/** Unhooks and frees a bridge made by porthole_vterm_attach. */
static inline void porthole_vterm_detach(VTermState *state, PortholeVTermBridge *bridge) {
    vterm_state_set_callbacks(state, NULL, NULL);
    free(bridge);
}

#endif
