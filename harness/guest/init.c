// SPDX-License-Identifier: GPL-2.0
/*
 * init.c - PID 1 of the dmabench guest (also runnable as a normal process
 * on a real machine with DMABENCH_HOST=1, for `dmabench run --host`).
 *
 * Guest: mount proc, sysfs, devtmpfs, debugfs; print "dmabench-init: start"
 * on the console; load /lib/dmabench.ko (finit_module); open the results
 * channel (/dev/ttyS1, raw); send env.json; run the jobs of DMABENCH_JOB
 * (the job table lib/jobs.c) in order; send each job's file; send
 * dmesg.txt; end with "DMABENCH-END <status>"; sync and power off.
 *
 * Results channel records:
 *   DMABENCH-FILE <name> <nbytes>\n<exactly nbytes bytes>
 *   DMABENCH-END <status>\n           (0: every job ran and exited 0)
 * Console lines for the host:
 *   dmabench-init: start
 *   dmabench-progress: <job> <i>/<n> <name>
 *   dmabench-init: error: <reason>
 *   dmabench-init: done status=<N>
 *
 * Environment (kernel cmdline words with '=' and no dot reach init as env):
 *   DMABENCH_JOB            comma list of jobs (lib/jobs.c; empty: env.json only); a job
 *                           not built for this arch is skipped with a console line
 *   DMABENCH_BACKEND        backend name (recorded in env.json)
 *   DMABENCH_EXPECT_OPS     expected ops of the edu devices (passed to tests)
 *   DMABENCH_EXPECT_DOMAIN  expected domain type (passed to tests)
 *   DMABENCH_RESULTS        results channel path (default /dev/ttyS1; arm64:
 *                           /dev/hvc0, a virtio console whose modules init loads
 *                           from /lib/mods/<n>-<name>.ko in name order first)
 *   DMABENCH_HOST=1         host mode: no mounts, no module load, no power off;
 *                           programs are looked up next to this binary
 *                           (<dir>/bin/va, <dir>/tests/) unless DMABENCH_ROOT is set
 *   DMABENCH_ROOT           prefix for /bin, /tests, /lib/dmabench.ko
 *   DMABENCH_MODPARAMS      module parameters for finit_module (also taken:
 *                           "dmabench.<p>=<v>" words of /proc/cmdline)
 *   DMABENCH_TEST_TIMEOUT   per-test timeout in seconds (default 300)
 *   DMABENCH_TEST_ONLY      comma list of test names to run (default: all)
 *   DMABENCH_JOB_TIMEOUT    va / lat timeout in seconds (default 1800)
 *   DMABENCH_<JOB>_ARGS     extra arguments of a job's program (space separated; the
 *                           variable of each job is in lib/jobs.c)
 *   DMABENCH_DEV_KIND       device kind under test: edu (default) or platform (the
 *                           module's own devices: env.json's mode describes them
 *                           and va / lat get --dev (and --dev2) of the first two)
 *   DMABENCH_EXPECT_COHERENT yes | no: expected dev_is_dma_coherent() of those
 *                           devices (passed to tests, part of mode.matches_expect)
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "dmab.h"
#include "jobs.h"
#include "json.h"
#include "names.h"
#include "procinfo.h"
#include "runner.h"
#include "util.h"

#define MAX_JOBS 16

static bool g_host;		/* DMABENCH_HOST=1 */
static bool g_pid1;
static int g_res = -1;		/* results channel */
static int g_res_err;		/* first write error on it */
static char g_root[1024];	/* "" in the guest */
static char g_tmp[256];
static char g_module_err[4096];	/* "" when the module is usable */
static int g_test_devs[2] = { -1, -1 };	/* first two devices of DMABENCH_DEV_KIND */

static void con(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void con(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	(void)!write(1, buf, (size_t)n);
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v ? v : def;
}

/* ---- results channel ---- */

static int open_results(const char *path)
{
	struct termios t;
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | (g_host ? O_CREAT | O_TRUNC : 0), 0644);

	if (fd < 0)
		return -errno;
	if (isatty(fd) && tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		t.c_cflag |= CLOCAL;
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

static void res_write(const void *buf, size_t n)
{
	int ret;

	if (g_res < 0)
		return;
	ret = write_all(g_res, buf, n);
	if (ret && !g_res_err) {
		g_res_err = ret;
		con("dmabench-init: error: results channel write: %s", strerror(-ret));
	}
}

static void send_buf(const char *name, const void *buf, size_t n)
{
	char hdr[300];
	int hl = snprintf(hdr, sizeof(hdr), "DMABENCH-FILE %s %zu\n", name, n);

	res_write(hdr, (size_t)hl);
	res_write(buf, n);
	con("dmabench-init: sent %s (%zu bytes)", name, n);
}

/* Send a file from disk; returns 0 or -errno (nothing sent then). */
static int send_path(const char *name, const char *path)
{
	struct sbuf b = { 0 };
	int ret = read_file_sb(path, &b);

	if (!ret)
		send_buf(name, b.p ? b.p : "", b.len);
	sb_free(&b);
	return ret;
}

/* ---- setup ---- */

static int do_mount(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) && errno != EBUSY)
		return -errno;
	return 0;
}

static int setup_mounts(char *err, size_t elen)
{
	static const struct { const char *src, *dir, *type; bool needed; } m[] = {
		{ "proc", "/proc", "proc", true },
		{ "sysfs", "/sys", "sysfs", true },
		{ "devtmpfs", "/dev", "devtmpfs", true },
		{ "debugfs", "/sys/kernel/debug", "debugfs", true },
		{ "tmpfs", "/tmp", "tmpfs", false },
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		ret = do_mount(m[i].src, m[i].dir, m[i].type);
		if (ret && m[i].needed) {
			snprintf(err, elen, "mount %s on %s: %s", m[i].type, m[i].dir, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* stdio on /dev/console (the kernel may have found no /dev/console in the initramfs) */
static void setup_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static void module_params(char *buf, size_t len)
{
	char *cmdline = NULL, *tok, *save;
	const char *extra = getenv("DMABENCH_MODPARAMS");
	size_t pos = 0;

	buf[0] = '\0';
	if (extra && *extra)
		pos += (size_t)snprintf(buf, len, "%s", extra);
	if (dmab_read_text("/proc/cmdline", &cmdline, 65536))
		return;
	for (tok = strtok_r(cmdline, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		if (strncmp(tok, "dmabench.", 9) || !strchr(tok, '=') || pos >= len)
			continue;
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", pos ? " " : "", tok + 9);
	}
	free(cmdline);
}

static int load_module(const char *path, char *err, size_t elen)
{
	char params[1024];
	int fd, ret = 0;

	module_params(params, sizeof(params));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, elen, "open %s: %s", path, strerror(errno));
		return ret;
	}
	if (syscall(SYS_finit_module, fd, params, 0) != 0) {
		if (errno == EEXIST) {
			ret = 0;
		} else {
			ret = -errno;
			snprintf(err, elen, "finit_module %s%s%s: %s", path, params[0] ? " " : "", params,
				 strerror(errno));
		}
	}
	close(fd);
	if (!ret)
		con("dmabench-init: loaded %s%s%s", path, params[0] ? " " : "", params);
	return ret;
}

/*
 * Kernel modules the guest needs before the results channel exists (arm64:
 * virtio_pci + virtio_console for /dev/hvc0): <root>/lib/mods/<n>-<name>.ko, loaded in
 * name order (the build numbers them in dependency order). 0 or -errno.
 */
static int load_extra_modules(char *err, size_t elen)
{
	char dir[1100], path[1400];
	struct dirent **ents = NULL;
	int n, i, ret = 0;

	snprintf(dir, sizeof(dir), "%s/lib/mods", g_root);
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);
		int fd;

		if (!ret && l > 3 && !strcmp(ents[i]->d_name + l - 3, ".ko")) {
			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)) {
				ret = -errno;
				snprintf(err, elen, "module %.300s: %s", ents[i]->d_name, strerror(errno));
			}
			if (fd >= 0)
				close(fd);
		}
		free(ents[i]);
	}
	free(ents);
	return ret;
}

/* ---- env.json ---- */

static void json_text_file(struct dmab_json *j, const char *key, const char *path)
{
	char *t = NULL;

	dmab_json_key(j, key);
	if (dmab_read_text(path, &t, 1 << 20) == 0)
		dmab_json_str(j, t);
	else
		dmab_json_null(j);
	free(t);
}

static int cmp_group(const void *a, const void *b)
{
	long x = atol(*(char *const *)a), y = atol(*(char *const *)b);

	return (x > y) - (x < y);
}

static void json_iommu_groups(struct dmab_json *j)
{
	struct test_list groups = { 0 };
	DIR *d = opendir("/sys/kernel/iommu_groups");
	struct dirent *e;
	size_t cap = 0, i;

	dmab_json_key(j, "iommu_groups");
	dmab_json_arr_begin(j);
	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (groups.n == cap) {
			char **nn;

			cap = cap ? cap * 2 : 16;
			nn = realloc(groups.names, cap * sizeof(*nn));
			if (!nn)
				break;
			groups.names = nn;
		}
		groups.names[groups.n] = strdup(e->d_name);
		if (groups.names[groups.n])
			groups.n++;
	}
	if (d)
		closedir(d);
	if (groups.n)
		qsort(groups.names, groups.n, sizeof(char *), cmp_group);
	for (i = 0; i < groups.n; i++) {
		char path[512];
		struct test_list devs = { 0 };
		size_t k;

		dmab_json_obj_begin(j);
		dmab_json_kv_i64(j, "group", atol(groups.names[i]));
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/type", groups.names[i]);
		json_text_file(j, "type", path);
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices", groups.names[i]);
		dmab_json_key(j, "devices");
		dmab_json_arr_begin(j);
		/* devices are symlinks: list names directly */
		d = opendir(path);
		while (d && (e = readdir(d))) {
			char **nn;

			if (e->d_name[0] == '.')
				continue;
			nn = realloc(devs.names, (devs.n + 1) * sizeof(*nn));
			if (!nn)
				break;
			devs.names = nn;
			devs.names[devs.n] = strdup(e->d_name);
			if (devs.names[devs.n])
				devs.n++;
		}
		if (d)
			closedir(d);
		if (devs.n)
			qsort(devs.names, devs.n, sizeof(char *), cmp_str);
		for (k = 0; k < devs.n; k++)
			dmab_json_str(j, devs.names[k]);
		test_list_free(&devs);
		dmab_json_arr_end(j);
		dmab_json_obj_end(j);
	}
	test_list_free(&groups);
	dmab_json_arr_end(j);
}

static void json_hex(struct dmab_json *j, const char *key, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "0x%llx", (unsigned long long)v);
	dmab_json_kv_str(j, key, b);
}

static int mask_bits(uint64_t m)
{
	return m == 0 ? 0 : 64 - __builtin_clzll(m);
}

/* Kernel log lines (klogctl) that contain any of the needles, as a JSON array. */
static void json_klog_lines(struct dmab_json *j, const char *key, const char *const *needles, int max)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *line, *save;
	int n, count = 0;

	dmab_json_key(j, key);
	dmab_json_arr_begin(j);
	if (size > 0 && (buf = malloc((size_t)size + 1))) {
		n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
		if (n > 0) {
			buf[n] = '\0';
			for (line = strtok_r(buf, "\n", &save); line && count < max;
			     line = strtok_r(NULL, "\n", &save)) {
				const char *const *p;

				if (line[0] == '<' && strchr(line, '>'))
					line = strchr(line, '>') + 1;
				/* the command line and init's environment echo every word */
				if (strstr(line, "ommand line") || strstr(line, "DMABENCH_"))
					continue;
				for (p = needles; *p; p++)
					if (strstr(line, *p)) {
						dmab_json_str(j, line);
						count++;
						break;
					}
			}
		}
		free(buf);
	}
	dmab_json_arr_end(j);
}

/* dmabench's arch name of this machine ("x86_64", "arm64"), for the job table */
static const char *guest_arch(void)
{
	static struct utsname u;

	if (!u.machine[0] && uname(&u))
		return "?";
	return strcmp(u.machine, "aarch64") ? u.machine : "arm64";
}

static int build_env_json(struct sbuf *out)
{
	static const char *const swiotlb_needles[] = { "software IO TLB", NULL };
	static const char *const iommu_needles[] = { "DMAR:", "AMD-Vi:", "iommu:", "IOMMU", "iommu ", NULL };
	struct dmab_json j;
	struct utsname u;
	struct dmab_meminfo mi;
	struct dmab_vmallocinfo vi;
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f = open_memstream(&mem, &memlen);
	int fd, ret;

	if (!f)
		return -errno;
	dmab_json_init(&j, f, 2);
	dmab_json_obj_begin(&j);
	dmab_json_kv_u64(&j, "schema", 1);
	dmab_json_kv_bool(&j, "host_mode", g_host);
	dmab_json_kv_str(&j, "backend", getenv("DMABENCH_BACKEND"));
	dmab_json_kv_str(&j, "jobs", getenv("DMABENCH_JOB"));
	dmab_json_key(&j, "uname");
	dmab_json_obj_begin(&j);
	if (uname(&u) == 0) {
		dmab_json_kv_str(&j, "sysname", u.sysname);
		dmab_json_kv_str(&j, "release", u.release);
		dmab_json_kv_str(&j, "version", u.version);
		dmab_json_kv_str(&j, "machine", u.machine);
	}
	dmab_json_obj_end(&j);
	json_text_file(&j, "cmdline", "/proc/cmdline");

	dmab_json_key(&j, "expect");
	dmab_json_obj_begin(&j);
	dmab_json_kv_str(&j, "ops", getenv("DMABENCH_EXPECT_OPS"));
	dmab_json_kv_str(&j, "domain", getenv("DMABENCH_EXPECT_DOMAIN"));
	dmab_json_obj_end(&j);

	json_iommu_groups(&j);

	/* module and its devices */
	dmab_json_key(&j, "module");
	dmab_json_obj_begin(&j);
	fd = g_module_err[0] ? -1 : dmab_open(NULL);
	if (fd < 0 && !g_module_err[0])
		snprintf(g_module_err, sizeof(g_module_err), "open %s: %s", DMABENCH_CTL_PATH, strerror(-fd));
	dmab_json_kv_bool(&j, "ok", fd >= 0);
	dmab_json_kv_str(&j, "error", g_module_err[0] ? g_module_err : NULL);
	struct dmabench_info info;
	bool have_info = fd >= 0 && dmab_info(fd, &info) == 0;
	if (have_info) {
		dmab_json_kv_u64(&j, "abi_version", info.abi_version);
		dmab_json_kv_u64(&j, "ndevs", info.ndevs);
		dmab_json_kv_u64(&j, "max_alloc_size", info.max_alloc_size);
		dmab_json_kv_u64(&j, "max_objects", info.max_objects);
		dmab_json_kv_u64(&j, "max_lat_iters", info.max_lat_iters);
		dmab_json_kv_u64(&j, "page_size", info.page_size);
	}
	dmab_json_obj_end(&j);

	uint32_t mode_ops = 0, mode_dom = 0, mode_coh = 0, nedu = 0;
	bool uniform = true;
	const char *kind_env = env_or("DMABENCH_DEV_KIND", "edu");
	uint32_t mode_kind = !strcmp(kind_env, "platform") ? DMABENCH_DEV_PLATFORM : DMABENCH_DEV_EDU;

	dmab_json_key(&j, "devices");
	dmab_json_arr_begin(&j);
	for (uint32_t d = 0; have_info && d < info.ndevs && d < DMABENCH_MAX_DEVICES; d++) {
		struct dmabench_dev_info di;
		char name[sizeof(di.name) + 1];

		if (dmab_dev_info(fd, d, &di))
			continue;
		memcpy(name, di.name, sizeof(di.name));
		name[sizeof(di.name)] = '\0';
		dmab_json_obj_begin(&j);
		dmab_json_kv_u64(&j, "id", d);
		dmab_json_kv_str(&j, "name", name);
		dmab_json_kv_str(&j, "kind", dmab_name_or(dmab_dev_kind_names, di.kind));
		dmab_json_kv_str(&j, "ops", dmab_name_or(dmab_ops_names, di.ops));
		dmab_json_kv_str(&j, "domain", dmab_name_or(dmab_domain_names, di.domain_type));
		dmab_json_kv_i64(&j, "group", di.iommu_group);
		dmab_json_kv_bool(&j, "coherent", di.coherent != 0);
		json_hex(&j, "dma_mask", di.dma_mask);
		dmab_json_kv_i64(&j, "dma_mask_bits", mask_bits(di.dma_mask));
		json_hex(&j, "coherent_dma_mask", di.coherent_dma_mask);
		dmab_json_kv_i64(&j, "coherent_dma_mask_bits", mask_bits(di.coherent_dma_mask));
		dmab_json_kv_u64(&j, "max_seg_size", di.max_seg_size);
		dmab_json_kv_u64(&j, "max_mapping_size", di.max_mapping_size);
		json_hex(&j, "seg_boundary", di.seg_boundary);
		dmab_json_kv_u64(&j, "live_objects", di.live_objects);
		dmab_json_obj_end(&j);
		if (di.kind == mode_kind) {
			if (nedu && (di.ops != mode_ops || di.domain_type != mode_dom || !di.coherent != !mode_coh))
				uniform = false;
			if (!nedu) {
				mode_ops = di.ops;
				mode_dom = di.domain_type;
				mode_coh = di.coherent;
			}
			if (nedu < 2)
				g_test_devs[nedu] = (int)d;
			nedu++;
		}
	}
	dmab_json_arr_end(&j);
	if (fd >= 0)
		close(fd);

	/* effective mode: what the devices under test (edu unless DMABENCH_DEV_KIND) use */
	dmab_json_key(&j, "mode");
	dmab_json_obj_begin(&j);
	dmab_json_kv_str(&j, "dev_kind", mode_kind == DMABENCH_DEV_PLATFORM ? "platform" : "edu");
	dmab_json_kv_u64(&j, "edu_devices", nedu);	/* devices of dev_kind */
	dmab_json_key(&j, "coherent");
	if (!nedu || !uniform)
		dmab_json_null(&j);
	else
		dmab_json_bool(&j, mode_coh != 0);
	dmab_json_kv_str(&j, "ops", !nedu ? NULL : uniform ? dmab_name_or(dmab_ops_names, mode_ops) : "mixed");
	dmab_json_kv_str(&j, "domain",
			 !nedu ? NULL : uniform ? dmab_name_or(dmab_domain_names, mode_dom) : "mixed");
	dmab_json_kv_bool(&j, "uniform", uniform);
	{
		const char *eo = getenv("DMABENCH_EXPECT_OPS"), *ed = getenv("DMABENCH_EXPECT_DOMAIN");
		const char *ec = getenv("DMABENCH_EXPECT_COHERENT");
		bool coh_ok = !ec || !*ec || !strcmp(ec, mode_coh ? "yes" : "no");

		dmab_json_key(&j, "matches_expect");
		if (!nedu || !eo || !ed || !*eo || !*ed)
			dmab_json_null(&j);
		else
			dmab_json_bool(&j, uniform && coh_ok && dmab_value_of(dmab_ops_names, eo) == (int)mode_ops &&
					   dmab_value_of(dmab_domain_names, ed) == (int)mode_dom);
	}
	dmab_json_obj_end(&j);

	dmab_json_key(&j, "meminfo");
	dmab_json_obj_begin(&j);
	if (dmab_meminfo_read_path(NULL, &mi) == 0) {
		dmab_json_kv_u64(&j, "mem_total", mi.mem_total);
		dmab_json_kv_u64(&j, "mem_free", mi.mem_free);
		dmab_json_kv_u64(&j, "vmalloc_used", mi.vmalloc_used);
	}
	if (dmab_vmallocinfo_read_path(NULL, &vi) == 0) {
		dmab_json_kv_u64(&j, "vmallocinfo_bytes", vi.bytes);
		dmab_json_kv_u64(&j, "vmallocinfo_areas", vi.areas);
		dmab_json_kv_u64(&j, "vmallocinfo_unpurged_bytes", vi.unpurged_bytes);
	}
	dmab_json_obj_end(&j);

	json_klog_lines(&j, "swiotlb", swiotlb_needles, 20);
	json_klog_lines(&j, "iommu_log", iommu_needles, 40);
	dmab_json_obj_end(&j);
	ret = dmab_json_finish(&j);
	fclose(f);
	if (!ret)
		sb_add(out, mem, memlen);
	free(mem);
	return ret;
}

/* ---- jobs ---- */

static void progress_test(size_t i, size_t n, const char *name)
{
	con("dmabench-progress: test %zu/%zu %s", i, n, name);
}

static unsigned int env_uint(const char *name, unsigned int def)
{
	const char *v = getenv(name);
	char *ep;
	unsigned long x;

	if (!v || !*v)
		return def;
	x = strtoul(v, &ep, 10);
	return (*ep || x == 0 || x > 86400) ? def : (unsigned int)x;
}

/* Run <root>/<prog> <tmp>/<result> [extra args]; send <result>. 0 = ran, exit 0. */
static int job_prog(const struct dmab_job *j)
{
	const char *name = j->name, *extra_env = j->args_env;
	char prog[2048], out[512], desc[128], outname[64];
	char *argv[34], *extra = NULL, *tok, *save;
	unsigned int timeout = env_uint("DMABENCH_JOB_TIMEOUT", 1800);
	struct child_res r;
	int argc = 0, ret, ok;

	snprintf(prog, sizeof(prog), "%s/%s", g_root, j->prog);
	snprintf(out, sizeof(out), "%s/%s", g_tmp, j->result);
	snprintf(outname, sizeof(outname), "%s", j->result);
	unlink(out);
	argv[argc++] = prog;
	argv[argc++] = out;
	if (getenv(extra_env) && (extra = strdup(getenv(extra_env))))
		for (tok = strtok_r(extra, " ", &save); tok && argc < 33; tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
	argv[argc] = NULL;
	if (access(prog, X_OK)) {
		con("dmabench-init: error: job %s: %s: %s", name, prog, strerror(errno));
		free(extra);
		return 1;
	}
	ret = dmab_run_child(argv, DMAB_CHILD_REAP, timeout, &r);
	free(extra);
	dmab_child_status(&r, timeout, desc, sizeof(desc));
	ok = !ret && !r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
	if (!ret && !r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 4) {
		/* kselftest skip: the kernel lacks what the job measures; its SKIP line is above, its result file says so */
		con("dmabench-init: job %s: skipped (exit 4)", name);
		ok = 1;
	}
	con("dmabench-init: job %s: %s (%.1f s)", name, desc, r.secs);
	if (send_path(outname, out))
		con("dmabench-init: error: job %s produced no %s", name, outname);
	unlink(out);
	/* lat --slow-slots: slot k > 0 in <name>_s<k>.json */
	for (int k = 1; k < 8; k++) {
		char sp[600], sn[80];

		snprintf(sp, sizeof(sp), "%s/%s_s%d.json", g_tmp, name, k);
		snprintf(sn, sizeof(sn), "%s_s%d.json", name, k);
		if (access(sp, R_OK))
			continue;
		if (send_path(sn, sp))
			con("dmabench-init: error: job %s: cannot send %s", name, sn);
		unlink(sp);
	}
	sb_free(&r.out);
	return ok ? 0 : 1;
}

static int job_test(void)
{
	char dir[2048];
	struct sbuf ktap = { 0 };
	struct run_totals tot;
	int ret;

	snprintf(dir, sizeof(dir), "%s/tests", g_root);
	ret = run_tests(dir, env_uint("DMABENCH_TEST_TIMEOUT", 300), &ktap, &tot, progress_test);
	send_buf("test.ktap", ktap.p ? ktap.p : "", ktap.len);
	con("dmabench-init: tests: %u passed, %u failed, %u skipped", tot.pass, tot.fail, tot.skip);
	sb_free(&ktap);
	return ret ? 1 : 0;
}

static void send_dmesg(void)
{
	int size = klogctl(10, NULL, 0);
	char *buf;
	int n;

	if (size <= 0 || !(buf = malloc((size_t)size)))
		return;
	n = klogctl(3, buf, size);
	if (n >= 0)
		send_buf("dmesg.txt", buf, (size_t)n);
	free(buf);
}

/*
 * CONFIG_DMA_API_DEBUG (the `make kernel` kernel): its counters after the jobs, on the
 * console ("dmabench-init: dma-api: error_count=N num_errors=N disabled=N") and as
 * dma-api.txt (name=value per line). The kernel's own reports ("DMA-API: ...") are in
 * dmesg.txt.
 */
static void log_dma_api(void)
{
	static const char *const names[] = { "error_count", "num_errors", "all_errors", "disabled",
					     "num_free_entries", "min_free_entries", "nr_total_entries",
					     "driver_filter", NULL };
	char txt[1024] = "", line[256] = "", path[128], v[64];
	size_t tl = 0, ll = 0;

	for (int i = 0; names[i]; i++) {
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/sys/kernel/debug/dma-api/%s", names[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, v, sizeof(v) - 1);
		close(fd);
		if (n < 0)
			continue;
		while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == ' '))
			n--;
		v[n] = 0;
		if (tl < sizeof(txt))
			tl += (size_t)snprintf(txt + tl, sizeof(txt) - tl, "%s=%s\n", names[i], v);
		if (i < 4 && ll < sizeof(line))
			ll += (size_t)snprintf(line + ll, sizeof(line) - ll, " %s=%s", names[i], v);
	}
	con("dmabench-init: dma-api:%s", line);
	send_buf("dma-api.txt", txt, strnlen(txt, sizeof(txt)));
}

static void cleanup_tmp(void)
{
	DIR *d;
	struct dirent *e;

	if (!g_host || !g_tmp[0])
		return;
	d = opendir(g_tmp);
	while (d && (e = readdir(d))) {
		char p[600];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", g_tmp, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(g_tmp);
}

/* Never returns in the guest. */
static int finish(int status)
{
	char end[64];
	int n = snprintf(end, sizeof(end), "DMABENCH-END %d\n", status);

	res_write(end, (size_t)n);
	if (g_res >= 0) {
		if (isatty(g_res))
			tcdrain(g_res);
		fsync(g_res);
		close(g_res);
	}
	con("dmabench-init: done status=%d", status);
	cleanup_tmp();
	sync();
	if (!g_pid1)
		return status ? 1 : 0;
	reboot(RB_POWER_OFF);
	con("dmabench-init: error: power off failed: %s", strerror(errno));
	for (;;)
		pause();
}

static void set_root(const char *argv0)
{
	const char *r = getenv("DMABENCH_ROOT");
	char exe[1024];
	ssize_t n;

	if (r) {
		snprintf(g_root, sizeof(g_root), "%s", r);
	} else if (g_host) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = '\0';
		} else {
			snprintf(exe, sizeof(exe), "%s", argv0);
		}
		snprintf(g_root, sizeof(g_root), "%s", dirname(exe));
	} else {
		g_root[0] = '\0';
	}
	while (strlen(g_root) > 1 && g_root[strlen(g_root) - 1] == '/')
		g_root[strlen(g_root) - 1] = '\0';
	if (strcmp(g_root, "/") == 0)
		g_root[0] = '\0';
}

int main(int argc, char **argv)
{
	char err[512] = "", modpath[1100], jobs_buf[256];
	const char *jobs_env, *res_path;
	char *jobs[MAX_JOBS], *tok, *save;
	struct sbuf env = { 0 };
	int njobs = 0, status = 0, ret, i;

	(void)argc;
	g_pid1 = getpid() == 1;
	g_host = strcmp(env_or("DMABENCH_HOST", "0"), "1") == 0;
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IONBF, 0);
	set_root(argv[0]);

	if (!g_host) {
		ret = setup_mounts(err, sizeof(err));
		setup_console();
		if (!getenv("PATH"))
			setenv("PATH", "/bin:/sbin:/usr/bin", 1);
	}
	con("dmabench-init: start");
	if (err[0]) {
		con("dmabench-init: error: %s", err);
		status = 2;
	}

	if (g_host) {
		snprintf(g_tmp, sizeof(g_tmp), "%s/dmabench-XXXXXX", env_or("TMPDIR", "/tmp"));
		if (!mkdtemp(g_tmp)) {
			con("dmabench-init: error: mkdtemp %s: %s", g_tmp, strerror(errno));
			g_tmp[0] = '\0';
			status = 2;
		}
	} else {
		snprintf(g_tmp, sizeof(g_tmp), "/tmp");
		mkdir(g_tmp, 01777);
	}

	res_path = getenv("DMABENCH_RESULTS");
	if (!res_path || !*res_path) {
		if (g_host) {
			con("dmabench-init: error: DMABENCH_RESULTS must be set in host mode");
			return finish(2);
		}
		res_path = "/dev/ttyS1";
	}
	if (!g_host) {
		ret = load_extra_modules(err, sizeof(err));
		if (ret)
			con("dmabench-init: error: %s", err);
	}
	g_res = open_results(res_path);
	/* a just-loaded driver's tty: the node (ENOENT) and the port (ENODEV) come later */
	for (int t = 0; !g_host && t < 5000 && (g_res == -ENOENT || g_res == -ENODEV); t += 20) {
		usleep(20000);
		g_res = open_results(res_path);
	}
	if (g_res < 0) {
		con("dmabench-init: error: results channel %s: %s", res_path, strerror(-g_res));
		g_res = -1;
		status = 2;
	}

	if (!g_host && !status) {
		snprintf(modpath, sizeof(modpath), "%s/lib/dmabench.ko", g_root);
		if (load_module(modpath, g_module_err, sizeof(g_module_err))) {
			con("dmabench-init: error: module: %s", g_module_err);
			status = 2;
		}
	}

	ret = build_env_json(&env);
	if (ret) {
		con("dmabench-init: error: env.json: %s", strerror(-ret));
		status = status ? status : 1;
	} else {
		send_buf("env.json", env.p, env.len);
	}
	sb_free(&env);
	if (status)
		return finish(status);

	/* platform devices under test: va / lat run on them (appended: explicit args win last) */
	if (!strcmp(env_or("DMABENCH_DEV_KIND", "edu"), "platform")) {
		char a[512];

		if (g_test_devs[0] < 0) {
			con("dmabench-init: error: DMABENCH_DEV_KIND=platform but no platform device");
			return finish(2);
		}
		snprintf(a, sizeof(a), "%s --dev %d", env_or("DMABENCH_VA_ARGS", ""), g_test_devs[0]);
		setenv("DMABENCH_VA_ARGS", a, 1);
		if (g_test_devs[1] >= 0)
			snprintf(a, sizeof(a), "%s --dev %d --dev2 %d", env_or("DMABENCH_LAT_ARGS", ""),
				 g_test_devs[0], g_test_devs[1]);
		else
			snprintf(a, sizeof(a), "%s --dev %d", env_or("DMABENCH_LAT_ARGS", ""), g_test_devs[0]);
		setenv("DMABENCH_LAT_ARGS", a, 1);
	}

	/*
	 * CONFIG_DMA_API_DEBUG prints only its first error (the rest are only counted):
	 * DMABENCH_DMA_API_NUM_ERRORS=N (e.g. via --append) prints the first N
	 */
	if (!g_host && getenv("DMABENCH_DMA_API_NUM_ERRORS")) {
		int fd = open("/sys/kernel/debug/dma-api/num_errors", O_WRONLY | O_CLOEXEC);
		const char *v = getenv("DMABENCH_DMA_API_NUM_ERRORS");

		if (fd < 0 || write(fd, v, strlen(v)) < 0)
			con("dmabench-init: error: dma-api num_errors=%s: %s", v, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	/* job list (lib/jobs.c) */
	jobs_env = env_or("DMABENCH_JOB", "");
	snprintf(jobs_buf, sizeof(jobs_buf), "%s", jobs_env);
	for (tok = strtok_r(jobs_buf, ", ", &save); tok && njobs < MAX_JOBS; tok = strtok_r(NULL, ", ", &save))
		jobs[njobs++] = tok;
	for (i = 0; i < njobs; i++) {
		if (!dmab_job_find(jobs[i])) {
			con("dmabench-init: error: unknown job '%s' (known: %s)", jobs[i], dmab_job_names());
			return finish(2);
		}
	}
	for (i = 0; i < njobs; i++) {
		const struct dmab_job *j = dmab_job_find(jobs[i]);

		con("dmabench-progress: %s %d/%d %s", jobs[i], i + 1, njobs, jobs[i]);
		if (!dmab_job_on_arch(j, guest_arch())) {
			con("dmabench-init: job %s: skipped: built for %s only, this is %s", j->name, j->arches,
			    guest_arch());
			continue;
		}
		ret = j->prog ? job_prog(j) : job_test();
		if (ret)
			status = 1;
	}
	/* a kernel with CONFIG_DMA_API_DEBUG (make kernel): what it counted during the jobs */
	if (!g_host && !access("/sys/kernel/debug/dma-api/error_count", R_OK))
		log_dma_api();
	if (!g_host)
		send_dmesg();
	return finish(status);
}
