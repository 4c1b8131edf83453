/* Low-memory layout while rastboot runs; see boot/stage2/layout.inc. */
#ifndef RASTBOOT_LAYOUT_H
#define RASTBOOT_LAYOUT_H

#define LOADER_AREA_START 0x1000 /* page tables, stage 2, stacks, buffers */
#define LOADER_AREA_END 0x90000
#define BOUNCE_ADDR 0x70000
#define BOUNCE_SIZE 0x10000

#define SEL_CODE64 0x28
#define SEL_DATA64 0x30

#endif
