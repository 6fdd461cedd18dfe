#include "CVTermShim.h"
