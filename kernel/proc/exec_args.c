/*
 * execve's arguments and environment, copied out of the old program's
 * memory before it is replaced. The total is bounded as Linux bounds it
 * (a quarter of RLIMIT_STACK, at least 128 KiB, and each string 128 KiB):
 * beyond that execve fails with E2BIG and the old program goes on.
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/vm.h>

#include "exec_priv.h"

#define ARG_MIN (128 * 1024)
#define ARG_MAX_CAP (6 * MiB) /* 3/4 of the 8 MiB stack that starts */

int exec_args_init(struct exec_args *a)
{
	struct proc *p = current_proc();
	uint64_t stack = p ? p->rlim[RLIMIT_STACK].cur : 8 * MiB;

	a->limit = MAX(ARG_MIN, MIN(stack / 4, ARG_MAX_CAP));
	a->buf = vmalloc(a->limit);
	a->len = 0;
	a->argc = a->envc = 0;
	return a->buf ? 0 : -ENOMEM;
}

void exec_args_free(struct exec_args *a)
{
	vfree(a->buf);
	a->buf = NULL;
}

static int append(struct exec_args *a, uintptr_t ustr)
{
	size_t room = MIN(a->limit - a->len, MAX_ARG_STRLEN);
	long n;

	if (!room)
		return -E2BIG;
	n = strncpy_from_user(a->buf + a->len, ustr, room);
	if (n == -ENAMETOOLONG)
		return -E2BIG;
	if (n < 0)
		return (int)n;
	a->len += (size_t)n + 1;
	return 0;
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

	if (n > MAX_ARG_STRLEN || n > a->limit - a->len)
		return -E2BIG;
	memcpy(a->buf + a->len, s, n);
	a->len += n;
	if (env)
		a->envc++;
	else
		a->argc++;
	return 0;
}

/* argv[0] out, then interp [arg] path in front: room permitting. */
int exec_args_script(struct exec_args *a, const char *interp,
		     const char *arg, const char *path)
{
	size_t first = a->argc ? strlen(a->buf) + 1 : 0;
	size_t li = strlen(interp) + 1, la = arg ? strlen(arg) + 1 : 0;
	size_t lp = strlen(path) + 1, add = li + la + lp;

	if (a->len - first + add > a->limit)
		return -E2BIG;
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
