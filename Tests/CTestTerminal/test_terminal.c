#define _GNU_SOURCE  // posix_openpt, grantpt, unlockpt, ptsname_r
#include "test_terminal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int teamchat_open_pty(char *name, size_t capacity, unsigned short rows, unsigned short columns) {
    int controller = posix_openpt(O_RDWR | O_NOCTTY);
    if (controller < 0) return -1;
    if (grantpt(controller) != 0 || unlockpt(controller) != 0 || ptsname_r(controller, name, capacity) != 0) {
        close(controller);
        return -1;
    }
    struct winsize size = {.ws_row = rows, .ws_col = columns};
    ioctl(controller, TIOCSWINSZ, &size);
    return controller;
}
