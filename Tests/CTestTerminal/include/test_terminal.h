// Pseudo-terminals for the prompt tests. posix_openpt and friends sit behind feature macros that Swift's Glibc
// module does not enable, and setting the window size needs ioctl, which is variadic: both are done here in C.
#ifndef TEAMCHAT_TEST_TERMINAL_H
#define TEAMCHAT_TEST_TERMINAL_H

#include <stddef.h>

/// Opens a pseudo-terminal of `rows` x `columns`. Returns the controlling side's descriptor and writes the
/// terminal side's path to `name`; -1 on failure.
int teamchat_open_pty(char *name, size_t capacity, unsigned short rows, unsigned short columns);

#endif
