/*
 * 16550 UART driver for COM1. serial_init runs first in kmain so that
 * everything after it can print; it registers the port as a console sink
 * (<kernel/console.h>). Output is polled. Input is polled until
 * serial_irq_init hooks IRQ 4; from then on the handler moves received
 * bytes into a ring that serial_getc reads (and polls only while
 * interrupts are off, when the handler cannot run).
 *
 * Every wait is bounded: on a machine whose port is absent or wedged the
 * kernel must keep booting, just without serial output.
 */
#include <kernel/arch.h>
#include <kernel/arch/x86_64/io.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/interrupt.h>
#include <kernel/printk.h>
#include <kernel/ktest.h>
#include <kernel/ring.h>
#include <kernel/serial.h>

#define COM1 0x3f8
#define COM1_IRQ 4

/* Register offsets from the base port. */
#define UART_DATA 0 /* RBR / THR; DLL when LCR.DLAB */
#define UART_IER 1  /* interrupt enable; DLM when LCR.DLAB */
#define UART_FCR 2  /* FIFO control (write) */
#define UART_LCR 3  /* line control */
#define UART_MCR 4  /* modem control */
#define UART_LSR 5  /* line status */

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR_14 0xc7 /* enable, clear both FIFOs, 14-byte IRQ */
#define MCR_DTR_RTS_OUT1_OUT2 0x0f
#define MCR_LOOPBACK 0x10
#define IER_RX_AVAILABLE 0x01
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

#define BAUD_DIVISOR 1 /* 115200 = 1843200 / 16 / 1 */
#define LOOPBACK_BYTE 0xae
#define TX_SPIN_LIMIT 100000

static bool present;
static bool rx_irq;	      /* IRQ 4 hooked: the handler fills rx */
static struct byte_ring rx;   /* received bytes: IRQ handler in, reader out */
static unsigned long rx_irqs; /* handler runs, for the tests */
static serial_input_fn *input_fn; /* the tty layer's, once it is open */

static void uart_out(unsigned int reg, uint8_t val)
{
	outb(COM1 + reg, val);
}

static uint8_t uart_in(unsigned int reg)
{
	return inb(COM1 + reg);
}

/* Send one byte through loopback and expect it back. */
static bool loopback_ok(void)
{
	uart_out(UART_MCR, MCR_LOOPBACK | MCR_DTR_RTS_OUT1_OUT2);
	uart_out(UART_DATA, LOOPBACK_BYTE);
	for (int i = 0; i < TX_SPIN_LIMIT; i++) {
		if (uart_in(UART_LSR) & LSR_DATA_READY)
			return uart_in(UART_DATA) == LOOPBACK_BYTE;
	}
	return false;
}

/*
 * At 115200 baud a byte leaves in about 87 us; a transmitter that stays
 * busy through the whole spin is broken, and is given up on rather than
 * slowing every later message down.
 */
static void put_byte(char c)
{
	for (int i = 0; i < TX_SPIN_LIMIT; i++) {
		if (uart_in(UART_LSR) & LSR_THR_EMPTY) {
			uart_out(UART_DATA, (uint8_t)c);
			return;
		}
	}
	present = false;
}

static const struct console_sink serial_sink = {
	.name = "serial",
	.write = serial_write,
	.getc = serial_getc,
};

int serial_init(void)
{
	uart_out(UART_IER, 0);
	uart_out(UART_LCR, LCR_DLAB);
	uart_out(UART_DATA, BAUD_DIVISOR & 0xff);
	uart_out(UART_IER, BAUD_DIVISOR >> 8);
	uart_out(UART_LCR, LCR_8N1);
	uart_out(UART_FCR, FCR_ENABLE_CLEAR_14);
	if (!loopback_ok()) {
		uart_out(UART_MCR, MCR_DTR_RTS_OUT1_OUT2);
		return -ENODEV;
	}
	uart_out(UART_MCR, MCR_DTR_RTS_OUT1_OUT2);
	present = true;
	return console_register(&serial_sink);
}

bool serial_present(void)
{
	return present;
}

void serial_write(const char *buf, size_t len)
{
	if (!present)
		return;
	for (size_t i = 0; i < len && present; i++) {
		if (buf[i] == '\n')
			put_byte('\r');
		put_byte(buf[i]);
	}
}

void serial_write_raw(const char *buf, size_t len)
{
	for (size_t i = 0; i < len && present; i++)
		put_byte(buf[i]);
}

void serial_set_input(serial_input_fn *fn)
{
	__atomic_store_n(&input_fn, fn, __ATOMIC_RELEASE);
}

/* Move what the UART holds into the ring (bounded: a FIFO is 16 deep). */
static void drain_rx(void)
{
	for (int i = 0; i < 64 && (uart_in(UART_LSR) & LSR_DATA_READY); i++) {
		char c = (char)uart_in(UART_DATA);
		serial_input_fn *fn = __atomic_load_n(&input_fn, __ATOMIC_ACQUIRE);

		if (fn) {
			fn(&c, 1);
			continue;
		}
		(void)byte_ring_put(&rx, &c, 1); /* full: drop, as a tty does */
		console_input_wakeup();
	}
}

static void serial_irq(struct trap_frame *tf, void *arg)
{
	rx_irqs++;
	drain_rx();
}

int serial_irq_init(void)
{
	int err;

	if (!present)
		return -ENODEV;
	err = irq_register(COM1_IRQ, serial_irq, NULL);
	if (err) {
		klog(KLOG_WARN,
		     "serial: IRQ %d: error %d; input stays polled\n", COM1_IRQ,
		     err);
		return err;
	}
	rx_irq = true;
	uart_out(UART_IER, IER_RX_AVAILABLE);
	klog(KLOG_INFO, "serial: COM1 input by IRQ %d\n", COM1_IRQ);
	return 0;
}

int serial_getc(void)
{
	if (!present)
		return -1;
	if (!rx_irq || !irq_enabled())
		drain_rx();
	return byte_ring_get(&rx);
}

/*
 * A byte sent in loopback mode comes back through the receiver; with IRQ 4
 * hooked it must arrive by interrupt, not by polling.
 */
KTEST(serial, input_by_interrupt)
{
	unsigned long before = rx_irqs;
	unsigned long flags;
	int c = -1;

	if (!present || !rx_irq)
		KT_SKIP("no COM1 or no IRQ");
	flags = irq_save();
	uart_out(UART_MCR, MCR_LOOPBACK | MCR_DTR_RTS_OUT1_OUT2);
	uart_out(UART_DATA, LOOPBACK_BYTE);
	irq_enable();
	for (long i = 0; i < 100000000 && rx_irqs == before; i++)
		arch_cpu_relax();
	(void)irq_save();
	uart_out(UART_MCR, MCR_DTR_RTS_OUT1_OUT2);
	c = byte_ring_get(&rx);
	irq_restore(flags);
	KT_ASSERT(rx_irqs > before);
	KT_ASSERT_EQ(c, LOOPBACK_BYTE);
}
