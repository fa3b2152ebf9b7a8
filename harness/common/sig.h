/* sig.h - SIGINT/SIGTERM turn into a flag the long-running loops check, so
 * every owner gets to tear its resources down before the process exits. */
#ifndef VB_SIG_H
#define VB_SIG_H

#include <signal.h>

extern volatile sig_atomic_t sig_stop;   /* signal number, 0 while running */

/* Install the handlers (no SA_RESTART: blocking calls return EINTR). */
void sig_install(void);

#endif
