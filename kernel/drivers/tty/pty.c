/*
 * Pseudo-terminals, as Linux's Unix 98 ptys: an open of /dev/ptmx
 * (5, 2) makes a pair, the master for the caller and the slave
 * /dev/pts/N (136, N) in devpts, locked until TIOCSPTLCK unlocks it.
 * What the master writes is the slave's input; what the slave's line
 * discipline sends out is the master's input (its discipline raw).
 *
 * Lifetime: the driver holds one reference on each tty from the open of
 * ptmx until the master's last close, which hangs the slave up (its
 * session gets SIGHUP) and removes its node; the slave holds one on its
 * master (tty_put of the slave drops it), since slave files outliving
 * the master still reach it through tty->link. The slave's last close
 * makes master reads fail with EIO once drained, until it is reopened.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#include "tty_priv.h"

#define TTYAUX_MAJOR 5
#define PTMX_MINOR 2
#define PTS_MAJOR 136
#define PTY_MAX 256 /* one major's minors */

#define TIOCGPTN 0x80045430
#define TIOCSPTLCK 0x40045431
#define TIOCGPTLCK 0x80045439
#define TIOCGPTPEER 0x5441

static DEFINE_SPINLOCK(pty_lock, LOCK_RANK_NONE);
static void slave_reopened(struct tty *slave);
static struct tty *slaves[PTY_MAX]; /* by index, until the master closes */

static int index_alloc(void)
{
	unsigned long flags = spin_lock_irqsave(&pty_lock);
	int index = -ENOSPC;

	for (int i = 0; i < PTY_MAX; i++) {
		if (!slaves[i]) {
			slaves[i] = (struct tty *)1; /* taken, being made */
			index = i;
			break;
		}
	}
	spin_unlock_irqrestore(&pty_lock, flags);
	return index;
}

static void index_set(int index, struct tty *slave)
{
	unsigned long flags = spin_lock_irqsave(&pty_lock);

	slaves[index] = slave;
	spin_unlock_irqrestore(&pty_lock, flags);
}

/* ---- the two sides' operations ----------------------------------------- */

/* Either side's output is the other side's input. */
static size_t pty_write(struct tty *tty, const char *buf, size_t n)
{
	return tty_receive(tty->link, buf, n);
}

static void slave_close(struct tty *slave)
{
	struct tty *master = slave->link;
	unsigned long flags = spin_lock_irqsave(&master->lock);

	master->other_closed = true;
	spin_unlock_irqrestore(&master->lock, flags);
	wake_up_all(&master->read_wq);
	wake_up_all(&master->write_wq);
}

static void master_close(struct tty *master)
{
	struct tty *slave = master->link;

	tty_hangup(slave);
	devpts_remove((unsigned int)slave->index);
	index_set(slave->index, NULL);
	tty_put(slave); /* the driver's references */
	tty_put(master);
}

static long master_ioctl(struct tty *master, unsigned int cmd, uintptr_t arg)
{
	struct tty *slave = master->link;
	struct file *f;
	int lock, fd;

	switch (cmd) {
	case TIOCGPTN:
		return put_user((uint32_t)slave->index, arg);
	case TIOCSPTLCK:
		if (get_user(lock, arg))
			return -EFAULT;
		slave->pty_locked = lock != 0;
		return 0;
	case TIOCGPTLCK:
		return put_user((int)slave->pty_locked, arg);
	case TIOCGPTPEER:
		/* The slave without a path lookup (a container's safe way). */
		if (arg &
		    ~(uintptr_t)(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC))
			return -EINVAL;
		if (slave->pty_locked)
			return -EIO;
		f = tty_open_file(slave, (unsigned int)arg);
		if (!f)
			return -ENOMEM;
		slave_reopened(slave);
		tty_open_ctty(slave, f);
		fd = fd_install(f, 0, arg & O_CLOEXEC);
		if (fd < 0)
			file_put(f);
		return fd;
	default:
		return -ENOTTY;
	}
}

static const struct tty_ops master_ops = {
	.write = pty_write,
	.ioctl = master_ioctl,
	.close = master_close,
};

static const struct tty_ops slave_ops = {
	.write = pty_write,
	.close = slave_close,
};

/* A new open of the slave: master reads wait for it again. */
static void slave_reopened(struct tty *slave)
{
	struct tty *master = slave->link;
	unsigned long flags = spin_lock_irqsave(&master->lock);

	master->other_closed = false;
	spin_unlock_irqrestore(&master->lock, flags);
}

/* ---- opening ------------------------------------------------------------ */

/* The master's settings: raw, as Linux's (no echo, no processing). */
static void set_raw(struct tty *master)
{
	struct termios_k t = master->ld.termios;

	t.c_iflag = 0;
	t.c_oflag = 0;
	t.c_cflag = B38400 | CS8 | CREAD;
	t.c_lflag = 0;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	ldisc_set_termios(&master->ld, &t);
}

static int make_pair(int index, struct tty **out_master)
{
	char name[TTY_NAME_MAX];
	struct tty *master, *slave;

	snprintf(name, sizeof(name), "pts/%d", index);
	master = tty_create("ptmx", MKDEV(TTYAUX_MAJOR, PTMX_MINOR),
			    &master_ops, NULL);
	slave = tty_create(name, MKDEV(PTS_MAJOR, index), &slave_ops, NULL);
	if (!master || !slave) {
		tty_put(master);
		tty_put(slave);
		return -ENOMEM;
	}
	set_raw(master);
	master->is_master = true;
	master->link = slave;
	master->index = slave->index = index;
	slave->link = master;
	slave->pty_locked = true;
	tty_get(master); /* the slave's, dropped with it */
	*out_master = master;
	return 0;
}

static int ptmx_open(struct inode *in, struct file *f)
{
	struct tty *master = NULL;
	int index = index_alloc(), err;

	(void)in;
	if (index < 0)
		return index;
	err = make_pair(index, &master);
	if (!err) {
		err = devpts_add((unsigned int)index, MKDEV(PTS_MAJOR, index));
		if (err) {
			tty_put(master->link); /* the slave, then its ref */
			tty_put(master);
		}
	}
	if (err) {
		index_set(index, NULL);
		return err;
	}
	index_set(index, master->link);
	err = tty_attach_file(master, f);
	if (err)
		master_close(master);
	return err;
}

static int pts_open(struct inode *in, struct file *f)
{
	unsigned int index = MINOR(in->rdev);
	unsigned long flags = spin_lock_irqsave(&pty_lock);
	struct tty *slave = slaves[index];
	int err = 0;

	if (slave == (struct tty *)1)
		slave = NULL;
	if (slave)
		tty_get(slave);
	spin_unlock_irqrestore(&pty_lock, flags);
	if (!slave)
		return -EIO; /* a stale node: its master is gone */
	if (slave->pty_locked || slave->hung_up)
		err = -EIO;
	if (!err)
		err = tty_attach_file(slave, f);
	if (!err) {
		slave_reopened(slave);
		tty_open_ctty(slave, f);
	}
	tty_put(slave);
	return err;
}

static const struct file_ops ptmx_fops = {.open = ptmx_open};
static const struct file_ops pts_fops = {.open = pts_open};

void pty_init(void)
{
	int err =
		chardev_register(TTYAUX_MAJOR, PTMX_MINOR, &ptmx_fops, "ptmx");

	if (!err)
		err = chardev_register(PTS_MAJOR, -1, &pts_fops, "pts");
	if (!err)
		err = devtmpfs_create("ptmx", S_IFCHR | 0666,
				      MKDEV(TTYAUX_MAJOR, PTMX_MINOR));
	if (err)
		klog(KLOG_WARN, "pty: not available (%d)\n", err);
}
