/*
 * console_video_init (see <kernel/console.h>): pick the screen console.
 * With a framebuffer from the loader, the framebuffer console; without
 * one the display is still in the BIOS's text mode, so the VGA text
 * console. Either replays the log so far and registers itself.
 *
 * Runs after mm_init (kmain's order): the framebuffer and 0xb8000 are
 * reached through the HHDM, which must stay mapped.
 */
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/printk.h>
#include <kernel/video.h>

int console_video_init(void)
{
	int err;

	if (!boot_info->has_framebuffer)
		return vgacon_init();
	err = fbcon_init(&boot_info->framebuffer);
	if (err)
		klog(KLOG_ERR, "console: no framebuffer console (error %d)\n",
		     err);
	return err;
}
