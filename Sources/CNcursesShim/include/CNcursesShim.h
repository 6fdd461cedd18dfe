#ifndef GANGWAY_CNCURSES_SHIM_H
#define GANGWAY_CNCURSES_SHIM_H
// SwiftPM drops pkg-config -D flags: wide-char ncurses must be requested here.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/ncurses.h>
#include <stdint.h>
#include <wchar.h>

int gw_color_pair(int n);

// ---- Console wrappers over ncurses macros and variadic / pointer-heavy calls (stdscr only).
/// Attribute bits shared with ConsoleCore.StyleAttributes.
enum { GW_A_BOLD = 1, GW_A_UNDERLINE = 2, GW_A_REVERSE = 4, GW_A_ITALIC = 8, GW_A_DIM = 16, GW_A_BLINK = 32 };

/// setlocale(""), initscr, raw, noecho, keypad, colours with default colours, ESCDELAY 25 ms. Returns COLORS.
int gw_nc_init(void);
void gw_nc_end(void);
int gw_nc_rows(void);
int gw_nc_cols(void);
int gw_nc_color_pairs(void);
/// init_extended_pair; returns 0 on success.
int gw_nc_init_pair(int pair, int fg, int bg);
/// Writes n wide chars at (row, col) with our attribute bits and an extended colour pair.
void gw_nc_put(int row, int col, const wchar_t *s, int n, int attrs, int pair);
void gw_nc_fill(int row, int col, int rows, int cols, int attrs, int pair);
void gw_nc_cursor(int row, int col, int visible);
/// Non-blocking key read: returns 0 = none, 1 = character in *ch, 2 = function key code in *ch.
int gw_nc_key(uint32_t *ch);
/// wnoutrefresh + doupdate.
void gw_nc_flush(void);
/// Full repaint on the next flush (after a resize or theme change).
void gw_nc_clear(void);
int gw_nc_key_resize(void);
int gw_nc_key_f0(void);
#endif
