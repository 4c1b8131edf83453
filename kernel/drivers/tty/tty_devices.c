/*
 * The terminals of the machine, as Linux numbers them: tty1..tty6 (major
 * 4, minors 1-6) the virtual terminals on the screen, tty0 the one shown,
 * ttyS0 (4, 64) the serial port, /dev/tty (5, 0) the caller's controlling
 * terminal, /dev/console (5, 1) the console.
 *
 * The console is the terminal console= names on the command line
 * (ttyS0, ttyN, tty0) or, without one, a terminal of its own that writes
 * to the serial port and the screen and reads from both: rastOS's tests
 * read the serial port, its users look at the screen. Input goes to the
 * terminal it belongs to (the VT shown, the serial port) if that one is
 * open, else to the console.
 *
 * The input handlers of the keyboard and the serial port are taken over
 * at the first open of a terminal: before that (and when no user space
 * runs) the kernel monitor reads them.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/serial.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/vt.h>

#include "tty_priv.h"

#define TTY_MAJOR 4
#define TTYAUX_MAJOR 5
#define SERIAL_MINOR 64
#define SERIAL_PORTS 4

#define VT_OPENQRY 0x5600
#define VT_GETMODE 0x5601
#define VT_SETMODE 0x5602
#define VT_GETSTATE 0x5603
#define VT_ACTIVATE 0x5606
#define VT_WAITACTIVE 0x5607
#define KDGKBTYPE 0x4b33
#define KDGETMODE 0x4b3b
#define KDSETMODE 0x4b3a
#define KDGKBMODE 0x4b44
#define KDSKBMODE 0x4b45
#define KB_101 0x02
#define K_UNICODE 0x03

static struct tty *vts[VT_COUNT];
static struct tty *serial_tty;
static struct tty *console; /* one of the above, or the combined one */
static bool console_combined;
static int open_devices; /* of the ttys here: input is theirs while > 0 */
static struct mutex input_lock = MUTEX_INIT(input_lock, "tty input");

static bool open_now(struct tty *tty)
{
	return tty && __atomic_load_n(&tty->opens, __ATOMIC_ACQUIRE) > 0;
}

/* Input for tty, or the console when tty is not open. */
static void route(struct tty *tty, const char *buf, size_t n)
{
	if (open_now(tty))
		tty_receive(tty, buf, n);
	else if (console_combined && open_now(console))
		tty_receive(console, buf, n);
}

static void vt_input(int vt, const char *buf, size_t n, void *ctx)
{
	(void)ctx;
	route(vt >= 0 && vt < VT_COUNT ? vts[vt] : NULL, buf, n);
}

static void serial_input(const char *buf, size_t n)
{
	route(serial_tty, buf, n);
}

/*
 * The keyboard and the serial port feed the terminals while one of them
 * is open, and the kernel monitor otherwise (no init, or init gone).
 */
static int take_input(struct tty *tty)
{
	(void)tty;
	mutex_lock(&input_lock);
	if (open_devices++ == 0) {
		vt_set_input(vt_input, NULL);
		serial_set_input(serial_input);
	}
	mutex_unlock(&input_lock);
	return 0;
}

static void give_input_back(struct tty *tty)
{
	(void)tty;
	mutex_lock(&input_lock);
	if (--open_devices == 0) {
		vt_set_input(NULL, NULL);
		serial_set_input(NULL);
	}
	mutex_unlock(&input_lock);
}

/* ---- the devices ---------------------------------------------------------- */

static size_t vt_tty_write(struct tty *tty, const char *buf, size_t n)
{
	vt_write((int)(uintptr_t)tty_driver_data(tty), buf, n);
	return n;
}

static int vt_tty_size(struct tty *tty, unsigned int *rows, unsigned int *cols)
{
	return vt_size((int)(uintptr_t)tty_driver_data(tty), rows, cols);
}

struct vt_stat_k {
	uint16_t active, signal, state;
};

static long vt_ioctl(struct tty *tty, unsigned int cmd, uintptr_t arg)
{
	struct vt_stat_k st;

	switch (cmd) {
	case VT_ACTIVATE:
		return arg >= 1 && arg <= (uintptr_t)vt_count()
			       ? vt_switch((int)arg - 1)
			       : -ENXIO;
	case VT_WAITACTIVE:
		return 0; /* switches happen at once */
	case VT_GETSTATE:
		st.active = (uint16_t)(vt_active() + 1);
		st.signal = 0;
		st.state = 1; /* bit n: ttyn open; tty0 always */
		for (int i = 0; i < VT_COUNT; i++)
			st.state |= open_now(vts[i]) ? 1u << (i + 1) : 0;
		return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
	case VT_OPENQRY:
		for (int i = 0; i < vt_count(); i++) {
			if (!open_now(vts[i]))
				return put_user((int)i + 1, arg);
		}
		return put_user((int)-1, arg);
	case KDGKBTYPE:
		return put_user((uint8_t)KB_101, arg);
	case KDGETMODE:
		return put_user((int)0, arg); /* KD_TEXT */
	case KDGKBMODE:
		return put_user((int)K_UNICODE, arg);
	case KDSETMODE:
	case KDSKBMODE:
	case VT_SETMODE:
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct tty_ops vt_tty_ops = {
	.write = vt_tty_write,
	.size = vt_tty_size,
	.ioctl = vt_ioctl,
	.open = take_input,
	.close = give_input_back,
};

static size_t serial_tty_write(struct tty *tty, const char *buf, size_t n)
{
	serial_write_raw(buf, n);
	return n;
}

static const struct tty_ops serial_tty_ops = {
	.write = serial_tty_write,
	.open = take_input,
	.close = give_input_back,
};

static size_t console_write_both(struct tty *tty, const char *buf, size_t n)
{
	serial_write_raw(buf, n);
	if (vt_count())
		vt_write(vt_active(), buf, n);
	return n;
}

static const struct tty_ops console_tty_ops = {
	.write = console_write_both,
	.ioctl = vt_ioctl,
	.open = take_input,
	.close = give_input_back,
};

/* ---- opening by device number ------------------------------------------ */

static struct tty *ref(struct tty *tty, int *err, int none)
{
	if (!tty) {
		*err = none;
		return NULL;
	}
	tty_get(tty);
	return tty;
}

struct tty *tty_lookup(uint32_t dev, int *err)
{
	unsigned int major = MAJOR(dev), minor = MINOR(dev);

	if (major == TTYAUX_MAJOR && minor == 0) {
		struct tty *tty = tty_current_ctty();

		*err = tty ? 0 : -ENXIO;
		return tty;
	}
	if (major == TTYAUX_MAJOR && minor == 1)
		return ref(console, err, -ENODEV);
	if (major != TTY_MAJOR)
		return ref(NULL, err, -ENXIO);
	if (minor == 0)
		return ref(vt_count() ? vts[vt_active()] : NULL, err, -ENODEV);
	if (minor <= VT_COUNT)
		return ref(vts[minor - 1], err, -ENODEV);
	if (minor >= SERIAL_MINOR && minor < SERIAL_MINOR + SERIAL_PORTS)
		return ref(minor == SERIAL_MINOR ? serial_tty : NULL, err,
			   -EIO);
	return ref(NULL, err, -ENXIO);
}

static int tty_chr_open(struct inode *in, struct file *f)
{
	int err = 0;
	struct tty *tty = tty_lookup(in->rdev, &err);

	if (!tty)
		return err;
	err = tty_attach_file(tty, f);
	/* /dev/tty, /dev/console and tty0 never become a controlling tty. */
	if (!err && in->rdev != MKDEV(TTYAUX_MAJOR, 0) &&
	    in->rdev != MKDEV(TTYAUX_MAJOR, 1) &&
	    in->rdev != MKDEV(TTY_MAJOR, 0))
		tty_open_ctty(tty, f);
	tty_put(tty);
	return err;
}

static const struct file_ops tty_chr_fops = {.open = tty_chr_open};

struct file *tty_console_open(void)
{
	return console ? tty_open_file(console, O_RDWR) : NULL;
}

/* Linux's settings: a VT at 38400 baud, the serial console at 115200. */
static void set_speed(struct tty *tty, uint32_t cflag)
{
	struct termios_k t = tty->ld.termios;

	t.c_cflag = cflag;
	ldisc_set_termios(&tty->ld, &t);
}

static void pick_console(void)
{
	const char *c = cmdline_get("console");

	if (c && !strncmp(c, "ttyS0", 5) && serial_tty) {
		console = serial_tty;
	} else if (c && !strncmp(c, "tty", 3) && c[3] >= '0' && c[3] <= '6' &&
		   vt_count()) {
		console = vts[c[3] == '0' ? vt_active() : c[3] - '1'];
	} else {
		console = tty_create("console", MKDEV(TTYAUX_MAJOR, 1),
				     &console_tty_ops, NULL);
		console_combined = console != NULL;
		if (console)
			set_speed(console,
				  B115200 | CS8 | CREAD | HUPCL | CLOCAL);
	}
}

static const struct {
	const char *name;
	uint32_t dev, mode;
} nodes[] = {
	{"console", MKDEV(5, 1), 0600}, {"tty", MKDEV(5, 0), 0666},
	{"tty0", MKDEV(4, 0), 0620},	{"tty1", MKDEV(4, 1), 0620},
	{"tty2", MKDEV(4, 2), 0620},	{"tty3", MKDEV(4, 3), 0620},
	{"tty4", MKDEV(4, 4), 0620},	{"tty5", MKDEV(4, 5), 0620},
	{"tty6", MKDEV(4, 6), 0620},	{"ttyS0", MKDEV(4, 64), 0660},
	{"ttyS1", MKDEV(4, 65), 0660},	{"ttyS2", MKDEV(4, 66), 0660},
	{"ttyS3", MKDEV(4, 67), 0660},
};

void tty_devices_init(void)
{
	static const char *const names[VT_COUNT] = {"tty1", "tty2", "tty3",
						    "tty4", "tty5", "tty6"};
	int err = 0;

	for (int i = 0; i < vt_count() && i < VT_COUNT; i++) {
		vts[i] = tty_create(names[i], MKDEV(TTY_MAJOR, i + 1),
				    &vt_tty_ops, (void *)(uintptr_t)i);
		if (vts[i])
			set_speed(vts[i], B38400 | CS8 | CREAD | HUPCL);
	}
	if (serial_present()) {
		serial_tty = tty_create("ttyS0", MKDEV(TTY_MAJOR, SERIAL_MINOR),
					&serial_tty_ops, NULL);
		if (serial_tty)
			set_speed(serial_tty,
				  B115200 | CS8 | CREAD | HUPCL | CLOCAL);
	}
	pick_console();
	if (chardev_register(TTY_MAJOR, -1, &tty_chr_fops, "tty") ||
	    chardev_register(TTYAUX_MAJOR, 0, &tty_chr_fops, "/dev/tty") ||
	    chardev_register(TTYAUX_MAJOR, 1, &tty_chr_fops, "console"))
		err = -ENOMEM;
	for (size_t i = 0; !err && i < sizeof(nodes) / sizeof(nodes[0]); i++)
		err = devtmpfs_create(nodes[i].name, S_IFCHR | nodes[i].mode,
				      nodes[i].dev);
	if (err)
		klog(KLOG_WARN, "tty: device nodes not all made (%d)\n", err);
}

void tty_init(void)
{
	tty_devices_init();
	pty_init();
}
