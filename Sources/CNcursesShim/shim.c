#include "CNcursesShim.h"
int gw_color_pair(int n) { return (int)COLOR_PAIR(n); }
