#include <kernel/ata.h>
void ahci_init(void)
{
}
