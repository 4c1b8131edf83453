/*
 * /proc/sys: the few kernel settings rastOS has, as files of one value.
 * kernel/hostname is writable (by root: the file is 0644 and root's),
 * as sethostname(2) would set it.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "internal.h"

static int show_hostname(struct seq_buf *s, struct proc_node *n)
{
	char name[HOST_NAME_LEN + 1];

	host_name_get(name, sizeof(name));
	seq_printf(s, "%s\n", name);
	return 0;
}

/* The value ends at the first newline, as Linux's string sysctls do. */
static long write_hostname(struct proc_node *n, const char *buf, size_t len)
{
	size_t k = 0;
	int err;

	while (k < len && buf[k] && buf[k] != '\n')
		k++;
	err = host_name_set(buf, k);
	return err ? err : (long)len;
}

static int show_ostype(struct seq_buf *s, struct proc_node *n)
{
	seq_puts(s, "Linux\n");
	return 0;
}

static int show_osrelease(struct seq_buf *s, struct proc_node *n)
{
	seq_puts(s, "6.1.0-rastos\n"); /* as uname(2) says */
	return 0;
}

static int show_pid_max(struct seq_buf *s, struct proc_node *n)
{
	seq_printf(s, "%d\n", PID_MAX);
	return 0;
}

static const struct proc_entry kernel_entries[] = {
	{.name = "hostname",
	 .mode = S_IFREG | 0644,
	 .show = show_hostname,
	 .write = write_hostname},
	{.name = "osrelease", .mode = S_IFREG | 0444, .show = show_osrelease},
	{.name = "ostype", .mode = S_IFREG | 0444, .show = show_ostype},
	{.name = "pid_max", .mode = S_IFREG | 0444, .show = show_pid_max},
	{0},
};

const struct proc_entry proc_sys_entries[] = {
	{.name = "kernel", .mode = S_IFDIR | 0555, .children = kernel_entries},
	{0},
};
