#ifndef GANGWAY_CVTERM_SHIM_H
#define GANGWAY_CVTERM_SHIM_H
#include <vterm.h>
#endif
