#ifndef GANGWAY_CVTERM_SHIM_H
#define GANGWAY_CVTERM_SHIM_H
// CVTermShim: one libvterm terminal with its screen callbacks kept in C (damage range, scrollback ring,
// title, alternate screen), so Swift only sees plain structs. libvterm 0.1.4 facts handled here:
// vterm_screen_reset(screen, 1) is required after setup; a wide char's right half has chars[0] == 0xFFFFFFFF.
#include <vterm.h>
#include <stdint.h>
#include <stddef.h>

/// Colour kinds in gw_cell.
enum { GW_COLOR_DEFAULT = 0, GW_COLOR_INDEXED = 1, GW_COLOR_RGB = 2 };

/// A flattened screen cell. chars[0] == 0 means blank; 0xFFFFFFFF means "right half of a wide char".
typedef struct gw_cell {
    uint32_t chars[6];
    int8_t width;
    uint8_t fg_kind, fg_index, fg_r, fg_g, fg_b;
    uint8_t bg_kind, bg_index, bg_r, bg_g, bg_b;
    uint8_t bold, underline, italic, blink, reverse, strike;
} gw_cell;

typedef struct gw_term gw_term;

/// New terminal, UTF-8, alternate screen enabled, scrollback ring of at most `scrollback_lines` lines.
gw_term *gw_term_new(int rows, int cols, int scrollback_lines);
void gw_term_free(gw_term *t);
/// Feeds output bytes of the program; returns bytes consumed (always len).
size_t gw_term_feed(gw_term *t, const char *bytes, size_t len);
void gw_term_resize(gw_term *t, int rows, int cols);
int gw_term_rows(const gw_term *t);
int gw_term_cols(const gw_term *t);

/// Dirty rows since the last call: returns 1 and fills [*start_row, *end_row) when any, else 0. Clears the range.
int gw_term_take_damage(gw_term *t, int *start_row, int *end_row);
/// Marks every row dirty (after a resize or theme change).
void gw_term_damage_all(gw_term *t);

void gw_term_get_cell(const gw_term *t, int row, int col, gw_cell *out);
void gw_term_cursor(const gw_term *t, int *row, int *col, int *visible);
int gw_term_altscreen(const gw_term *t);
/// The window title set by OSC 0/2 (NUL-terminated, owned by t, valid until the next feed).
const char *gw_term_title(const gw_term *t);
/// Incremented on each BEL.
unsigned long gw_term_bells(const gw_term *t);

/// Scrollback: number of lines stored (newest is index 0).
int gw_term_scrollback_count(const gw_term *t);
/// Copies up to max_cols cells of scrollback line `index` (0 = newest); returns the line's width in cells.
int gw_term_scrollback_line(const gw_term *t, int index, gw_cell *out, int max_cols);

/// Keyboard: encodes into the terminal's output buffer (read it with gw_term_read_output).
void gw_term_key_unichar(gw_term *t, uint32_t c, int mod);
void gw_term_key(gw_term *t, int key, int mod);
void gw_term_paste(gw_term *t, int start);
/// Bytes waiting to go to the program (key encodings and replies to terminal queries).
size_t gw_term_read_output(gw_term *t, char *buf, size_t len);
size_t gw_term_output_pending(const gw_term *t);
/// 1 when everything fed so far has ended: no escape, CSI or control string (OSC, DCS, …) and no UTF-8 character
/// is under way, so the next byte starts afresh (what FloodSkip needs before cutting a flood).
int gw_term_at_rest(const gw_term *t);
#endif
