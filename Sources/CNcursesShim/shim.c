#include "CNcursesShim.h"
#include <locale.h>
int gw_color_pair(int n) { return (int)COLOR_PAIR(n); }

int gw_nc_init(void) {
    setlocale(LC_ALL, "");
    set_escdelay(25);
    initscr();
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    leaveok(stdscr, FALSE);
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
    curs_set(0);
    return has_colors() ? COLORS : 0;
}

void gw_nc_end(void) { curs_set(1); endwin(); }
int gw_nc_rows(void) { return getmaxy(stdscr); }
int gw_nc_cols(void) { return getmaxx(stdscr); }
int gw_nc_color_pairs(void) { return COLOR_PAIRS; }
int gw_nc_init_pair(int pair, int fg, int bg) { return init_extended_pair(pair, fg, bg) == OK ? 0 : -1; }

static attr_t to_attr(int a) {
    attr_t r = A_NORMAL;
    if (a & GW_A_BOLD) r |= A_BOLD;
    if (a & GW_A_UNDERLINE) r |= A_UNDERLINE;
    if (a & GW_A_REVERSE) r |= A_REVERSE;
    if (a & GW_A_ITALIC) r |= A_ITALIC;
    if (a & GW_A_DIM) r |= A_DIM;
    if (a & GW_A_BLINK) r |= A_BLINK;
    return r;
}

void gw_nc_put(int row, int col, const wchar_t *s, int n, int attrs, int pair) {
    int p = pair;
    wattr_set(stdscr, to_attr(attrs), (short)(pair < 32768 ? pair : 0), &p);
    mvwaddnwstr(stdscr, row, col, s, n);
}

void gw_nc_fill(int row, int col, int rows, int cols, int attrs, int pair) {
    int p = pair;
    wattr_set(stdscr, to_attr(attrs), (short)(pair < 32768 ? pair : 0), &p);
    for (int r = row; r < row + rows; r++) {
        wmove(stdscr, r, col);
        for (int c = 0; c < cols; c++) waddch(stdscr, ' ');
    }
}

void gw_nc_cursor(int row, int col, int visible) {
    if (visible) { wmove(stdscr, row, col); curs_set(1); } else { curs_set(0); }
}

int gw_nc_key(uint32_t *ch) {
    wint_t w = 0;
    int r = wget_wch(stdscr, &w);
    if (r == ERR) return 0;
    *ch = (uint32_t)w;
    return r == KEY_CODE_YES ? 2 : 1;
}

void gw_nc_flush(void) { wnoutrefresh(stdscr); doupdate(); }
void gw_nc_clear(void) { clearok(stdscr, TRUE); }
int gw_nc_key_resize(void) { return KEY_RESIZE; }
int gw_nc_key_f0(void) { return KEY_F0; }
