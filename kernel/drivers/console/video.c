/*
 * console_video_init (see <kernel/console.h>): pick the screen console.
 * With a framebuffer from the loader, the framebuffer console; without
 * one on a BIOS machine the display is still in the BIOS's text mode, so
 * the VGA text console. UEFI has no text mode (0xb8000 may be nothing, or
 * RAM): without a framebuffer there, serial is the only console.
 * Either console replays the log so far and registers itself.
 *
 * Runs after mm_init (kmain's order): the framebuffer and 0xb8000 are
 * reached through the HHDM, which must stay mapped.
 */
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/video.h>

static bool firmware_is_uefi(void)
{
	return boot_info->firmware == BOOT_FIRMWARE_UEFI32 ||
	       boot_info->firmware == BOOT_FIRMWARE_UEFI64;
}

int console_video_init(void)
{
	int err;

	if (!boot_info->has_framebuffer) {
		if (firmware_is_uefi()) {
			klog(KLOG_WARN, "console: UEFI gave no framebuffer "
					"and has no VGA text mode: serial "
					"only\n");
			return -ENODEV;
		}
		return vgacon_init();
	}
	err = fbcon_init(&boot_info->framebuffer);
	if (err)
		klog(KLOG_ERR, "console: no framebuffer console (error %d)\n",
		     err);
	return err;
}
