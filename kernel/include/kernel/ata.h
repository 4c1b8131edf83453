/*
 * ATA disks (kernel/drivers/ata/): the AHCI SATA host driver. Each disk
 * found becomes a block device (<kernel/blkdev.h>) named as Linux's
 * libata names it: sda, sdb... in the order of the controllers and
 * their ports.
 */
#ifndef KERNEL_ATA_H
#define KERNEL_ATA_H

/* Register the AHCI PCI driver (from pci_drivers_init). */
void ahci_init(void);

#endif
