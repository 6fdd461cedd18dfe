#include "CVTermShim.h"
#include <stdlib.h>
#include <string.h>

typedef struct sb_line { int cols; gw_cell *cells; int cap; } sb_line;

struct gw_term {
    VTerm *vt;
    VTermScreen *screen;
    VTermState *state;
    int rows, cols;
    int dmg_start, dmg_end;          // [start, end) rows, start >= end means none
    int cursor_visible;
    int altscreen;
    char title[512];
    unsigned long bells;
    char *out; size_t out_len, out_cap; // bytes for the program (keys, query replies)
    sb_line *ring;                   // scrollback ring
    int ring_cap, ring_head, ring_count; // head = index of the newest line
    unsigned char u8[4];             // a UTF-8 sequence begun in one feed (see gw_term_feed)
    int u8_len, u8_need;
    /* REP (CSI Ps b) is expanded here, not by libvterm (see rep_filter) */
    int ps;                          // parser position: 0 ground, 1 after ESC, 2 in CSI, 3 in a string, 4 ESC in a
                                     // string, 5 ESC with intermediates
    char csi[256]; int csi_len;      // a CSI's bytes after ESC [, held until its final byte
    int csi_dropping;                // the CSI outgrew csi[]: dropped up to its final byte
    unsigned char last[4]; int last_len, last_need; // the last graphic character printed (UTF-8)
    char vt_in[4096]; size_t vt_in_len; // bytes on their way to libvterm
};

static void flatten_color(const VTermColor *c, uint8_t *kind, uint8_t *idx, uint8_t *r, uint8_t *g, uint8_t *b, int is_fg) {
    if ((is_fg && VTERM_COLOR_IS_DEFAULT_FG(c)) || (!is_fg && VTERM_COLOR_IS_DEFAULT_BG(c))) {
        *kind = GW_COLOR_DEFAULT; *idx = 0; *r = *g = *b = 0;
    } else if (VTERM_COLOR_IS_INDEXED(c)) {
        *kind = GW_COLOR_INDEXED; *idx = c->indexed.idx; *r = *g = *b = 0;
    } else {
        *kind = GW_COLOR_RGB; *idx = 0; *r = c->rgb.red; *g = c->rgb.green; *b = c->rgb.blue;
    }
}

static void flatten(const VTermScreenCell *c, gw_cell *o) {
    memcpy(o->chars, c->chars, sizeof o->chars);
    o->width = c->width;
    flatten_color(&c->fg, &o->fg_kind, &o->fg_index, &o->fg_r, &o->fg_g, &o->fg_b, 1);
    flatten_color(&c->bg, &o->bg_kind, &o->bg_index, &o->bg_r, &o->bg_g, &o->bg_b, 0);
    o->bold = c->attrs.bold; o->underline = c->attrs.underline; o->italic = c->attrs.italic;
    o->blink = c->attrs.blink; o->reverse = c->attrs.reverse; o->strike = c->attrs.strike;
}

static void unflatten_color(const gw_cell *o, VTermColor *c, int is_fg) {
    uint8_t kind = is_fg ? o->fg_kind : o->bg_kind;
    if (kind == GW_COLOR_INDEXED) vterm_color_indexed(c, is_fg ? o->fg_index : o->bg_index);
    else if (kind == GW_COLOR_RGB) {
        if (is_fg) vterm_color_rgb(c, o->fg_r, o->fg_g, o->fg_b); else vterm_color_rgb(c, o->bg_r, o->bg_g, o->bg_b);
    } else {
        vterm_color_rgb(c, 0, 0, 0);
        c->type = is_fg ? VTERM_COLOR_DEFAULT_FG : VTERM_COLOR_DEFAULT_BG;
    }
}

static void widen(gw_term *t, int start, int end) {
    if (start < 0) start = 0;
    if (end > t->rows) end = t->rows;
    if (start >= end) return;
    if (t->dmg_start >= t->dmg_end) { t->dmg_start = start; t->dmg_end = end; return; }
    if (start < t->dmg_start) t->dmg_start = start;
    if (end > t->dmg_end) t->dmg_end = end;
}

static int cb_damage(VTermRect r, void *user) { widen(user, r.start_row, r.end_row); return 1; }

static int cb_movecursor(VTermPos pos, VTermPos old, int visible, void *user) {
    gw_term *t = user;
    // The console draws the hardware cursor itself: a cursor move damages no cells.
    (void)pos; (void)old;
    t->cursor_visible = visible;
    return 1;
}

static int cb_settermprop(VTermProp prop, VTermValue *val, void *user) {
    gw_term *t = user;
    switch (prop) {
    case VTERM_PROP_TITLE:
        if (val->string) { strncpy(t->title, val->string, sizeof t->title - 1); t->title[sizeof t->title - 1] = 0; }
        break;
    case VTERM_PROP_ALTSCREEN: t->altscreen = val->boolean; widen(t, 0, t->rows); break;
    case VTERM_PROP_CURSORVISIBLE: t->cursor_visible = val->boolean; break;
    default: break;
    }
    return 1;
}

static int cb_bell(void *user) { ((gw_term *)user)->bells++; return 1; }

static int cb_resize(int rows, int cols, void *user) {
    gw_term *t = user;
    t->rows = rows; t->cols = cols;
    t->dmg_start = 0; t->dmg_end = rows;
    return 1;
}

static int cb_pushline(int cols, const VTermScreenCell *cells, void *user) {
    gw_term *t = user;
    if (t->ring_cap <= 0) return 0;
    t->ring_head = (t->ring_head + 1) % t->ring_cap;
    if (t->ring_count < t->ring_cap) t->ring_count++;
    sb_line *l = &t->ring[t->ring_head];
    if (l->cap < cols) {
        gw_cell *n = realloc(l->cells, sizeof(gw_cell) * (size_t)cols);
        if (!n) { l->cols = 0; return 0; }
        l->cells = n; l->cap = cols;
    }
    // Trim trailing blank cells so narrow lines stay small to copy.
    int used = cols;
    while (used > 0 && cells[used - 1].chars[0] == 0 && VTERM_COLOR_IS_DEFAULT_BG(&cells[used - 1].bg)) used--;
    for (int i = 0; i < used; i++) flatten(&cells[i], &l->cells[i]);
    l->cols = used;
    return 1;
}

static int cb_popline(int cols, VTermScreenCell *cells, void *user) {
    gw_term *t = user;
    if (t->ring_count == 0) return 0;
    sb_line *l = &t->ring[t->ring_head];
    for (int i = 0; i < cols; i++) {
        if (i < l->cols) {
            const gw_cell *o = &l->cells[i];
            memcpy(cells[i].chars, o->chars, sizeof o->chars);
            cells[i].width = o->width;
            memset(&cells[i].attrs, 0, sizeof cells[i].attrs);
            cells[i].attrs.bold = o->bold; cells[i].attrs.underline = o->underline; cells[i].attrs.italic = o->italic;
            cells[i].attrs.blink = o->blink; cells[i].attrs.reverse = o->reverse; cells[i].attrs.strike = o->strike;
            unflatten_color(o, &cells[i].fg, 1);
            unflatten_color(o, &cells[i].bg, 0);
        } else {
            memset(&cells[i], 0, sizeof cells[i]);
            cells[i].width = 1;
            unflatten_color(&(gw_cell){0}, &cells[i].fg, 1);
            unflatten_color(&(gw_cell){0}, &cells[i].bg, 0);
        }
    }
    t->ring_head = (t->ring_head - 1 + t->ring_cap) % t->ring_cap;
    t->ring_count--;
    return 1;
}

static void cb_output(const char *s, size_t len, void *user) {
    gw_term *t = user;
    if (t->out_len + len > t->out_cap) {
        size_t cap = t->out_cap ? t->out_cap : 256;
        while (cap < t->out_len + len) cap *= 2;
        char *n = realloc(t->out, cap);
        if (!n) return;
        t->out = n; t->out_cap = cap;
    }
    memcpy(t->out + t->out_len, s, len);
    t->out_len += len;
}

static const VTermScreenCallbacks callbacks = {
    .damage = cb_damage,
    .moverect = NULL,
    .movecursor = cb_movecursor,
    .settermprop = cb_settermprop,
    .bell = cb_bell,
    .resize = cb_resize,
    .sb_pushline = cb_pushline,
    .sb_popline = cb_popline,
};

gw_term *gw_term_new(int rows, int cols, int scrollback_lines) {
    gw_term *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->rows = rows; t->cols = cols;
    t->cursor_visible = 1;
    t->ring_cap = scrollback_lines > 0 ? scrollback_lines : 0;
    t->ring = t->ring_cap ? calloc((size_t)t->ring_cap, sizeof(sb_line)) : NULL;
    t->vt = vterm_new(rows, cols);
    vterm_set_utf8(t->vt, 1);
    vterm_output_set_callback(t->vt, cb_output, t);
    t->screen = vterm_obtain_screen(t->vt);
    t->state = vterm_obtain_state(t->vt);
    vterm_screen_set_callbacks(t->screen, &callbacks, t);
    vterm_screen_set_damage_merge(t->screen, VTERM_DAMAGE_CELL);
    vterm_screen_enable_altscreen(t->screen, 1);
    vterm_screen_reset(t->screen, 1);
    t->dmg_start = 0; t->dmg_end = rows;
    return t;
}

void gw_term_free(gw_term *t) {
    if (!t) return;
    vterm_free(t->vt);
    for (int i = 0; i < t->ring_cap; i++) free(t->ring[i].cells);
    free(t->ring);
    free(t->out);
    free(t);
}

/* Only well-formed UTF-8 without C1 controls reaches libvterm. libvterm 0.1.4 writes through a NULL pointer or moves
   memory out of bounds on some byte streams any program on a remote host can print: a C1 control sent as UTF-8
   (U+0080-U+009F) followed by some sequences ("\xc2\x9b\x1b[K", "\xc2\x90\x1b[K"), and a UTF-8 sequence cut by an
   escape sequence whose continuation byte then completes a C1 control in insert mode ("\x1b[4h\xc2\x1bM\x801").
   So: C1 controls sent as UTF-8 are dropped (as terminals that ignore C1 in UTF-8 do); malformed, overlong, surrogate
   or out-of-range sequences, and sequences cut by anything but a continuation byte, become U+FFFD; a sequence begun
   at the end of one feed continues in the next. Returns len. */
static void u8_put(char *buf, size_t *k, const unsigned char *b, int n) {
    for (int i = 0; i < n; i++) buf[(*k)++] = (char)b[i];
}

static void u8_replacement(char *buf, size_t *k) {
    static const unsigned char fffd[3] = {0xEF, 0xBF, 0xBD};
    u8_put(buf, k, fffd, 3);
}

/* A complete sequence of t->u8_len bytes: passed on, dropped (C1) or replaced. */
static void u8_finish(gw_term *t, char *buf, size_t *k) {
    const unsigned char *s = t->u8;
    uint32_t cp;
    uint32_t min;
    switch (t->u8_len) {
    case 2: cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F); min = 0x80; break;
    case 3: cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F); min = 0x800; break;
    default: cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) | ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
             min = 0x10000; break;
    }
    if (cp >= 0x80 && cp <= 0x9F) { /* C1 control: dropped */ }
    else if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) u8_replacement(buf, k);
    else u8_put(buf, k, s, t->u8_len);
    t->u8_len = t->u8_need = 0;
}

static void out_flush(gw_term *t) {
    if (t->vt_in_len) vterm_input_write(t->vt, t->vt_in, t->vt_in_len);
    t->vt_in_len = 0;
}

static void out_byte(gw_term *t, unsigned char b) {
    if (t->vt_in_len == sizeof t->vt_in) out_flush(t);
    t->vt_in[t->vt_in_len++] = (char)b;
}

/* libvterm 0.1.4 loops forever on REP (CSI Ps b) with nothing printed before it, and writes through a NULL pointer
   on REP after a wide character in the last column ("\xe4\xb8\xad\x1b[;99H\x1b[b"). xterm-256color's terminfo has
   `rep`, so full-screen programs send it. REP is therefore done here: the last graphic character printed is written
   Ps times (at most a screenful; none if nothing was printed), and libvterm never sees a REP. This needs the parser
   position, so CSI sequences are held until their final byte (C0 controls inside them go through at once, as
   libvterm would run them; one longer than 256 bytes is dropped). */
static void rep_filter(gw_term *t, unsigned char b) {
    switch (t->ps) {
    case 0: /* ground */
        if (b == 0x1B) { t->ps = 1; return; }
        out_byte(t, b);
        if (b >= 0x20 && b < 0x7F) { t->last[0] = b; t->last_len = 1; t->last_need = 0; }
        else if (b >= 0xC0) { t->last[0] = b; t->last_len = 1; t->last_need = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1; }
        else if (b >= 0x80 && t->last_need > 0) { t->last[t->last_len++] = b; t->last_need--; }
        return;
    case 1: /* after ESC (held) */
        if (b == '[') { t->ps = 2; t->csi_len = 0; t->csi_dropping = 0; return; }
        if (b == 0x1B) return;                       /* ESC ESC: the first is moot */
        if (b < 0x20 && b != 0x18 && b != 0x1A) {   /* C0 inside an escape runs at once; the escape goes on */
            out_byte(t, b);
            return;
        }
        out_byte(t, 0x1B);
        out_byte(t, b);
        if (b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_') t->ps = 3;
        else if (b >= 0x20 && b <= 0x2F) t->ps = 5;  /* intermediate: passed on, waiting for the final byte */
        else t->ps = 0;
        return;
    case 5: /* ESC with intermediates, passed on */
        if (b == 0x1B) { t->ps = 1; return; }
        out_byte(t, b);
        if ((b >= 0x30) || b == 0x18 || b == 0x1A) t->ps = 0;  /* final byte, or CAN/SUB cancel */
        return;
    case 2: /* CSI, held */
        if (b == 0x1B) { t->ps = 1; return; }        /* aborted: a new escape begins */
        if (b == 0x18 || b == 0x1A) { t->ps = 0; out_byte(t, b); return; }
        if (b < 0x20) { out_byte(t, b); return; }     /* C0 inside a CSI runs at once */
        if (b >= 0x40 && b <= 0x7E) {                 /* final byte */
            t->ps = 0;
            if (t->csi_dropping) return;
            if (b == 'b') {
                long n = 0;
                int plain = 1;
                for (int i = 0; i < t->csi_len; i++) {
                    char c = t->csi[i];
                    if (c >= '0' && c <= '9') { if (n < 1000000) n = n * 10 + (c - '0'); }
                    else { plain = 0; break; }        /* private or several parameters: not a REP we know */
                }
                if (!plain) return;
                if (n < 1) n = 1;
                long cap = (long)t->rows * t->cols;
                if (n > cap) n = cap;
                if (t->last_len > 0 && t->last_need == 0)
                    for (long r = 0; r < n; r++)
                        for (int i = 0; i < t->last_len; i++) out_byte(t, t->last[i]);
                return;
            }
            out_byte(t, 0x1B); out_byte(t, '[');
            for (int i = 0; i < t->csi_len; i++) out_byte(t, (unsigned char)t->csi[i]);
            out_byte(t, b);
            return;
        }
        if (t->csi_len < (int)sizeof t->csi) t->csi[t->csi_len++] = (char)b;
        else t->csi_dropping = 1;
        return;
    case 3: /* string (OSC, DCS, …), passed on */
        if (b == 0x1B) { t->ps = 4; return; }
        out_byte(t, b);
        if (b == 0x07 || b == 0x18 || b == 0x1A) t->ps = 0;
        return;
    default: /* 4: ESC inside a string (held) */
        if (b == '\\') { out_byte(t, 0x1B); out_byte(t, b); t->ps = 0; return; }
        t->ps = 1;                                  /* the string ended; a new escape */
        out_byte(t, 0x1B); out_byte(t, '\\');        /* close the string as ST would */
        rep_filter(t, b);
        return;
    }
}

size_t gw_term_feed(gw_term *t, const char *bytes, size_t len) {
    const unsigned char *in = (const unsigned char *)bytes;
    char buf[4096];
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = in[i];
        if (t->u8_need > 0) {
            if (b >= 0x80 && b <= 0xBF) {
                t->u8[t->u8_len++] = b;
                if (--t->u8_need == 0) u8_finish(t, buf, &k);
                goto next;
            }
            u8_replacement(buf, &k);          /* cut short: the byte is taken on its own below */
            t->u8_len = t->u8_need = 0;
        }
        if (b < 0x80) buf[k++] = (char)b;
        else if (b >= 0xC2 && b <= 0xDF) { t->u8[0] = b; t->u8_len = 1; t->u8_need = 1; }
        else if (b >= 0xE0 && b <= 0xEF) { t->u8[0] = b; t->u8_len = 1; t->u8_need = 2; }
        else if (b >= 0xF0 && b <= 0xF4) { t->u8[0] = b; t->u8_len = 1; t->u8_need = 3; }
        else u8_replacement(buf, &k);         /* stray continuation, C0/C1 lead, F5-FF */
    next:
        if (k > sizeof buf - 8) {
            for (size_t j = 0; j < k; j++) rep_filter(t, (unsigned char)buf[j]);
            k = 0;
        }
    }
    for (size_t j = 0; j < k; j++) rep_filter(t, (unsigned char)buf[j]);
    out_flush(t);
    vterm_screen_flush_damage(t->screen);
    return len;
}

void gw_term_resize(gw_term *t, int rows, int cols) {
    if (rows < 1) rows = 1;
    if (cols < 1) cols = 1;
    vterm_set_size(t->vt, rows, cols);
    vterm_screen_flush_damage(t->screen);
    t->rows = rows; t->cols = cols;
    t->dmg_start = 0; t->dmg_end = rows;
}

int gw_term_rows(const gw_term *t) { return t->rows; }
int gw_term_cols(const gw_term *t) { return t->cols; }

int gw_term_take_damage(gw_term *t, int *start_row, int *end_row) {
    if (t->dmg_start >= t->dmg_end) return 0;
    *start_row = t->dmg_start; *end_row = t->dmg_end;
    t->dmg_start = 0; t->dmg_end = 0;
    return 1;
}

void gw_term_damage_all(gw_term *t) { t->dmg_start = 0; t->dmg_end = t->rows; }

void gw_term_get_cell(const gw_term *t, int row, int col, gw_cell *out) {
    VTermScreenCell c;
    VTermPos pos = { .row = row, .col = col };
    if (!vterm_screen_get_cell(t->screen, pos, &c)) { memset(out, 0, sizeof *out); out->width = 1; return; }
    flatten(&c, out);
}

void gw_term_cursor(const gw_term *t, int *row, int *col, int *visible) {
    VTermPos pos;
    vterm_state_get_cursorpos(t->state, &pos);
    *row = pos.row; *col = pos.col; *visible = t->cursor_visible;
}

int gw_term_altscreen(const gw_term *t) { return t->altscreen; }
const char *gw_term_title(const gw_term *t) { return t->title; }
unsigned long gw_term_bells(const gw_term *t) { return t->bells; }

int gw_term_scrollback_count(const gw_term *t) { return t->ring_count; }

int gw_term_scrollback_line(const gw_term *t, int index, gw_cell *out, int max_cols) {
    if (index < 0 || index >= t->ring_count) return 0;
    const sb_line *l = &t->ring[(t->ring_head - index + t->ring_cap) % t->ring_cap];
    int n = l->cols < max_cols ? l->cols : max_cols;
    if (n > 0) memcpy(out, l->cells, sizeof(gw_cell) * (size_t)n);
    return l->cols;
}

void gw_term_key_unichar(gw_term *t, uint32_t c, int mod) { vterm_keyboard_unichar(t->vt, c, (VTermModifier)mod); }
void gw_term_key(gw_term *t, int key, int mod) { vterm_keyboard_key(t->vt, (VTermKey)key, (VTermModifier)mod); }
void gw_term_paste(gw_term *t, int start) {
    if (start) vterm_keyboard_start_paste(t->vt); else vterm_keyboard_end_paste(t->vt);
}
size_t gw_term_read_output(gw_term *t, char *buf, size_t len) {
    size_t n = len < t->out_len ? len : t->out_len;
    memcpy(buf, t->out, n);
    memmove(t->out, t->out + n, t->out_len - n);
    t->out_len -= n;
    return n;
}
size_t gw_term_output_pending(const gw_term *t) { return t->out_len; }

int gw_term_at_rest(const gw_term *t) { return t->ps == 0 && t->u8_need == 0; }
