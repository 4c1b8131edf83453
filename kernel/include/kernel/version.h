/* The kernel's name, version and architecture, as the boot banner shows. */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H

#define RASTOS_NAME "rastOS"
#define RASTOS_VERSION "0.1.0"
#define RASTOS_ARCH "x86_64"

#endif
