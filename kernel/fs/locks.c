/*
 * Advisory file locks: POSIX record locks (fcntl F_SETLK...), their
 * open-file-description form (F_OFD_SETLK...) and flock(2), as Linux
 * keeps them.
 *
 * A lock covers a byte range [start, end] of an inode and is read
 * (shared) or write (exclusive). It belongs to an owner: for POSIX
 * locks the descriptor table (struct files: one process and its
 * CLONE_FILES threads), for OFD locks and flocks the open file. Locks of
 * one owner never conflict with each other; a new POSIX lock replaces
 * the owner's locks on the range it covers, splitting them, and merges
 * with its neighbours of the same type. flocks conflict only with
 * flocks, POSIX and OFD locks only with each other.
 *
 * Release: a process's POSIX locks on a file go when it closes any of
 * its descriptors of that file (POSIX's rule); OFD locks and flocks go
 * with the last close of the open file.
 *
 * A blocking request (F_SETLKW, flock without LOCK_NB) sleeps until a
 * lock goes, then tries again; a POSIX request that would wait for an
 * owner that waits (transitively) for it fails with EDEADLK.
 *
 * Lock: locks_mutex guards every inode's list and the list of blocked
 * requests; waiters sleep on locks_wq, woken at each removal.
 */
#include <kernel/errno.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <kernel/signal.h>

#include "fs_priv.h"

#define DEADLOCK_DEPTH 16

struct file_lock {
	struct list_head link; /* in inode->locks */
	uint64_t start, end;   /* inclusive, at most LOCK_OFFSET_MAX */
	int type;	       /* F_RDLCK, F_WRLCK */
	int kind;	       /* LOCK_KIND_* */
	const void *owner;
	int pid; /* for F_GETLK; -1 for OFD locks */
};

/* A POSIX request asleep, for the deadlock check. */
struct blocked {
	struct list_head link;
	const void *owner;
	struct inode *inode;
	struct file_lock want;
};

static struct mutex locks_mutex = MUTEX_INIT(locks_mutex, "file locks");
static struct wait_queue locks_wq = WAIT_QUEUE_INIT(locks_wq);
static struct list_head blocked_list = LIST_HEAD_INIT(blocked_list);
static uint64_t generation; /* bumped at each removal (locks_mutex) */

static bool same_class(int a, int b)
{
	return (a == LOCK_KIND_FLOCK) == (b == LOCK_KIND_FLOCK);
}

static bool overlap(const struct file_lock *a, const struct file_lock *b)
{
	return a->start <= b->end && b->start <= a->end;
}

static bool conflicts(const struct file_lock *held,
		      const struct file_lock *want)
{
	return held->owner != want->owner &&
	       same_class(held->kind, want->kind) && overlap(held, want) &&
	       (held->type == F_WRLCK || want->type == F_WRLCK);
}

static struct file_lock *find_conflict(struct inode *in,
				       const struct file_lock *want)
{
	struct file_lock *l;

	list_for_each_entry(l, &in->locks, link)
	{
		if (conflicts(l, want))
			return l;
	}
	return NULL;
}

static void removed(void)
{
	generation++;
	wake_up_all(&locks_wq);
}

/* Would waiting for holder close a cycle back to me (owner)? */
static bool would_deadlock(const void *me, const struct file_lock *holder)
{
	for (int i = 0; i < DEADLOCK_DEPTH && holder; i++) {
		struct blocked *b, *found = NULL;

		if (holder->owner == me)
			return true;
		list_for_each_entry(b, &blocked_list, link)
		{
			if (b->owner == holder->owner) {
				found = b;
				break;
			}
		}
		if (!found)
			return false;
		holder = find_conflict(found->inode, &found->want);
	}
	return false;
}

/* Ends are at most LOCK_OFFSET_MAX, so end + 1 does not wrap. */
static bool adjacent_or_overlapping(const struct file_lock *l, uint64_t s,
				    uint64_t e)
{
	return l->start <= e + 1 && s <= l->end + 1;
}

/* Is l one of the locks of want's owner, of want's class? */
static bool same_owner(const struct file_lock *l, const struct file_lock *want)
{
	return l->owner == want->owner && same_class(l->kind, want->kind);
}

/*
 * Where a new lock nl goes (list_add after the node returned). An
 * owner's locks stay together and in order of start, as in Linux's
 * list, because F_GETLK reports the first conflicting lock: before the
 * first of them that starts after nl, else after the last; when the
 * owner has none left, where its merged or replaced ones were (after
 * anchor), else at the end.
 */
static struct list_head *insert_point(struct inode *in,
				      const struct file_lock *nl,
				      struct list_head *anchor)
{
	struct list_head *after = anchor ? anchor : in->locks.prev;
	struct file_lock *l;

	list_for_each_entry(l, &in->locks, link)
	{
		if (!same_owner(l, nl))
			continue;
		if (l->start > nl->start)
			return l->link.prev;
		after = &l->link;
	}
	return after;
}

/*
 * Make want the owner's state on its range (F_UNLCK: none), splitting
 * and merging the owner's locks. spare: a preallocated lock for a split
 * in two, and one for want itself; used ones are set to NULL.
 */
static void apply(struct inode *in, struct file_lock *want,
		  struct file_lock **spare, struct file_lock **fresh)
{
	uint64_t s = want->start, e = want->end;
	struct list_head *anchor = NULL;
	struct file_lock *l, *n;
	bool any_removed = false;

	list_for_each_entry_safe(l, n, &in->locks, link)
	{
		if (!same_owner(l, want))
			continue;
		if (!anchor) /* not the owner's: stays */
			anchor = l->link.prev;
		if (l->type == want->type && adjacent_or_overlapping(l, s, e)) {
			s = MIN(s, l->start);
			e = MAX(e, l->end);
			list_del(&l->link);
			kfree(l);
			continue;
		}
		if (!overlap(l, want))
			continue;
		any_removed = true;
		if (l->start < want->start && l->end > want->end) {
			struct file_lock *right = *spare;

			*spare = NULL;
			*right = *l;
			right->start = want->end + 1;
			list_add(&right->link, &l->link);
			l->end = want->start - 1;
		} else if (l->start < want->start) {
			l->end = want->start - 1;
		} else if (l->end > want->end) {
			l->start = want->end + 1;
		} else {
			list_del(&l->link);
			kfree(l);
		}
	}
	if (want->type != F_UNLCK) {
		struct file_lock *nl = *fresh;

		*fresh = NULL;
		*nl = *want;
		nl->start = s;
		nl->end = e;
		list_add(&nl->link, insert_point(in, nl, anchor));
	}
	if (any_removed || want->type == F_UNLCK || want->type == F_RDLCK)
		removed(); /* a downgrade may let readers in */
}

/*
 * flock(2) changes a lock by dropping the old one first ("not guaranteed
 * to be atomic", its manual says), so that a conversion that fails under
 * LOCK_NB leaves none, as on Linux. True when the owner already holds
 * the type wanted: nothing to do.
 */
static bool flock_drop_old(struct inode *in, const struct file_lock *want)
{
	struct file_lock *l;

	list_for_each_entry(l, &in->locks, link)
	{
		if (l->kind != LOCK_KIND_FLOCK || l->owner != want->owner)
			continue;
		if (l->type == want->type)
			return true;
		list_del(&l->link);
		kfree(l);
		removed();
		return false;
	}
	return false;
}

int locks_set(struct inode *in, struct file_lock_req *req, bool wait)
{
	struct file_lock want = {
		.start = req->start,
		.end = req->end,
		.type = req->type,
		.kind = req->kind,
		.owner = req->owner,
		.pid = req->kind == LOCK_KIND_OFD ? -1 : current_proc()->pid,
	};
	struct file_lock *spare = kmalloc(sizeof(*spare));
	struct file_lock *fresh = kmalloc(sizeof(*fresh));
	struct blocked b = {.owner = want.owner, .inode = in, .want = want};
	int err = spare && fresh ? 0 : -ENOLCK;

	mutex_lock(&locks_mutex);
	bool held = !err && want.kind == LOCK_KIND_FLOCK &&
		    flock_drop_old(in, &want);
	while (!err && !held) {
		struct file_lock *c =
			want.type == F_UNLCK ? NULL : find_conflict(in, &want);
		uint64_t gen = generation;

		if (!c) {
			apply(in, &want, &spare, &fresh);
			break;
		}
		if (!wait) {
			err = -EAGAIN;
			break;
		}
		if (want.kind == LOCK_KIND_POSIX &&
		    would_deadlock(want.owner, c)) {
			err = -EDEADLK;
			break;
		}
		list_add_tail(&b.link, &blocked_list);
		mutex_unlock(&locks_mutex);
		err = wait_event_interruptible(
			locks_wq,
			__atomic_load_n(&generation, __ATOMIC_ACQUIRE) != gen);
		mutex_lock(&locks_mutex);
		list_del(&b.link);
		if (err)
			err = -ERESTARTSYS;
	}
	mutex_unlock(&locks_mutex);
	kfree(spare);
	kfree(fresh);
	return err;
}

int locks_test(struct inode *in, struct file_lock_req *req)
{
	struct file_lock want = {
		.start = req->start,
		.end = req->end,
		.type = req->type,
		.kind = req->kind,
		.owner = req->owner,
	};
	struct file_lock *c;

	mutex_lock(&locks_mutex);
	c = find_conflict(in, &want);
	if (c) {
		req->type = c->type;
		req->start = c->start;
		req->end = c->end;
		req->pid = c->kind == LOCK_KIND_OFD ? -1 : c->pid;
	} else {
		req->type = F_UNLCK;
	}
	mutex_unlock(&locks_mutex);
	return 0;
}

/* Remove the locks of owner (of kinds in mask) from in. */
static void remove_owned(struct inode *in, const void *owner,
			 unsigned int kinds)
{
	struct file_lock *l, *n;
	bool any = false;

	mutex_lock(&locks_mutex);
	list_for_each_entry_safe(l, n, &in->locks, link)
	{
		if (l->owner == owner && (kinds & (1u << l->kind))) {
			list_del(&l->link);
			kfree(l);
			any = true;
		}
	}
	if (any)
		removed();
	mutex_unlock(&locks_mutex);
}

void locks_remove_posix(struct inode *in, const void *owner)
{
	if (in && !list_empty(&in->locks))
		remove_owned(in, owner, 1u << LOCK_KIND_POSIX);
}

void locks_release_file(struct file *f)
{
	if (f->inode && !list_empty(&f->inode->locks))
		remove_owned(f->inode, f,
			     1u << LOCK_KIND_OFD | 1u << LOCK_KIND_FLOCK);
}
