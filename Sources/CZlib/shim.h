#ifndef MOCKROUTER_CZLIB_SHIM_H
#define MOCKROUTER_CZLIB_SHIM_H
#include <zlib.h>

/* deflateInit2 / inflateInit2 are macros, which Swift cannot call: wrap them. */
static inline int mockrouter_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

static inline int mockrouter_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
#endif
