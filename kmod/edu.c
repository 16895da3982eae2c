// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA engine of QEMU's edu device (hw/misc/edu.c): its BAR, one
 * transfer between guest memory and edu's 4 KiB buffer, and the check page
 * the engine writes back into (VERIFY).
 */
#include "dmabench.h"

#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/jiffies.h>
#include <linux/pci.h>
#include <linux/string.h>

/* BAR0 registers; the buffer sits at EDU_BUF_ADDR (dmabench.h) */
#define EDU_REG_IDENT		0x00	/* 0xRRrr00ed: low byte 0xed */
#define EDU_REG_SRC		0x80
#define EDU_REG_DST		0x88
#define EDU_REG_CNT		0x90
#define EDU_REG_CMD		0x98
#define EDU_CMD_RUN		0x1	/* start; reads back 1 while busy */
#define EDU_CMD_TO_RAM		0x2	/* edu buffer -> RAM (else RAM -> buffer) */

/* edu: BAR0 with the DMA engine, if the region is free and the ident register says edu */
void __iomem *dmab_edu_map(struct pci_dev *pdev)
{
	void __iomem *bar;

	if (pci_request_region(pdev, 0, DMABENCH_DRIVER_NAME))
		goto none;
	bar = pci_iomap(pdev, 0, 0);
	if (bar && (readl(bar + EDU_REG_IDENT) & 0xff) == 0xed)
		return bar;
	if (bar)
		pci_iounmap(pdev, bar);
	pci_release_region(pdev, 0);
none:
	dev_info(&pdev->dev, "edu BAR0 not usable: no DMA engine (VERIFY -EOPNOTSUPP)\n");
	return NULL;
}

void dmab_edu_unmap(struct pci_dev *pdev, void __iomem *bar)
{
	if (!bar)
		return;
	pci_iounmap(pdev, bar);
	pci_release_region(pdev, 0);
}

/*
 * One transfer; the caller holds d->engine. QEMU checks the buffer side as
 * [addr, addr + cnt) inside [0x40000, 0x40fff): pos + cnt <= 4095. A
 * timeout marks the engine dead: the transfer may still land later (into
 * the check page, which stays mapped), so nothing uses the engine until it
 * reports idle again (checked when a VERIFY starts).
 */
int dmab_edu_xfer(struct dmab_dev *d, u64 src, u64 dst, u32 cnt, bool to_ram)
{
	u64 buf = to_ram ? src : dst;
	unsigned long deadline;
	unsigned int tmo;

	if (d->engine_dead)
		return -EIO;
	if (!cnt || buf < EDU_BUF_ADDR || buf - EDU_BUF_ADDR + cnt > DMABENCH_VERIFY_MAX_LEN)
		return -E2BIG;	/* never reached: callers clamp */
	if (readl(d->bar + EDU_REG_CMD) & EDU_CMD_RUN) {
		d->engine_dead = true;
		dev_err(d->dev, "edu DMA engine busy before a transfer: unused until idle\n");
		return -EIO;
	}
	writeq(src, d->bar + EDU_REG_SRC);
	writeq(dst, d->bar + EDU_REG_DST);
	writeq(cnt, d->bar + EDU_REG_CNT);
	writeq(EDU_CMD_RUN | (to_ram ? EDU_CMD_TO_RAM : 0), d->bar + EDU_REG_CMD);
	tmo = READ_ONCE(dmab_edu_timeout_ms);
	if (!tmo || tmo > 60000)
		tmo = DMABENCH_VERIFY_TIMEOUT_MS;
	deadline = jiffies + msecs_to_jiffies(tmo);
	/* ~100 ms of virtual time per transfer: sleep, never spin */
	while (readl(d->bar + EDU_REG_CMD) & EDU_CMD_RUN) {
		if (time_after(jiffies, deadline)) {
			d->engine_dead = true;
			dev_err(d->dev, "edu DMA transfer timed out (%u ms): engine unused until idle\n", tmo);
			return -ETIMEDOUT;
		}
		usleep_range(2000, 4000);
	}
	return 0;
}

/*
 * A zeroed page of the module's own that dma-direct can hand to @dev under
 * its current mask (directly or bounced through a reachable swiotlb pool):
 * the same rule as for user mappings (map.c dmab_direct_ok()), so that the
 * module's own device memory never makes dma-direct WARN "DMA addr ...
 * overflow". Tries the normal zone, then ZONE_DMA32, then ZONE_DMA. Under
 * an IOMMU every page is reachable. NULL: -ENOMEM (*err) or no zone
 * reachable (-EIO).
 */
void *dmab_dma_page(struct device *dev, int *err)
{
	static const gfp_t zones[] = { 0, GFP_DMA32, GFP_DMA };
	bool direct = dmab_compat_dma_direct(dev);
	unsigned int i;
	void *p;

	*err = -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(zones); i++) {
		p = (void *)get_zeroed_page(GFP_KERNEL | __GFP_NOWARN | zones[i]);
		if (!p)
			continue;
		if (!direct || dmab_direct_ok(dev, virt_to_phys(p), PAGE_SIZE))
			return p;
		free_page((unsigned long)p);
		*err = -EIO;
	}
	return NULL;
}

/*
 * Map the device's check page once (engine lock held), again after
 * SET_MASK: -ENOMEM, or -EIO when no page is reachable under the mask.
 */
static int dmab_edu_check_page(struct dmab_dev *d)
{
	void *p;
	dma_addr_t dma;
	int ret;

	if (d->check && d->check_remap) {
		dma_unmap_single(d->dev, d->check_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
		free_page((unsigned long)d->check);
		d->check = NULL;
	}
	d->check_remap = false;
	if (d->check)
		return 0;
	p = dmab_dma_page(d->dev, &ret);
	if (!p)
		return ret;
	dma = dma_map_single(d->dev, p, PAGE_SIZE, DMA_BIDIRECTIONAL);
	if (dma_mapping_error(d->dev, dma)) {
		free_page((unsigned long)p);
		/* direct: unreachable after all; swiotlb / IOMMU: out of space */
		return dmab_ops_kind(d->dev) == DMABENCH_OPS_DIRECT ? -EIO : -ENOMEM;
	}
	d->check = p;
	d->check_dma = dma;
	return 0;
}

/* Device remove: unmap the check page unless a transfer may still hit it. */
void dmab_edu_release(struct dmab_dev *d, struct device *dev)
{
	if (d->check && (!d->engine_dead || !(readl(d->bar + EDU_REG_CMD) & EDU_CMD_RUN))) {
		dma_unmap_single(dev, d->check_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
		free_page((unsigned long)d->check);
	} else if (d->check) {
		dev_warn(dev, "edu engine dead: check page left mapped\n");
	}
	d->check = NULL;
}

void dmab_check_poison(struct dmab_dev *d)
{
	memset(d->check, DMAB_CHECK_POISON, PAGE_SIZE);
	dma_sync_single_for_device(d->dev, d->check_dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
}

/*
 * Take the engine for one VERIFY: wait for it (-EINTR when killed), take it
 * back into use when a timed-out transfer has finished since (-EIO while it
 * still runs), map the check page (-ENOMEM; -EIO when the device cannot
 * reach any page under its mask) and poison it. On success the
 * caller holds d->engine until dmab_edu_unclaim().
 */
int dmab_edu_claim(struct dmab_dev *d)
{
	int ret;

	if (mutex_lock_killable(&d->engine))
		return -EINTR;
	if (d->engine_dead) {
		if (readl(d->bar + EDU_REG_CMD) & EDU_CMD_RUN) {
			ret = -EIO;
			goto err;
		}
		d->engine_dead = false;	/* the late transfer is over */
		dev_info(d->dev, "edu DMA engine idle again: back in use\n");
	}
	ret = dmab_edu_check_page(d);
	if (ret)
		goto err;
	dmab_check_poison(d);
	return 0;
err:
	mutex_unlock(&d->engine);
	return ret;
}

void dmab_edu_unclaim(struct dmab_dev *d)
{
	mutex_unlock(&d->engine);
}
