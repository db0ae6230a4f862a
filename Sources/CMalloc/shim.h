// glibc's malloc tuning (mallopt), which the Glibc module leaves out: a client command asks for one malloc arena.
#if defined(__linux__) && __has_include(<malloc.h>)
#include <malloc.h>
#endif
