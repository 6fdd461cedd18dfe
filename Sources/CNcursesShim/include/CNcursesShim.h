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

int gw_color_pair(int n);
#endif
