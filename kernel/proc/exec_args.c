/*
 * execve's arguments and environment, copied out of the old program's
 * memory before it is replaced. The total is bounded as Linux bounds it
 * (a quarter of RLIMIT_STACK, at least 128 KiB, and each string 128 KiB):
 * beyond that execve fails with E2BIG and the old program goes on.
 *
 * The buffer starts at a page and doubles as needed: most programs get a
 * few hundred bytes, and a buffer of the whole limit (2 MiB and more)
 * would cost every execve far more than the rest of it.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/vm.h>

#include "exec_priv.h"

#define ARG_MIN (128 * 1024)
#define ARG_MAX_CAP (6 * MiB) /* 3/4 of the 8 MiB stack that starts */

static char *buf_alloc(size_t size)
{
	return size <= KMALLOC_MAX ? kmalloc(size) : vmalloc(size);
}

static void buf_free(char *buf, size_t size)
{
	if (size <= KMALLOC_MAX)
		kfree(buf);
	else
		vfree(buf);
}

int exec_args_init(struct exec_args *a)
{
	struct proc *p = current_proc();
	uint64_t stack = p ? p->rlim[RLIMIT_STACK].cur : 8 * MiB;

	a->limit = MAX(ARG_MIN, MIN(stack / 4, ARG_MAX_CAP));
	a->cap = PAGE_SIZE;
	a->buf = buf_alloc(a->cap);
	a->len = 0;
	a->argc = a->envc = 0;
	return a->buf ? 0 : -ENOMEM;
}

void exec_args_free(struct exec_args *a)
{
	if (a->buf)
		buf_free(a->buf, a->cap);
	a->buf = NULL;
}

/* Room for need bytes in all (need <= limit): 0 or -ENOMEM. */
static int reserve(struct exec_args *a, size_t need)
{
	size_t cap = a->cap;
	char *buf;

	if (need <= cap)
		return 0;
	while (cap < need)
		cap *= 2;
	cap = MIN(cap, a->limit);
	buf = buf_alloc(cap);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, a->buf, a->len);
	buf_free(a->buf, a->cap);
	a->buf = buf;
	a->cap = cap;
	return 0;
}

/* Copy the user string at ustr to the end; the buffer grows until it fits. */
static int append(struct exec_args *a, uintptr_t ustr)
{
	size_t room = MIN(a->limit - a->len, MAX_ARG_STRLEN);

	if (!room)
		return -E2BIG;
	for (;;) {
		size_t fits = MIN(room, a->cap - a->len);
		long n = fits ? strncpy_from_user(a->buf + a->len, ustr, fits)
			      : -ENAMETOOLONG;
		int err;

		if (n >= 0) {
			a->len += (size_t)n + 1;
			return 0;
		}
		if (n != -ENAMETOOLONG)
			return (int)n;
		if (fits == room)
			return -E2BIG;
		err = reserve(a, MIN(a->limit, a->cap + 1));
		if (err)
			return err;
	}
}

int exec_args_copy_user(struct exec_args *a, uintptr_t uvec, bool env)
{
	for (unsigned int i = 0; uvec; i++) {
		uintptr_t ustr;
		int err;

		if (i >= 0x7fffffff / 8)
			return -E2BIG;
		if (get_user(ustr, uvec + i * sizeof(ustr)))
			return -EFAULT;
		if (!ustr)
			break;
		err = append(a, ustr);
		if (err)
			return err;
		/* The pointers take stack room too. */
		if ((size_t)(a->argc + a->envc + 2) * 8 > a->limit - a->len)
			return -E2BIG;
		if (env)
			a->envc++;
		else
			a->argc++;
	}
	return 0;
}

int exec_args_add_kernel(struct exec_args *a, const char *s, bool env)
{
	size_t n = strlen(s) + 1;

	int err;

	if (n > MAX_ARG_STRLEN || n > a->limit - a->len)
		return -E2BIG;
	err = reserve(a, a->len + n);
	if (err)
		return err;
	memcpy(a->buf + a->len, s, n);
	a->len += n;
	if (env)
		a->envc++;
	else
		a->argc++;
	return 0;
}

/* argv[0] out, then interp [arg] path in front: room permitting. */
int exec_args_script(struct exec_args *a, const char *interp, const char *arg,
		     const char *path)
{
	size_t first = a->argc ? strlen(a->buf) + 1 : 0;
	size_t li = strlen(interp) + 1, la = arg ? strlen(arg) + 1 : 0;
	size_t lp = strlen(path) + 1, add = li + la + lp;
	int err;

	if (a->len - first + add > a->limit)
		return -E2BIG;
	err = reserve(a, a->len - first + add);
	if (err)
		return err;
	memmove(a->buf + add, a->buf + first, a->len - first);
	a->len = a->len - first + add;
	if (first)
		a->argc--;
	memcpy(a->buf, interp, li);
	if (arg)
		memcpy(a->buf + li, arg, la);
	memcpy(a->buf + li + la, path, lp);
	a->argc += arg ? 3 : 2;
	return 0;
}
