/*
 * Shared inside kernel/drivers/ata/: AHCI 1.3.1 registers and memory
 * structures, and the driver's host, port and command objects.
 *
 * Lock order: a port's lock (LOCK_RANK_AHCI) is taken inside the block
 * layer's queue lock (submit) and nothing is taken under it; commands
 * complete (their done callbacks run) after it is dropped.
 */
#ifndef AHCI_PRIV_H
#define AHCI_PRIV_H

#include <kernel/blkdev.h>
#include <kernel/pci.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/timer.h>

/* HBA registers (AHCI 1.3.1, 3.1). */
#define HBA_CAP 0x00
#define HBA_GHC 0x04
#define HBA_IS 0x08
#define HBA_PI 0x0c
#define HBA_VS 0x10
#define HBA_CAP2 0x24
#define HBA_BOHC 0x28
#define CAP_S64A (1u << 31)
#define CAP_SCLO (1u << 24)
#define CAP_SSS (1u << 27)
#define CAP2_BOH (1u << 0)
#define BOHC_BOS (1u << 0)
#define BOHC_OOS (1u << 1)
#define GHC_HR (1u << 0)
#define GHC_IE (1u << 1)
#define GHC_AE (1u << 31)

/* Port registers (3.3), at 0x100 + 0x80 * port. */
#define PX_CLB 0x00
#define PX_CLBU 0x04
#define PX_FB 0x08
#define PX_FBU 0x0c
#define PX_IS 0x10
#define PX_IE 0x14
#define PX_CMD 0x18
#define PX_TFD 0x20
#define PX_SIG 0x24
#define PX_SSTS 0x28
#define PX_SCTL 0x2c
#define PX_SERR 0x30
#define PX_SACT 0x34
#define PX_CI 0x38
#define CMD_ST (1u << 0)
#define CMD_SUD (1u << 1)
#define CMD_POD (1u << 2)
#define CMD_CLO (1u << 3)
#define CMD_FRE (1u << 4)
#define CMD_FR (1u << 14)
#define CMD_CR (1u << 15)
#define CMD_CCS(cmd) (((cmd) >> 8) & 0x1f)
#define TFD_ERR 0x01u
#define TFD_DRQ 0x08u
#define TFD_BSY 0x80u
#define SSTS_DET_PRESENT 3u
#define SIG_ATA 0x00000101u
#define SIG_ATAPI 0xeb140101u

/* PxIS / PxIE bits. */
#define IS_DHRS (1u << 0)
#define IS_PSS (1u << 1)
#define IS_DSS (1u << 2)
#define IS_SDBS (1u << 3)
#define IS_DPS (1u << 5)
#define IS_PCS (1u << 6)
#define IS_PRCS (1u << 22)
#define IS_OFS (1u << 24)
#define IS_INFS (1u << 26)
#define IS_IFS (1u << 27)
#define IS_HBDS (1u << 28)
#define IS_HBFS (1u << 29)
#define IS_TFES (1u << 30)
#define IS_ERRORS (IS_TFES | IS_HBFS | IS_HBDS | IS_IFS | IS_INFS | IS_OFS)
#define IS_HOTPLUG (IS_PRCS | IS_PCS)
#define IS_DONE (IS_DHRS | IS_PSS | IS_DSS | IS_SDBS | IS_DPS)

/* ATA commands (ATA8-ACS). */
#define ATA_READ_DMA_EXT 0x25
#define ATA_WRITE_DMA_EXT 0x35
#define ATA_FLUSH_CACHE_EXT 0xea
#define ATA_IDENTIFY 0xec

#define AHCI_SLOTS 32
#define AHCI_PRDS 56 /* per command: its table is 128 + 56 * 16 = 1 KiB */
#define AHCI_TABLE_SIZE 1024
#define AHCI_PORT_MEM_ORDER 4	       /* 64 KiB: list, FIS, then the tables */
#define AHCI_TIMEOUT_NS 10000000000ull /* 10 s per command */

/* A command list entry (4.2.2). */
struct ahci_cmd_header {
	uint16_t flags; /* CFL (FIS dwords) | A (0x20) | W (0x40) | C (0x400) */
	uint16_t prdtl;
	volatile uint32_t prdbc; /* bytes moved */
	uint64_t ctba;		 /* the command table, 128-byte aligned */
	uint32_t reserved[4];
};

struct ahci_prd {
	uint64_t dba;
	uint32_t reserved;
	uint32_t dbc; /* bytes - 1 | 1 << 31: interrupt when done */
};

/* One command: a bio's, or the driver's own (IDENTIFY, tests). */
struct ahci_cmd {
	uint8_t ata;	      /* ATA_* */
	uint64_t lba;	      /* in 512-byte sectors */
	uint32_t count;	      /* sectors */
	struct bio_vec *vecs; /* the data: page segments */
	unsigned int nvecs;
	void (*done)(struct ahci_cmd *cmd, int status); /* any context */
	void *priv;
};

/* A bio's command, from its port's pool (one per slot). */
struct ahci_bio_cmd {
	struct ahci_cmd cmd; /* first: the done callback gets it */
	struct bio *bio;
	bool busy;
};

struct ahci_host;

struct ahci_port {
	struct ahci_host *host;
	unsigned int no;
	volatile uint8_t *regs;
	struct spinlock lock;	      /* everything below */
	struct ahci_cmd_header *list; /* 32 headers, 1 KiB */
	void *rfis;		      /* 256 bytes */
	uint8_t *tables;	      /* 32 command tables */
	struct page *mem;	      /* all of the above */
	struct ahci_cmd *slots[AHCI_SLOTS];
	struct ahci_bio_cmd pool[AHCI_SLOTS];
	uint64_t deadline[AHCI_SLOTS];
	uint32_t issued;   /* slots taken (PxCI set, or deferred) */
	uint32_t deferred; /* taken during recovery: PxCI set after it */
	uint32_t error_is; /* PxIS error bits the handler saw, for EH */
	bool timed_out, in_eh, gone;
	bool atapi;
	struct timer_event timer;
	/* The disk behind it, once IDENTIFY answered. */
	struct block_device disk;
	char model[41], serial[21];
	uint64_t sectors;
	uint32_t sector_size;
	bool registered;
	uint64_t irqs, errors, resets; /* counts, for tests and logs */
	unsigned int max_issued;       /* most slots out at once */
};

struct ahci_host {
	struct pci_dev *pci;
	volatile uint8_t *abar;
	uint32_t cap, pi;
	unsigned int nslots;
	struct ahci_port *ports[32];
	struct wait_queue eh_wq; /* the error handler thread sleeps here */
	bool eh_wanted;
	struct list_head link;
};

static inline uint32_t ahci_port_read(struct ahci_port *p, uint32_t reg)
{
	return *(volatile uint32_t *)(p->regs + reg);
}

static inline void ahci_port_write(struct ahci_port *p, uint32_t reg,
				   uint32_t v)
{
	*(volatile uint32_t *)(p->regs + reg) = v;
}

/* Commands finished, to complete once the port's lock is dropped. */
struct done_list {
	struct ahci_cmd *cmd[AHCI_SLOTS];
	int status[AHCI_SLOTS];
	unsigned int n;
};

/* ahci_port.c */
/* Slots in mask leave the port into d with status (lock held). */
void ahci_take_slots(struct ahci_port *p, uint32_t mask, int status,
		     struct done_list *d);
/* Call the done functions (no lock held). */
void ahci_done_run(struct done_list *d);
/* The timeout check, armed while commands are out (lock held). */
void ahci_arm_timer(struct ahci_port *p);
/* Wait for the device to be idle, start the engine: 0, -EIO. */
int ahci_engine_start(struct ahci_port *p);
struct ahci_port *ahci_port_create(struct ahci_host *host, unsigned int no);
/* Bring the link and the command engine up: 0, -ENODEV (no device). */
int ahci_port_start(struct ahci_port *p);
void ahci_port_stop(struct ahci_port *p);
/* COMRESET and restart: 0, -ENODEV (no device after it). */
int ahci_port_reset(struct ahci_port *p);
/* Issue cmd in a free slot (during recovery, as it ends): 0, -EBUSY
 * (all slots busy),
 * -ENODEV (the disk is gone), -EINVAL (too many segments). */
int ahci_issue(struct ahci_port *p, struct ahci_cmd *cmd);
/* Issue and sleep until done: its status. */
int ahci_exec(struct ahci_port *p, struct ahci_cmd *cmd);
/* From the interrupt handler: this port's events. */
void ahci_port_intr(struct ahci_port *p);
/* The error handler's work on p (a thread: it may sleep). */
void ahci_port_recover(struct ahci_port *p);

/* ahci_disk.c */
/* IDENTIFY the device and register its disk: 0 or -errno. */
int ahci_disk_attach(struct ahci_port *p);
/* The first AHCI disk found (tests): NULL if none. */
struct ahci_port *ahci_first_disk(void);
extern struct list_head ahci_hosts;

#endif
