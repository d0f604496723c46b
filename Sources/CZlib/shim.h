#ifndef SCOPEDOWN_CZLIB_SHIM_H
#define SCOPEDOWN_CZLIB_SHIM_H
#include <zlib.h>
#endif
