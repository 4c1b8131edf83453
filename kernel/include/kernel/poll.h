/*
 * Readiness of files (poll, select, epoll): a file's poll operation
 * (struct file_ops) returns the POLL* events ready now and, given a
 * poll_table, registers the wait queues on which it will signal a
 * change, with poll_wait. The poll calls (kernel/fs/poll.c) sleep until
 * one of those queues is woken, then ask again.
 */
#ifndef KERNEL_POLL_H
#define KERNEL_POLL_H

#include <kernel/sched.h>

#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define POLLMSG 0x0400
#define POLLRDHUP 0x2000

struct poll_table {
	void (*queue)(struct poll_table *pt, struct wait_queue *wq);
};

/* Register wq as a queue whose wake-up may change f's readiness. */
static inline void poll_wait(struct wait_queue *wq, struct poll_table *pt)
{
	if (pt && pt->queue)
		pt->queue(pt, wq);
}

#endif
