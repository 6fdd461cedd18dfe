#ifndef GANGWAY_CCURL_SHIM_H
#define GANGWAY_CCURL_SHIM_H
#include <curl/curl.h>
#endif
