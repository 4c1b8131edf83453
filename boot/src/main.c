/*
 * rastboot's C entry: the boot sequence after stage 2 has entered long
 * mode. Find the boot volume, read rastboot.conf, load the kernel and the
 * modules, then limine_boot() answers the kernel's requests and jumps.
 * Any bad input ends in fatal(): a message on screen and serial, a halt.
 */
#include "loader.h"
#include "bios.h"
#include "cpu.h"

void boot_main(void);

static struct boot_state st;

static const char *const config_paths[] = {"/boot/rastboot.conf",
					   "/rastboot.conf"};

static const char *errno_text(int err)
{
	switch (err) {
	case -ENOENT:
		return "file not found";
	case -ENOTDIR:
		return "a path component is not a directory";
	case -EISDIR:
		return "is a directory";
	case -ENAMETOOLONG:
		return "path too long";
	case -EIO:
		return "disk read error";
	case -EUCLEAN:
		return "filesystem is corrupt";
	default:
		return "cannot read";
	}
}

/* Read a whole file into fresh memory of the given type; fatal on error. */
static void load_file(const char *path, uint32_t type, const char *what,
		      struct loaded_file *out)
{
	struct fs_file f;
	int err = fs_open(&st.vol.fs, path, &f);
	if (err == 0 && f.is_dir)
		err = -EISDIR;
	if (err)
		fatal("%s %s: %s", what, path, errno_text(err));
	if (f.size > (1ULL << 31))
		fatal("%s %s: too large (%lu MiB)", what, path,
		      (unsigned long)(f.size >> 20));
	void *buf = boot_alloc(&st.memmap, f.size ? f.size : 1, type, path);
	err = fs_read(&st.vol.fs, &f, 0, buf, f.size);
	if (err)
		fatal("%s %s: %s", what, path, errno_text(err));
	out->phys = (uintptr_t)buf;
	out->size = f.size;
	out->path = path;
}

static void load_config(void)
{
	static char text[16384];
	static char err[160];
	struct fs_file f;
	const char *path = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(config_paths) && !path; i++)
		if (fs_open(&st.vol.fs, config_paths[i], &f) == 0 && !f.is_dir)
			path = config_paths[i];
	if (!path)
		fatal("no rastboot.conf (looked for /boot/rastboot.conf and "
		      "/rastboot.conf)");
	if (f.size >= sizeof(text))
		fatal("%s: too large (%lu bytes, at most %lu)", path,
		      (unsigned long)f.size, (unsigned long)sizeof(text) - 1);
	int e = fs_read(&st.vol.fs, &f, 0, text, f.size);
	if (e)
		fatal("%s: %s", path, errno_text(e));
	if (config_parse(text, f.size, &st.cfg, err, sizeof(err)))
		fatal("%s: %s", path, err);
	print("rastboot: config %s: kernel %s, %d module(s)\n", path,
	      st.cfg.kernel_path, st.cfg.module_count);
}

static void load_kernel(void)
{
	const char *why = "";
	load_file(st.cfg.kernel_path, LIMINE_MEMMAP_EXECUTABLE_AND_MODULES,
		  "kernel", &st.kernel_file);
	st.kernel_file.cmdline = st.cfg.cmdline;
	if (elf_parse((void *)(uintptr_t)st.kernel_file.phys,
		      st.kernel_file.size, LIMINE_KERNEL_MIN_VADDR, &st.elf,
		      &why))
		fatal("kernel %s: %s", st.cfg.kernel_path, why);
}

static void load_modules(void)
{
	for (int i = 0; i < st.cfg.module_count; i++) {
		struct loaded_file *m = &st.modules[i];
		load_file(st.cfg.modules[i].path,
			  LIMINE_MEMMAP_EXECUTABLE_AND_MODULES, "module", m);
		m->cmdline = st.cfg.modules[i].cmdline;
		print("rastboot: module %s (%lu bytes)\n", m->path,
		      (unsigned long)m->size);
	}
	st.module_count = st.cfg.module_count;
}

void boot_main(void)
{
	console_init();
	print("rastboot " RASTBOOT_VERSION
	      ": BIOS loader, Limine boot protocol\n");
	cpu_detect();
	memory_init(&st.memmap);
	int err = volume_mount(boot_drive, boot_medium_cd, &st.vol);
	if (err)
		fatal("no ISO9660 or FAT volume with rastboot's files on the "
		      "boot drive 0x%x",
		      boot_drive);
	print("rastboot: boot volume: %s%s, drive 0x%x, partition %u\n",
	      st.vol.fs.ops->name, st.vol.optical ? " (CD)" : "", boot_drive,
	      st.vol.partition);
	load_config();
	load_kernel();
	load_modules();
	limine_boot(&st);
}
