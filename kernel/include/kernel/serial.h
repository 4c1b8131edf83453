/*
 * The COM1 serial port (16550 UART at I/O port 0x3f8, 115200 baud 8N1),
 * driven by polling. It is the kernel's first console and the channel the
 * test harness reads (boot log, KTAP results).
 */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Program the UART and check it with a loopback self-test; on success
 * register it as a console. 0, or -ENODEV if there is no working UART
 * (serial output is then dropped).
 */
int serial_init(void);

bool serial_present(void);

/* Write bytes, "\n" sent as "\r\n"; waits for room in the transmitter. */
void serial_write(const char *buf, size_t len);

/* Take input by IRQ 4 from now on (after the interrupt controllers). */
int serial_irq_init(void);

/* A received byte, or -1 if none is waiting (never blocks). */
int serial_getc(void);
/* Write bytes as they are (the tty layer did its own output processing). */
void serial_write_raw(const char *buf, size_t len);
/* Hand received bytes to fn (from the interrupt) instead of the ring that
 * serial_getc reads; NULL: back to the ring. */
typedef void serial_input_fn(const char *buf, size_t n);
void serial_set_input(serial_input_fn *fn);

#endif
