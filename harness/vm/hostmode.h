/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostmode.h - `dmabench run --host`: the guest job on the running kernel.
 * Loads the module built for `uname -r`, binds exactly the --device PCI
 * functions to it (driver_override + drivers_probe), runs the guest runner
 * with DMABENCH_HOST=1 and DMABENCH_RESULTS=<file>, then gives the devices
 * back to their previous drivers and unloads the module (if it loaded it).
 */
#ifndef DMAB_HOSTMODE_H
#define DMAB_HOSTMODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "harness/cli/opts.h"
#include "lib/util.h"

/* The --host module when none is given: build/host-kmod/dmabench.ko, or DKMS's for the running kernel. */
void dmab_host_default_module(const struct dmab_home *h, char *out, size_t len);
/* The "vermagic=" string of a .ko (first word: the kernel release); compressed ones through modinfo. */
int dmab_module_vermagic(const char *ko, char *out, size_t len);
/*
 * Checks before touching anything: root, module present and built for
 * release (NULL: uname -r), each device present under sysfs_root (NULL:
 * "/sys") as bus/pci/devices/<bdf>. Returns 0 or -errno with a message.
 */
int dmab_host_check(const struct dmab_opts *o, const char *release, const char *sysfs_root,
		    bool need_root, char *err, size_t errlen);

struct dmab_host_bound {
	char bdf[16];
	char old_driver[128];
	bool bound;
};

struct dmab_host_state {
	bool loaded;			/* we loaded the module: unload at the end */
	int n;
	struct dmab_host_bound dev[DMAB_MAX_DEVICES];
};

/* Load the module and bind the devices. 0 or -errno with a message (partial work undone). */
int dmab_host_setup(const struct dmab_opts *o, struct dmab_host_state *st, char *err, size_t errlen,
		    FILE *log);
/* Unbind (devices go back to their drivers) and unload. */
void dmab_host_teardown(struct dmab_host_state *st, FILE *log);

#endif
