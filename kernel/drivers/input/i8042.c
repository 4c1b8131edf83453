/*
 * The i8042 PS/2 controller (see <kernel/i8042.h>). i8042_init follows the
 * usual bring-up: both ports off so no device talks during it, drain what
 * the firmware left in the output buffer, self-test, interface test of
 * port 1, then the configuration byte the keyboard driver wants and port 1
 * back on. The keyboard itself is the driver's business (keyboard.c).
 *
 * Machines without the controller (some UEFI-only ones) float the status
 * port to 0xff, which is caught first; any controller that stops answering
 * midway makes a wait time out instead of hanging the boot.
 */
#include <kernel/arch/x86_64/io.h>
#include <kernel/errno.h>
#include <kernel/i8042.h>
#include <kernel/printk.h>

#define I8042_DATA 0x60
#define I8042_STATUS 0x64  /* read */
#define I8042_COMMAND 0x64 /* write */

#define STATUS_OUT_FULL 0x01 /* a byte for the CPU is in the data port */
#define STATUS_IN_FULL 0x02  /* the controller has not taken our byte yet */
#define STATUS_AUX_DATA 0x20 /* the waiting byte is from port 2 */

#define CMD_READ_CONFIG 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_DISABLE_PORT2 0xa7
#define CMD_SELF_TEST 0xaa
#define CMD_TEST_PORT1 0xab
#define CMD_DISABLE_PORT1 0xad
#define CMD_ENABLE_PORT1 0xae
#define CMD_PULSE_RESET 0xfe /* pulse output line 0: the CPU reset */

#define CONFIG_PORT1_IRQ 0x01
#define CONFIG_PORT2_IRQ 0x02
#define CONFIG_PORT1_CLOCK_OFF 0x10
#define CONFIG_PORT2_CLOCK_OFF 0x20
#define CONFIG_TRANSLATE 0x40

#define SELF_TEST_OK 0x55
#define PORT_TEST_OK 0x00

/*
 * A status read costs about a microsecond on real hardware, so this is
 * some 100 ms: far beyond what a working controller needs, short enough
 * that a dead one only delays the boot.
 */
#define SPIN_LIMIT 100000
#define FLUSH_LIMIT 64 /* the output buffer holds one byte; be generous */

static bool present;

static bool wait_input_empty(void)
{
	for (int i = 0; i < SPIN_LIMIT; i++) {
		if (!(inb(I8042_STATUS) & STATUS_IN_FULL))
			return true;
	}
	return false;
}

static bool wait_output_full(void)
{
	for (int i = 0; i < SPIN_LIMIT; i++) {
		if (inb(I8042_STATUS) & STATUS_OUT_FULL)
			return true;
	}
	return false;
}

static int send_command(uint8_t cmd)
{
	if (!wait_input_empty())
		return -EIO;
	outb(I8042_COMMAND, cmd);
	return 0;
}

/* A command that answers with one byte: the byte, or -EIO. */
static int command_read(uint8_t cmd)
{
	if (send_command(cmd) || !wait_output_full())
		return -EIO;
	return inb(I8042_DATA);
}

/* A command followed by one parameter byte. */
static int command_write(uint8_t cmd, uint8_t val)
{
	if (send_command(cmd) || !wait_input_empty())
		return -EIO;
	outb(I8042_DATA, val);
	return 0;
}

static void flush_output(void)
{
	for (int i = 0; i < FLUSH_LIMIT; i++) {
		if (!(inb(I8042_STATUS) & STATUS_OUT_FULL))
			return;
		(void)inb(I8042_DATA);
	}
}

static int check_answer(const char *what, int answer, int want)
{
	if (answer == want)
		return 0;
	if (answer < 0)
		klog(KLOG_ERR, "i8042: %s: no answer\n", what);
	else
		klog(KLOG_ERR, "i8042: %s failed (answer 0x%02x)\n", what,
		     answer);
	return -EIO;
}

static int self_tests(void)
{
	int err = check_answer("controller self-test",
			       command_read(CMD_SELF_TEST), SELF_TEST_OK);

	if (err)
		return err;
	return check_answer("keyboard port test", command_read(CMD_TEST_PORT1),
			    PORT_TEST_OK);
}

/* Ports off, buffer drained, IRQs and translation off: a quiet controller. */
static int quiesce(uint8_t *config)
{
	int r;

	if (send_command(CMD_DISABLE_PORT1) || send_command(CMD_DISABLE_PORT2))
		return -ENODEV;
	flush_output();
	r = command_read(CMD_READ_CONFIG);
	if (r < 0)
		return -ENODEV;
	*config = (uint8_t)r &
		  ~(CONFIG_PORT1_IRQ | CONFIG_PORT2_IRQ | CONFIG_TRANSLATE);
	return command_write(CMD_WRITE_CONFIG, *config) ? -ENODEV : 0;
}

int i8042_init(void)
{
	uint8_t config;
	int err;

	if (inb(I8042_STATUS) == 0xff) {
		klog(KLOG_WARN, "i8042: no PS/2 controller (status reads "
				"0xff): no keyboard\n");
		return -ENODEV;
	}
	err = quiesce(&config);
	if (err) {
		klog(KLOG_WARN, "i8042: controller does not answer: no "
				"keyboard\n");
		return err;
	}
	err = self_tests();
	if (err)
		return err;
	/* The self-test may reset the configuration: write it after. */
	config |= CONFIG_PORT1_IRQ | CONFIG_TRANSLATE | CONFIG_PORT2_CLOCK_OFF;
	config &= ~(CONFIG_PORT2_IRQ | CONFIG_PORT1_CLOCK_OFF);
	if (command_write(CMD_WRITE_CONFIG, config) ||
	    send_command(CMD_ENABLE_PORT1)) {
		klog(KLOG_ERR, "i8042: controller stopped answering\n");
		return -EIO;
	}
	present = true;
	klog(KLOG_INFO, "i8042: controller ready, config 0x%02x\n", config);
	return 0;
}

bool i8042_present(void)
{
	return present;
}

int i8042_read(void)
{
	uint8_t status = inb(I8042_STATUS);
	uint8_t data;

	if (!(status & STATUS_OUT_FULL))
		return -1;
	data = inb(I8042_DATA);
	return (status & STATUS_AUX_DATA) ? -1 : data;
}

int i8042_write(uint8_t byte)
{
	if (!wait_input_empty())
		return -EIO;
	outb(I8042_DATA, byte);
	return 0;
}

void i8042_reset_cpu(void)
{
	if (send_command(CMD_PULSE_RESET) == 0)
		for (int i = 0; i < 1000; i++)
			io_wait(); /* about a millisecond for the reset */
}
