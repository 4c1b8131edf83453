/*
 * AF_UNIX names: a file name binds a socket to an S_IFSOCK node made in
 * the file tree (connect finds the socket through the node's inode); a
 * name starting with a NUL byte is abstract, in a table of its own (all
 * its bytes count, up to the address length); an address of the family
 * alone autobinds: an abstract name of five hex digits is picked.
 *
 * unix_names_lock guards the table, inode->socket and each socket's
 * addr once set. Lookups take a reference on the socket found.
 */
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/string.h>

#include "af_unix.h"

#define SUN_PATH_OFF 2 /* offsetof(struct sockaddr_un, sun_path) */

static struct mutex unix_names_lock = MUTEX_INIT(unix_names_lock, "unix names");
static struct list_head abstract_names = LIST_HEAD_INIT(abstract_names);
static unsigned int autobind_next;

void unix_addr_put(struct unix_addr *a)
{
	if (a && !__atomic_sub_fetch(&a->refcount, 1, __ATOMIC_ACQ_REL))
		kfree(a);
}

/* Check the address of a bind or destination: 0 or -EINVAL. */
static int addr_check(const void *addr, size_t len)
{
	const struct sockaddr_un_k *sa = addr;

	if (len <= SUN_PATH_OFF || len > sizeof(*sa))
		return -EINVAL;
	if (sa->family != AF_UNIX)
		return -EINVAL;
	return 0;
}

int unix_check_addr(const void *addr, size_t len)
{
	return addr_check(addr, len);
}

/* A unix_addr for the bytes of addr (len checked): abstract or a path
 * (which then ends at its first NUL, as Linux reads it). */
static struct unix_addr *addr_new(const void *addr, size_t len)
{
	struct unix_addr *a = kzalloc(sizeof(*a));
	const struct sockaddr_un_k *sa = addr;

	if (!a)
		return NULL;
	a->refcount = 1;
	a->sa.family = AF_UNIX;
	a->abstract = sa->path[0] == 0;
	if (a->abstract) {
		memcpy(a->sa.path, sa->path, len - SUN_PATH_OFF);
		a->len = len;
	} else {
		size_t n = strnlen(sa->path, len - SUN_PATH_OFF);

		memcpy(a->sa.path, sa->path, n);
		a->len = SUN_PATH_OFF + n + 1;
		if (a->len > sizeof(a->sa))
			a->len = sizeof(a->sa); /* no room for the NUL */
	}
	return a;
}

static bool same_abstract(const struct unix_addr *a, const struct unix_addr *b)
{
	return a->len == b->len &&
	       !memcmp(a->sa.path, b->sa.path, a->len - SUN_PATH_OFF);
}

/* The socket of type bound to abstract name a, or NULL (names lock
 * held). As in Linux, sockets of different types may share a name. */
static struct unix_sock *abstract_find(const struct unix_addr *a, int type)
{
	struct unix_sock *u;

	list_for_each_entry(u, &abstract_names, link)
	{
		if (u->type == type && same_abstract(u->addr, a))
			return u;
	}
	return NULL;
}

/* Bind u to abstract name a (taken): 0, -EINVAL (bound), -EADDRINUSE. */
static int bind_abstract(struct unix_sock *u, struct unix_addr *a)
{
	int err = 0;

	mutex_lock(&unix_names_lock);
	if (u->addr)
		err = -EINVAL;
	else if (abstract_find(a, u->type))
		err = -EADDRINUSE;
	if (!err) {
		u->addr = a;
		list_add_tail(&u->link, &abstract_names);
	}
	mutex_unlock(&unix_names_lock);
	if (err)
		unix_addr_put(a);
	return err;
}

int unix_autobind(struct unix_sock *u)
{
	struct unix_addr *a = kzalloc(sizeof(*a));
	int err = 0;

	if (!a)
		return -ENOMEM;
	a->refcount = 1;
	a->abstract = true;
	a->sa.family = AF_UNIX;
	a->len = SUN_PATH_OFF + 6;
	mutex_lock(&unix_names_lock);
	if (u->addr) { /* bound already: nothing to do */
		mutex_unlock(&unix_names_lock);
		kfree(a);
		return 0;
	}
	for (unsigned int tries = 0;; tries++) {
		unsigned int n = autobind_next++ & 0xfffff;

		if (tries > 0xfffff) {
			err = -ENOSPC;
			break;
		}
		for (int i = 0; i < 5; i++)
			a->sa.path[1 + i] =
				"0123456789abcdef"[n >> (16 - 4 * i) & 0xf];
		if (!abstract_find(a, u->type))
			break;
	}
	if (!err) {
		u->addr = a;
		list_add_tail(&u->link, &abstract_names);
	}
	mutex_unlock(&unix_names_lock);
	if (err)
		kfree(a);
	return err;
}

/* Bind u to a file name: make the node, then claim it. */
static int bind_path(struct unix_sock *u, struct unix_addr *a)
{
	struct inode *in;
	int err;

	if (__atomic_load_n(&u->addr, __ATOMIC_ACQUIRE)) {
		/* Bound already: Linux's errors without leaving a node. */
		err = path_lookup(AT_FDCWD, a->sa.path, true, &in);
		if (!err)
			inode_put(in);
		unix_addr_put(a);
		return err ? -EINVAL : -EADDRINUSE;
	}
	err = vfs_mknod_socket(a->sa.path, 0777, &in);
	if (err == -EEXIST)
		err = -EADDRINUSE;
	if (!err) {
		mutex_lock(&unix_names_lock);
		if (u->addr) {
			err = -EINVAL; /* bound by another thread meanwhile */
		} else {
			u->addr = a;
			u->inode = in;
			in->socket = u;
		}
		mutex_unlock(&unix_names_lock);
		if (err)
			inode_put(in);
	}
	if (err)
		unix_addr_put(a);
	return err;
}

int unix_bind(struct socket *sock, const void *addr, size_t len)
{
	const struct sockaddr_un_k *sa = addr;
	struct unix_sock *u = unix_of(sock);
	struct unix_addr *a;

	if (len == SUN_PATH_OFF && sa->family == AF_UNIX)
		return unix_autobind(u);
	if (addr_check(addr, len))
		return -EINVAL;
	a = addr_new(addr, len);
	if (!a)
		return -ENOMEM;
	return a->abstract ? bind_abstract(u, a) : bind_path(u, a);
}

void unix_unbind(struct unix_sock *u)
{
	mutex_lock(&unix_names_lock);
	if (u->addr && u->addr->abstract && !list_empty(&u->link))
		list_del(&u->link);
	if (u->inode && u->inode->socket == u)
		u->inode->socket = NULL;
	mutex_unlock(&unix_names_lock);
}

static int find_path(const struct unix_addr *a, struct unix_sock **out)
{
	struct inode *in;
	int err = path_lookup(AT_FDCWD, a->sa.path, false, &in);

	if (err)
		return err;
	err = inode_permission(in, 2);
	if (!err && !S_ISSOCK(in->mode))
		err = -ECONNREFUSED;
	if (!err) {
		mutex_lock(&unix_names_lock);
		*out = in->socket;
		if (*out)
			unix_get(*out);
		else
			err = -ECONNREFUSED;
		mutex_unlock(&unix_names_lock);
	}
	inode_put(in);
	return err;
}

static int find_abstract(const struct unix_addr *a, int type,
			 struct unix_sock **out)
{
	int err = 0;

	mutex_lock(&unix_names_lock);
	*out = abstract_find(a, type);
	if (*out)
		unix_get(*out);
	else
		err = -ECONNREFUSED;
	mutex_unlock(&unix_names_lock);
	return err;
}

int unix_find(const void *addr, size_t len, int type, struct unix_sock **out)
{
	struct unix_addr *a;
	int err = addr_check(addr, len);

	*out = NULL;
	if (err)
		return err;
	a = addr_new(addr, len);
	if (!a)
		return -ENOMEM;
	err = a->abstract ? find_abstract(a, type, out) : find_path(a, out);
	unix_addr_put(a);
	if (!err && (*out)->type != type) {
		unix_put(*out);
		err = -EPROTOTYPE;
	}
	if (err)
		*out = NULL;
	return err;
}

int unix_getname(struct socket *sock, void *addr, bool peer)
{
	struct unix_sock *u = unix_of(sock), *who = u;
	struct sockaddr_un_k *sa = addr;
	int len;

	mutex_lock(&u->lock);
	if (peer) {
		who = u->peer;
		if (!who) {
			mutex_unlock(&u->lock);
			return -ENOTCONN;
		}
		unix_get(who);
	}
	mutex_unlock(&u->lock);
	mutex_lock(&unix_names_lock);
	if (who->addr) {
		memcpy(sa, &who->addr->sa, who->addr->len);
		len = (int)who->addr->len;
	} else {
		sa->family = AF_UNIX;
		len = SUN_PATH_OFF;
	}
	mutex_unlock(&unix_names_lock);
	if (peer)
		unix_put(who);
	return len;
}
