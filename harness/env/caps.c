#include "env/caps.h"

#include <linux/capability.h>

#define CAP(c) { c, #c }
const struct cap_name caps_docker[] = {
    CAP(CAP_CHOWN), CAP(CAP_DAC_OVERRIDE), CAP(CAP_FSETID), CAP(CAP_FOWNER), CAP(CAP_MKNOD),
    CAP(CAP_NET_RAW), CAP(CAP_SETGID), CAP(CAP_SETUID), CAP(CAP_SETFCAP), CAP(CAP_SETPCAP),
    CAP(CAP_NET_BIND_SERVICE), CAP(CAP_SYS_CHROOT), CAP(CAP_KILL), CAP(CAP_AUDIT_WRITE),
};
const int caps_ndocker = (int)(sizeof caps_docker / sizeof caps_docker[0]);
