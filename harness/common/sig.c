#include "common/sig.h"

#include <string.h>

volatile sig_atomic_t sig_stop;

static void on_signal(int sig)
{
    sig_stop = sig;
}

void sig_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A guest socket or child pipe closing must be an error code, not death. */
    signal(SIGPIPE, SIG_IGN);
}
