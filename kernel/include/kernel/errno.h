/* Error numbers: Linux's values, shared with rastboot (<rastos/errno.h>). */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#include <rastos/errno.h>

#endif
