// SPDX-License-Identifier: GPL-2.0
/*
 * Devices: the registry (ids are stable indexes: a PCI device bound again
 * gets its old slot back, no other device ever takes it), the PCI
 * driver (edu functions and devices bound through driver_override), the
 * platform devices the module creates; DEV_INFO and SET_MASK; how a
 * device's DMA is served (dma-direct, swiotlb, iommu-dma) and its IOMMU
 * domain type.
 */
#include "dmabench.h"

#include <linux/iommu.h>
#include <linux/nospec.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

struct dmab_dev dmab_devs[DMABENCH_MAX_DEVICES];
unsigned int dmab_ndevs;
DEFINE_MUTEX(dmab_devs_lock);
static DECLARE_WAIT_QUEUE_HEAD(dmab_devs_wq);

/* ------------------------------------------------------------------ */
/* device table                                                        */

struct dmab_dev *dmab_dev_get(u32 id)
{
	struct dmab_dev *d = NULL;

	mutex_lock(&dmab_devs_lock);
	if (id < dmab_ndevs) {
		id = array_index_nospec(id, DMABENCH_MAX_DEVICES);
		if (dmab_devs[id].dev && !dmab_devs[id].gone) {
			d = &dmab_devs[id];
			atomic_inc(&d->refs);
		}
	}
	mutex_unlock(&dmab_devs_lock);
	return d;
}

/*
 * Another reference on a device an object of the caller already holds
 * (GET_SGTABLE: the table pins its allocation's device): false once the
 * device is being removed, like dmab_dev_get(), so that removal, which
 * waits for refs to reach 0, meets no new object.
 */
bool dmab_dev_hold(struct dmab_dev *d)
{
	bool ok;

	mutex_lock(&dmab_devs_lock);
	ok = d->dev && !d->gone;
	if (ok)
		atomic_inc(&d->refs);
	mutex_unlock(&dmab_devs_lock);
	return ok;
}

void dmab_dev_put(struct dmab_dev *d)
{
	if (atomic_dec_and_test(&d->refs))
		wake_up_all(&dmab_devs_wq);
}

/*
 * A new slot, or the slot @dev had before it was removed (same name: a PCI
 * function unbound and bound again keeps its id, and bind / unbind cycles
 * do not use up the table); -ENOSPC when all are taken.
 */
static int dmab_dev_add(struct device *dev, u32 kind, struct platform_device *pdev, void __iomem *bar)
{
	struct dmab_dev *d;
	unsigned int i;
	int id = -ENOSPC;

	mutex_lock(&dmab_devs_lock);
	for (i = 0; i < dmab_ndevs; i++)
		if (!dmab_devs[i].dev && dmab_devs[i].gone && !strcmp(dmab_devs[i].name, dev_name(dev)))
			id = i;
	if (id < 0 && dmab_ndevs < DMABENCH_MAX_DEVICES)
		id = dmab_ndevs++;
	if (id >= 0) {
		d = &dmab_devs[id];
		strscpy(d->name, dev_name(dev), sizeof(d->name));
		d->kind = kind;
		d->pdev = pdev;
		d->gone = false;
		d->bar = bar;
		mutex_init(&d->engine);
		d->engine_dead = false;
		d->check = NULL;
		d->check_remap = false;
		atomic_set(&d->objects, 0);
		atomic_set(&d->refs, 0);
		d->dev = dev;
	}
	mutex_unlock(&dmab_devs_lock);
	return id;
}

/*
 * Make the device unreachable for new objects, then wait until every
 * object using it is gone (the files holding them are closed). Waits in
 * 10 s slices so that the hung-task detector stays quiet.
 */
static void dmab_dev_remove(unsigned int id)
{
	struct dmab_dev *d = &dmab_devs[id];

	mutex_lock(&dmab_devs_lock);
	d->gone = true;
	mutex_unlock(&dmab_devs_lock);

	while (!wait_event_timeout(dmab_devs_wq, atomic_read(&d->refs) == 0, 10 * HZ))
		dev_info(d->dev, "remove: waiting for %d live dmabench objects (close their files)\n",
			 atomic_read(&d->objects));

	mutex_lock(&dmab_devs_lock);
	d->dev = NULL;
	d->pdev = NULL;
	mutex_unlock(&dmab_devs_lock);
}

/* ------------------------------------------------------------------ */
/* DMA ops and IOMMU domain of a device                                */

u32 dmab_ops_kind(struct device *dev)
{
	struct iommu_domain *dom;

	if (dmab_compat_dma_direct(dev))
		return dmab_compat_swiotlb_force_bounce(dev) ? DMABENCH_OPS_SWIOTLB : DMABENCH_OPS_DIRECT;
	dom = iommu_get_domain_for_dev(dev);
	if (dom && dmab_compat_domain_dma_api(dom))
		return DMABENCH_OPS_IOMMU;
	return DMABENCH_OPS_OTHER;
}

u32 dmab_domain_type(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	if (!dom)
		return DMABENCH_DOMAIN_NONE;
	return dmab_compat_domain_type(dom);
}

/* Does iommu-dma translate @dev's mappings (strict or lazy)? */
bool dmab_iommu_dma_domain(struct device *dev)
{
	u32 dt = dmab_domain_type(dev);

	return dmab_ops_kind(dev) == DMABENCH_OPS_IOMMU &&
	       (dt == DMABENCH_DOMAIN_DMA || dt == DMABENCH_DOMAIN_DMA_FQ);
}

/* ------------------------------------------------------------------ */
/* ioctls                                                              */

long dmab_ioc_dev_info(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_dev_info *in = arg;
	struct iommu_group *grp;
	struct dmab_dev *d;
	struct device *dev;

	if (!DMAB_RESERVED_OK(*in))
		return -EINVAL;
	d = dmab_dev_get(in->dev);
	if (!d)
		return -ENODEV;
	dev = d->dev;
	in->kind = d->kind;
	in->ops = dmab_ops_kind(dev);
	in->domain_type = dmab_domain_type(dev);
	in->iommu_group = -1;
	grp = iommu_group_get(dev);
	if (grp) {
		in->iommu_group = iommu_group_id(grp);
		iommu_group_put(grp);
	}
	in->coherent = dev_is_dma_coherent(dev);
	in->dma_mask = dev->dma_mask ? *dev->dma_mask : 0;
	in->coherent_dma_mask = dev->coherent_dma_mask;
	in->max_mapping_size = dma_max_mapping_size(dev);
	in->seg_boundary = dma_get_seg_boundary(dev);
	in->max_seg_size = dma_get_max_seg_size(dev);
	in->live_objects = atomic_read(&d->objects);
	memset(in->name, 0, sizeof(in->name));
	strscpy(in->name, dev_name(dev), sizeof(in->name));
	dmab_dev_put(d);
	return copy_to_user(uarg, in, sizeof(*in)) ? -EFAULT : 0;
}

long dmab_ioc_set_mask(struct dmab_file *f, void *arg, void __user *uarg)
{
	struct dmabench_set_mask *in = arg;
	struct dmab_dev *d;
	int ret;

	if (!DMAB_RESERVED_OK(*in))
		return -EINVAL;
	if (in->bits < 12 || in->bits > 64)
		return -EINVAL;
	mutex_lock(&dmab_devs_lock);
	if (in->dev >= dmab_ndevs) {
		ret = -ENODEV;
		goto out;
	}
	d = &dmab_devs[array_index_nospec(in->dev, DMABENCH_MAX_DEVICES)];
	if (!d->dev || d->gone) {
		ret = -ENODEV;
		goto out;
	}
	if (d->kind != DMABENCH_DEV_PLATFORM && d->kind != DMABENCH_DEV_EDU) {
		ret = -EINVAL;
		goto out;
	}
	/* no object and no in-flight ioctl uses it; new users wait for the lock */
	if (atomic_read(&d->refs)) {
		ret = -EBUSY;
		goto out;
	}
	/*
	 * under dmab_devs_lock (a mutex: a dma_map_ops ->dma_supported may
	 * sleep), so no dmab_dev_get() slips in between; edu: its check page
	 * is mapped again at the next VERIFY
	 */
	ret = dma_set_mask_and_coherent(d->dev, DMA_BIT_MASK(in->bits));
	if (!ret)
		d->check_remap = true;
out:
	mutex_unlock(&dmab_devs_lock);
	return ret;
}

/* ------------------------------------------------------------------ */
/* PCI driver (edu + driver_override) and platform devices            */

#define DMAB_EDU_VENDOR	0x1234
#define DMAB_EDU_DEVICE	0x11e8

static int dmab_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	u32 kind = (pdev->vendor == DMAB_EDU_VENDOR && pdev->device == DMAB_EDU_DEVICE) ?
		   DMABENCH_DEV_EDU : DMABENCH_DEV_BOUND;
	void __iomem *bar = NULL;
	int ret, slot;

	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		goto err;
	/*
	 * edu stands for a device without a segment limit (its engine takes
	 * one address per command; the module splits transfers): without
	 * this the PCI default of 64 KiB would refuse every larger shared
	 * segment. A device bound through driver_override keeps its own.
	 */
	if (kind == DMABENCH_DEV_EDU) {
		dma_set_max_seg_size(&pdev->dev, UINT_MAX);
		bar = dmab_edu_map(pdev);
	}
	slot = dmab_dev_add(&pdev->dev, kind, NULL, bar);
	if (slot < 0) {
		ret = slot;
		goto err;
	}
	pci_set_drvdata(pdev, (void *)(uintptr_t)(slot + 1));
	dev_info(&pdev->dev, "dmabench device %d (%s)\n", slot,
		 kind == DMABENCH_DEV_EDU ? "edu" : "bound");
	return 0;
err:
	dmab_edu_unmap(pdev, bar);
	pci_clear_master(pdev);
	pci_disable_device(pdev);
	return ret;
}

/* Blocks until every object on the device is released (see dmab_dev_remove). */
static void dmab_pci_remove(struct pci_dev *pdev)
{
	uintptr_t slot = (uintptr_t)pci_get_drvdata(pdev);

	if (slot) {
		dmab_dev_remove(slot - 1);
		dmab_edu_release(&dmab_devs[slot - 1], &pdev->dev);
		dmab_edu_unmap(pdev, dmab_devs[slot - 1].bar);
		dmab_devs[slot - 1].bar = NULL;
	}
	pci_clear_master(pdev);
	pci_disable_device(pdev);
}

static const struct pci_device_id dmab_pci_ids[] = {
	{ PCI_DEVICE(DMAB_EDU_VENDOR, DMAB_EDU_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, dmab_pci_ids);

static struct pci_driver dmab_pci_driver = {
	.name = DMABENCH_DRIVER_NAME,
	.id_table = dmab_pci_ids,
	.probe = dmab_pci_probe,
	.remove = dmab_pci_remove,
};

static bool dmab_pci_registered;

/* Unregister the PCI driver, then remove the platform devices; also after a failed init. */
void dmab_devs_exit(void)
{
	unsigned int i;

	if (dmab_pci_registered)
		pci_unregister_driver(&dmab_pci_driver);
	for (i = 0; i < dmab_ndevs; i++) {
		struct platform_device *pdev = dmab_devs[i].pdev;

		if (dmab_devs[i].kind == DMABENCH_DEV_PLATFORM && pdev) {
			dmab_dev_remove(i);
			platform_device_unregister(pdev);
		}
	}
}

/* Create @nplatform platform devices, then register the PCI driver; undo with dmab_devs_exit(). */
int dmab_devs_init(unsigned int nplatform)
{
	struct platform_device_info info = {
		.name = DMABENCH_DRIVER_NAME,
		.dma_mask = DMA_BIT_MASK(64),
	};
	struct platform_device *pdev;
	unsigned int i;
	int ret;

	for (i = 0; i < nplatform; i++) {
		info.id = i;
		pdev = platform_device_register_full(&info);
		if (IS_ERR(pdev))
			return PTR_ERR(pdev);
		dma_set_max_seg_size(&pdev->dev, UINT_MAX);	/* no segment limit, like edu */
		ret = dmab_dev_add(&pdev->dev, DMABENCH_DEV_PLATFORM, pdev, NULL);
		if (ret < 0) {
			platform_device_unregister(pdev);
			return ret;
		}
	}

	ret = pci_register_driver(&dmab_pci_driver);
	if (ret)
		return ret;
	dmab_pci_registered = true;
	return 0;
}
