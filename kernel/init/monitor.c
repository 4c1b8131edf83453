/*
 * The kernel monitor (see <kernel/monitor.h>): the prompt loop and the
 * built-in commands. Input is console_getc, so typing works on the serial
 * line and the PS/2 keyboard alike; output is kprintf, so it shows on
 * every console. Between keys the CPU halts when interrupts are on (the
 * keyboard IRQ or the timer tick wakes it; serial input, which has no IRQ
 * yet, is noticed at the next tick), and polls while they are off.
 *
 * A command is a line in the table below; help prints the table.
 */
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/idle.h>
#include <kernel/interrupt.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/power.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/timer.h>

#define PROMPT "rastos> "

struct monitor_command {
	const char *name;
	const char *usage;
	void (*run)(const char *args);
};

static void cmd_help(const char *args);
static void cmd_echo(const char *args);
static void cmd_ticks(const char *args);
static void cmd_mem(const char *args);
static void cmd_ps(const char *args);
static void cmd_reboot(const char *args);

static const struct monitor_command commands[] = {
	{"help", "help            this list", cmd_help},
	{"echo", "echo TEXT       print TEXT", cmd_echo},
	{"ticks", "ticks           timer ticks since boot", cmd_ticks},
	{"mem", "mem             the boot memory map, summed by type", cmd_mem},
	{"ps", "ps              tasks, CPUs, and where each waits", cmd_ps},
	{"reboot", "reboot          restart the machine", cmd_reboot},
};

static void cmd_help(const char *args)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		kprintf("  %s\n", commands[i].usage);
}

static void cmd_echo(const char *args)
{
	kprintf("%s\n", args);
}

static void cmd_ticks(const char *args)
{
	uint64_t t = timer_ticks();

	kprintf("ticks: %lu (%lu.%03lu s at %d Hz)\n", t, t / TIMER_HZ,
		(t % TIMER_HZ) * 1000 / TIMER_HZ, TIMER_HZ);
}

/* Limine memory map types are 0..7; anything else is counted as other. */
#define MEMMAP_TYPES 8

static void cmd_mem(const char *args)
{
	uint64_t bytes[MEMMAP_TYPES + 1] = {0};
	size_t ranges[MEMMAP_TYPES + 1] = {0};

	for (size_t i = 0; i < boot_info->memmap_count; i++) {
		const struct limine_memmap_entry *e = boot_info->memmap[i];
		size_t t = e->type < MEMMAP_TYPES ? e->type : MEMMAP_TYPES;

		bytes[t] += e->length;
		ranges[t]++;
	}
	kprintf("memory map: %zu entries\n", boot_info->memmap_count);
	for (size_t t = 0; t <= MEMMAP_TYPES; t++) {
		if (ranges[t])
			kprintf("  %-24s %10lu KiB in %zu range%s\n",
				t < MEMMAP_TYPES ? boot_memmap_type_name(t)
						 : "other",
				bytes[t] / 1024, ranges[t],
				ranges[t] == 1 ? "" : "s");
	}
}

static void cmd_ps(const char *args)
{
	proc_dump_tasks();
}

static void cmd_reboot(const char *args)
{
	kprintf("monitor: rebooting\n");
	power_reboot(); /* ACPI reset register, then the 8042, then a triple fault */
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

void monitor_execute(const char *line)
{
	const char *name = skip_blanks(line), *end = name;

	while (*end && *end != ' ' && *end != '\t')
		end++;
	if (end == name)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const char *c = commands[i].name;

		if (strlen(c) == (size_t)(end - name) &&
		    strncmp(c, name, (size_t)(end - name)) == 0) {
			commands[i].run(skip_blanks(end));
			return;
		}
	}
	kprintf("unknown command: %.*s\n", (int)(end - name), name);
}

/* The next input byte; halts between polls when interrupts are on. */
static uint8_t monitor_getc(void)
{
	for (;;) {
		bool can_idle = irq_enabled();
		unsigned long flags = irq_save();
		int c = console_getc();

		if (c >= 0) {
			irq_restore(flags);
			return (uint8_t)c;
		}
		if (can_idle)
			idle_wait(); /* sti; hlt: no wake-up lost */
		irq_restore(flags);
	}
}

noreturn void monitor_run(void)
{
	static struct monitor_line ed;

	monitor_line_init(&ed, console_write);
	kprintf("monitor: kernel monitor; type help for the commands\n");
	for (;;) {
		const char *line;

		kprintf(PROMPT);
		do
			line = monitor_line_feed(&ed, monitor_getc());
		while (!line);
		monitor_execute(line);
	}
}
