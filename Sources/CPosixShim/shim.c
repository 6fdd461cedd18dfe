#include "CPosixShim.h"
