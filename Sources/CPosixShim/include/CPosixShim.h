#ifndef GANGWAY_CPOSIX_SHIM_H
#define GANGWAY_CPOSIX_SHIM_H
#include <sys/types.h>
#endif
