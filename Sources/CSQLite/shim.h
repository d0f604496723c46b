#ifndef SCOPEDOWN_CSQLITE_SHIM_H
#define SCOPEDOWN_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
