// SPDX-License-Identifier: GPL-2.0
/*
 * test_topologies.c - the topology table, the QEMU command line of every
 * topology (pair unchanged), --topology/--share parsing, VM labels, and the
 * sharing matrix of summary.md from a fixture share.json.
 */
#define _GNU_SOURCE
#include <errno.h>

#include "harness/cli/opts.h"
#include "harness/plan/qemu.h"
#include "harness/report/results.h"
#include "harness/report/share_summary.h"
#include "lib/test_util.h"
#include "harness/plan/topologies.h"

static int idx(char **argv, const char *s, int from)
{
	for (int i = from; argv && argv[i]; i++)
		if (!strcmp(argv[i], s))
			return i;
	return -1;
}

static int count_prefix(const char *const *v, int max, const char *p)
{
	int n = 0;

	for (int i = 0; i < max && v[i]; i++)
		n += !strncmp(v[i], p, strlen(p));
	return n;
}

static struct dmab_opts o;
static char err[1024];

static int parse(const char *line)
{
	char buf[1024], *argv[64];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *s = NULL, *t = strtok_r(buf, " ", &s); t && argc < 63; t = strtok_r(NULL, " ", &s))
		argv[argc++] = t;
	argv[argc] = NULL;
	dmab_opts_init(&o);
	return dmab_opts_parse(&o, argc, argv, err, sizeof(err));
}

static struct dmab_vm_spec spec(const char *backend, const struct dmab_topology *t, const char *job,
				const char *append)
{
	struct dmab_vm_spec s = {
		.qemu = "qemu-system-x86_64", .kernel = "/boot/vmlinuz-x", .initrd = "/tmp/i.cpio",
		.backend = dmab_backend_find(backend), .job = job, .accel = "tcg",
		.console_path = "/r/x/console.log", .chan_path = "/r/x/channel.raw", .append = append,
		.topology = t,
	};
	return s;
}

static void table_sanity(void)
{
	CHECK(dmab_ntopologies >= 6);
	CHECK(dmab_topology_default() == dmab_topology_find("pair"));
	CHECK(dmab_topology_find("nope") == NULL);
	CHECK(dmab_topology_find(NULL) == NULL);
	for (size_t i = 0; i < dmab_ntopologies; i++) {
		const struct dmab_topology *t = &dmab_topologies[i];
		const char *bad;
		int nd = 0;

		CHECK(t->name && t->note && t->share_args && t->measured);
		CHECK_EQ(dmab_arch_list_check(t->arches, &bad), 0);
		for (size_t k = i + 1; k < dmab_ntopologies; k++)
			CHECK(strcmp(t->name, dmab_topologies[k].name) != 0);
		while (nd < DMAB_TOPO_MAX_DEVICES && t->devices[nd])
			nd++;
		CHECK(nd < DMAB_TOPO_MAX_DEVICES);	/* NULL-terminated */
		/* the edu count matches the devices, every edu has an explicit mask */
		CHECK_EQ(count_prefix(t->devices, DMAB_TOPO_MAX_DEVICES, "edu,dma_mask="), t->nedu);
		CHECK_EQ(count_prefix(t->devices, DMAB_TOPO_MAX_DEVICES, "edu"), t->nedu);
		/* roles: one A, at least one B; edu selectors within the edu count */
		CHECK(strstr(t->share_args, "--a ") != NULL && strstr(t->share_args, "--b ") != NULL);
		for (const char *p = t->share_args; (p = strstr(p, "edu:")); p += 4)
			CHECK(atoi(p + 4) < t->nedu);
		/* the IOMMU device of the backend stays the only one before the test devices */
		CHECK_EQ(count_prefix(t->devices, DMAB_TOPO_MAX_DEVICES, "intel-iommu"), 0);
		CHECK_EQ(count_prefix(t->devices, DMAB_TOPO_MAX_DEVICES, "amd-iommu"), 0);
		CHECK(!t->modparams || !strncmp(t->modparams, "dmabench.", 9));
		/* with a pxb-pcie every device names its bus (else QEMU puts it on the pxb) */
		if (count_prefix(t->devices, DMAB_TOPO_MAX_DEVICES, "pxb-pcie"))
			for (int d = 0; d < nd; d++)
				CHECK(strstr(t->devices[d], "bus=") != NULL);
	}
	/* pair is today's two DMAB_EDU_DEVICE, on both arches */
	const struct dmab_topology *p = dmab_topology_default();
	CHECK_STR(p->devices[0], DMAB_EDU_DEVICE);
	CHECK_STR(p->devices[1], DMAB_EDU_DEVICE);
	CHECK(p->devices[2] == NULL && !p->machine_props && !p->modparams && !p->mem_mb);
	CHECK(dmab_topology_fits(p, dmab_backend_find("arm64-direct")));
	CHECK(dmab_topology_fits(dmab_topology_find("bypass"), dmab_backend_find("amd")));
	CHECK(!dmab_topology_fits(dmab_topology_find("same-group"), dmab_backend_find("arm64-smmuv3-strict")));
	CHECK_CONTAINS(dmab_topology_names(), "pair, same-group, separate-groups, bypass, mixed-masks, platform-edu");
}

static void qemu_args(void)
{
	char **a0, **a1;
	struct dmab_vm_spec s0, s1;

	/* pair = no topology: identical command lines for every backend */
	for (size_t b = 0; b < dmab_nbackends; b++) {
		const char *name = dmab_backend_label(&dmab_backends[b]);
		s0 = spec(name, NULL, "va,lat", NULL);
		s1 = spec(name, dmab_topology_default(), "va,lat", NULL);
		CHECK_EQ(dmab_qemu_argv(&s0, &a0), 0);
		CHECK_EQ(dmab_qemu_argv(&s1, &a1), 0);
		int i = 0;
		for (; a0[i] && a1[i]; i++)
			CHECK_STR(a1[i], a0[i]);
		CHECK(!a0[i] && !a1[i]);
		CHECK_EQ(count_prefix((const char *const *)a0, 64, DMAB_EDU_DEVICE), 2);
		CHECK(strstr(a0[idx(a0, "-append", 0) + 1], "DMABENCH_SHARE_ARGS") == NULL);
		dmab_argv_free(a0);
		dmab_argv_free(a1);
	}
	/* today's intel-strict line, literally */
	s0 = spec("intel-strict", NULL, "test", NULL);
	CHECK_EQ(dmab_qemu_argv(&s0, &a0), 0);
	char *line = dmab_argv_join(a0);
	CHECK_STR(line, "qemu-system-x86_64 -accel tcg -machine q35 -cpu max -m 1G -smp 1 -nographic -no-reboot "
		  "-nodefaults -kernel /boot/vmlinuz-x -initrd /tmp/i.cpio -append 'console=ttyS0 panic=-1 "
		  "no_timer_check intel_iommu=on iommu.strict=1 DMABENCH_JOB=test DMABENCH_BACKEND=intel-strict "
		  "DMABENCH_EXPECT_OPS=iommu DMABENCH_EXPECT_DOMAIN=DMA slub_debug=P' -serial file:/r/x/console.log -serial "
		  "file:/r/x/channel.raw -device intel-iommu -device edu,dma_mask=0xffffffffffffffff "
		  "-device edu,dma_mask=0xffffffffffffffff");
	free(line);
	dmab_argv_free(a0);

	/* job share: the topology's roles, before the user's words (a later word wins) */
	s0 = spec("intel-strict", dmab_topology_find("same-group"), "test,share", "DMABENCH_SHARE_ARGS=\"--a edu:2\"");
	CHECK_EQ(dmab_qemu_argv(&s0, &a0), 0);
	const char *ap = a0[idx(a0, "-append", 0) + 1];
	const char *sa = strstr(ap, "DMABENCH_SHARE_ARGS=\"--topology same-group --a edu:0 --b edu:1,edu:2\"");
	CHECK(sa != NULL);
	CHECK(sa && strstr(ap, "DMABENCH_SHARE_ARGS=\"--a edu:2\"") > sa);
	/* intel-iommu first, then the bridge, then three edu behind it */
	int d = idx(a0, "-device", 0);
	CHECK(d > 0 && !strcmp(a0[d + 1], "intel-iommu"));
	d = idx(a0, "-device", d + 1);
	CHECK(d > 0 && !strncmp(a0[d + 1], "pcie-pci-bridge,id=br0", 22));
	CHECK_EQ(count_prefix((const char *const *)a0, 64, "edu,dma_mask=0xffffffffffffffff,bus=br0"), 3);
	dmab_argv_free(a0);

	s0 = spec("amd", dmab_topology_find("bypass"), "share", NULL);
	CHECK_EQ(dmab_qemu_argv(&s0, &a0), 0);
	CHECK_STR(a0[idx(a0, "-machine", 0) + 1], "q35,default_bus_bypass_iommu=on");
	d = idx(a0, "-device", 0);
	CHECK(d > 0 && !strcmp(a0[d + 1], "amd-iommu,pt=off,intremap=off"));
	CHECK(idx(a0, "pxb-pcie,id=pxb1,bus_nr=0x80,bypass_iommu=off,bus=pcie.0", 0) > d);
	dmab_argv_free(a0);

	s0 = spec("direct", dmab_topology_find("mixed-masks"), "share", NULL);
	CHECK_EQ(dmab_qemu_argv(&s0, &a0), 0);
	CHECK_STR(a0[idx(a0, "-m", 0) + 1], "5G");
	CHECK(idx(a0, "edu,dma_mask=0xffffffff,bus=pcie.0", 0) > 0);
	CHECK_CONTAINS(a0[idx(a0, "-append", 0) + 1], "--mask edu:0=32");
	dmab_argv_free(a0);
	s0.mem_mb = 2048;	/* an explicit size wins */
	CHECK_EQ(dmab_qemu_argv(&s0, &a0), 0);
	CHECK_STR(a0[idx(a0, "-m", 0) + 1], "2G");
	dmab_argv_free(a0);

	/* module params go on the kernel command line even without the share job */
	s0 = spec("intel-lazy", dmab_topology_find("platform-edu"), "va", NULL);
	CHECK_EQ(dmab_qemu_argv(&s0, &a0), 0);
	ap = a0[idx(a0, "-append", 0) + 1];
	CHECK_CONTAINS(ap, " dmabench.nplatform=1");
	CHECK(strstr(ap, "DMABENCH_SHARE_ARGS") == NULL);
	dmab_argv_free(a0);
}

static void labels_and_options(void)
{
	char l[64];

	CHECK_EQ(dmab_vm_label(dmab_backend_find("intel-strict"), NULL, l, sizeof(l)), 0);
	CHECK_STR(l, "intel-strict");
	CHECK_EQ(dmab_vm_label(dmab_backend_find("intel-strict"), dmab_topology_default(), l, sizeof(l)), 0);
	CHECK_STR(l, "intel-strict");
	CHECK_EQ(dmab_vm_label(dmab_backend_find("arm64-direct"), dmab_topology_find("bypass"), l, sizeof(l)), 0);
	CHECK_STR(l, "arm64-direct@bypass");
	CHECK_EQ(dmab_vm_label(dmab_backend_find("amd"), dmab_topology_find("bypass"), l, 5), -ENOSPC);

	const struct dmab_topology *t[16];
	const char *bad;
	CHECK_EQ(dmab_topology_parse_list("all", t, 16, &bad), (int)dmab_ntopologies);
	CHECK_EQ(dmab_topology_parse_list("bypass,pair,bypass", t, 16, &bad), 2);
	CHECK(t[0] == dmab_topology_find("bypass") && t[1] == dmab_topology_default());
	CHECK_EQ(dmab_topology_parse_list("pair,nope", t, 16, &bad), -EINVAL);
	CHECK_STR(bad, "nope");
	CHECK_EQ(dmab_topology_parse_list("", t, 16, &bad), -EINVAL);
	CHECK_STR(bad, "");
	CHECK_EQ(dmab_topology_parse_list("pair,,bypass", t, 16, &bad), -EINVAL);
	CHECK_EQ(dmab_topology_parse_list("all", t, 2, &bad), -E2BIG);

	/* options */
	CHECK_EQ(parse("run"), 0);
	CHECK_EQ(o.ntopologies, 1);
	CHECK(o.topologies[0] == dmab_topology_default());
	CHECK_STR(o.job, "va,lat");
	CHECK_EQ(parse("run --share"), 0);
	CHECK_STR(o.job, "share");
	CHECK_EQ(o.ntopologies, (int)dmab_ntopologies);
	CHECK_EQ(parse("run --job test --share --topology pair,bypass"), 0);
	CHECK_STR(o.job, "test,share");
	CHECK_EQ(o.ntopologies, 2);
	CHECK_EQ(parse("run --share --job share,va"), 0);
	CHECK_STR(o.job, "share,va");
	CHECK_EQ(parse("run --topology=same-group --job va"), 0);
	CHECK(o.ntopologies == 1 && o.topologies[0] == dmab_topology_find("same-group"));
	CHECK_EQ(parse("run --topology bogus"), -EINVAL);
	CHECK_CONTAINS(err, "unknown topology 'bogus'");
	CHECK_CONTAINS(err, "pair, same-group");
	CHECK_EQ(parse("run --topology"), -EINVAL);
	CHECK_EQ(parse("run --topology pair,"), -EINVAL);
	CHECK_CONTAINS(err, "--topology");
	CHECK_EQ(parse("run --host --share"), -EINVAL);
	CHECK_CONTAINS(err, "--host");
	CHECK_EQ(parse("run --job share"), 0);
}

/* fixture: two VMs with share.json, one whose share job sent nothing */
static const char *fixture =
"{\"backends\":["
" {\"name\":\"intel-strict@same-group\",\"backend\":\"intel-strict\",\"topology\":\"same-group\",\"status\":\"ok\","
"  \"files\":{\"env.json\":{\"jobs\":\"share\"},\"share.json\":{\"schema\":1,\"topology\":\"same-group\","
"   \"devices\":[{\"sel\":\"edu:0\",\"id\":2,\"name\":\"0000:01:01.0\",\"kind\":\"edu\",\"group\":1,\"mask_bits\":64,"
"     \"ops\":\"iommu\",\"domain\":\"DMA\",\"coherent\":true}],"
"   \"rows\":["
"    {\"a\":\"edu:0\",\"b\":\"edu:1\",\"path\":\"sg\",\"api\":\"attrs\",\"attrs\":\"NKM\",\"size\":65536,\"ok\":true,"
"     \"stage\":\"done\",\"errno\":0,\"kmsg\":\"\",\"cpu_path\":\"mmap\",\"pages\":16,\"mismatches\":0,\"fault\":false,"
"     \"ns\":{\"alloc\":100,\"get_sgtable\":10,\"map_sg\":20,\"verify\":30,\"unmap\":40,\"free\":50}},"
"    {\"a\":\"edu:0\",\"b\":\"edu:1\",\"path\":\"sg\",\"api\":\"attrs\",\"attrs\":\"NKM\",\"size\":65536,\"ok\":true,"
"     \"stage\":\"done\",\"errno\":0,\"ns\":{\"alloc\":300,\"get_sgtable\":10,\"map_sg\":20,\"verify\":30,\"unmap\":40,\"free\":50}},"
"    {\"a\":\"edu:0\",\"b\":\"edu:1\",\"path\":\"sg\",\"api\":\"attrs\",\"attrs\":\"NKM\",\"size\":65536,\"ok\":true,"
"     \"stage\":\"done\",\"errno\":0,\"ns\":{\"alloc\":200,\"get_sgtable\":10,\"map_sg\":20,\"verify\":30,\"unmap\":40,\"free\":50}},"
"    {\"a\":\"edu:0\",\"b\":\"edu:1\",\"path\":\"sg\",\"api\":\"attrs\",\"attrs\":\"none\",\"size\":4096,\"ok\":false,"
"     \"stage\":\"map_sg\",\"errno\":-12,\"kmsg\":\"DMAR: [DMA Read NO_PASID] fault addr 0xfff000\",\"ns\":{}},"
"    {\"a\":\"edu:0\",\"b\":\"edu:2\",\"path\":\"dmabuf\",\"api\":\"attrs\",\"attrs\":\"none\",\"size\":4096,\"ok\":false,"
"     \"stage\":\"verify\",\"errno\":0,\"mismatches\":7,\"fault\":true,\"kmsg\":\"\"}"
"   ]}}},"
" {\"name\":\"direct@bypass\",\"backend\":\"direct\",\"topology\":\"bypass\",\"status\":\"ok\","
"  \"files\":{\"env.json\":{\"jobs\":\"share\"},\"share.json\":{\"rows\":["
"    {\"a\":\"edu:1\",\"b\":\"edu:0\",\"path\":\"sg\",\"api\":\"attrs\",\"attrs\":\"none\",\"size\":4096,\"ok\":true,"
"     \"stage\":\"done\",\"errno\":0,\"ns\":{\"alloc\":5}},"
"    {\"a\":\"edu:1\",\"b\":\"edu:0\",\"path\":\"sg\",\"api\":\"noncontig\",\"attrs\":\"ASP\",\"size\":4096,\"ok\":true}]}}},"
" {\"name\":\"amd@pair\",\"backend\":\"amd\",\"topology\":\"pair\",\"status\":\"timeout\",\"reason\":\"no END\","
"  \"files\":{\"env.json\":{\"jobs\":\"share\"}}},"
" {\"name\":\"swiotlb\",\"status\":\"ok\",\"files\":{\"share.json\":{\"rows\":\"not an array\"}}}"
"]}";

static void matrix(void)
{
	cJSON *root = cJSON_Parse(fixture), *bs = cJSON_GetObjectItem(root, "backends");
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	CHECK(bs != NULL);
	f = open_memstream(&out, &len);
	CHECK_EQ(dmab_share_summary_write(bs, f), 0);
	fclose(f);
	/* header: columns attrs x size, sorted by attrs (first seen) then size */
	CHECK_CONTAINS(out, "| backend | topology | path | A→B | NKM 64K | none 4K | noncontig ASP 4K |");
	/* working cell, failing cells with stage and errno name / mismatches */
	CHECK_CONTAINS(out, "| intel-strict | same-group | sg | edu:0→edu:1 | ok | FAIL map_sg ENOMEM |");
	CHECK_CONTAINS(out, "| intel-strict | same-group | dmabuf | edu:0→edu:2 | - | FAIL verify 7 bad fault |");
	CHECK_CONTAINS(out, "| direct | bypass | sg | edu:1→edu:0 | - | ok | ok |");
	CHECK_CONTAINS(out, "3 cells ok, 2 failing.");
	/* overview: backend x topology, failures without their varying counts, with sizes */
	CHECK_CONTAINS(out, "| backend | same-group | bypass |");
	CHECK_CONTAINS(out, "| intel-strict | 2/3: FAIL map_sg ENOMEM @4K; FAIL verify bad fault @4K | - |");
	CHECK_CONTAINS(out, "| direct | - | ok (2) |");
	CHECK_CONTAINS(out, "amd@pair: no share.json (VM timeout: no END)");
	/* detail: median of 100/300/200 = 200, the kernel message of the failing cell */
	CHECK_CONTAINS(out, "| intel-strict | same-group | sg | edu:0→edu:1 | attrs | NKM | 64K | ok | 200 | 10 | 20 | 30 | 40 | 50 | mmap, 16 |");
	CHECK_CONTAINS(out, "FAIL map_sg ENOMEM | - | - | - | - | - | - | DMAR: [DMA Read NO_PASID] fault addr 0xfff000 |");
	CHECK_CONTAINS(out, "(no kernel message)");
	/* devices */
	CHECK_CONTAINS(out, "| intel-strict | same-group | edu:0 = 0000:01:01.0, g1, iommu/DMA, 64-bit, coherent |");
	free(out);
	/* the heatmap's data: the same cells as the overview (state 2 failure, 0 ok, -1 not run) */
	out = NULL;
	f = open_memstream(&out, &len);
	CHECK_EQ(dmab_share_heat_data(bs, f), 4);
	fclose(f);
	CHECK_CONTAINS(out, "0 0 \"intel-strict\" \"same-group\" 2 3 2\n");
	CHECK_CONTAINS(out, "1 0 \"intel-strict\" \"bypass\" -1 0 0\n");
	CHECK_CONTAINS(out, "1 1 \"direct\" \"bypass\" 0 2 0\n");
	free(out);
	/* the same failures known to the expectation table: state 1 (expected failure) */
	{
		cJSON *vm;

		cJSON_ArrayForEach(vm, bs)
			if (!strncmp(cJSON_GetStringValue(cJSON_GetObjectItem(vm, "name")) ?: "", "intel-strict", 12)) {
				cJSON *e = cJSON_AddObjectToObject(vm, "expectations");
				cJSON *it = cJSON_CreateObject();

				cJSON_AddStringToObject(it, "job", "share");
				cJSON_AddStringToObject(it, "verdict", "xfail");
				cJSON_AddItemToArray(cJSON_AddArrayToObject(e, "items"), it);
			}
	}
	out = NULL;
	f = open_memstream(&out, &len);
	CHECK_EQ(dmab_share_heat_data(bs, f), 4);
	fclose(f);
	CHECK_CONTAINS(out, "0 0 \"intel-strict\" \"same-group\" 1 3 2\n");
	free(out);

	/* no VM ran share: nothing at all */
	cJSON *none = cJSON_Parse("[{\"name\":\"direct\",\"files\":{\"env.json\":{\"jobs\":\"va\"}}}]");
	out = NULL;
	f = open_memstream(&out, &len);
	CHECK_EQ(dmab_share_summary_write(none, f), 0);
	fclose(f);
	CHECK_EQ((int)len, 0);
	free(out);
	CHECK_EQ(dmab_share_summary_write(NULL, stdout), 0);
	cJSON_Delete(none);
	cJSON_Delete(root);
}

/* env.json with the given edu groups (-1 = none) after one platform device */
static cJSON *env_with(const int *groups, int n)
{
	char buf[2048];
	size_t l = (size_t)snprintf(buf, sizeof(buf), "{\"devices\":[{\"id\":0,\"name\":\"dmabench.0\","
				    "\"kind\":\"platform\",\"group\":-1}");
	for (int i = 0; i < n; i++)
		l += (size_t)snprintf(buf + l, sizeof(buf) - l, ",{\"id\":%d,\"name\":\"0000:00:0%d.0\",\"kind\":\"edu\","
				      "\"group\":%d}", i + 1, i + 1, groups[i]);
	snprintf(buf + l, sizeof(buf) - l, "]}");
	return cJSON_Parse(buf);
}

static int check(const char *topo, const char *backend, const int *groups, int n, char *why)
{
	cJSON *env = env_with(groups, n);
	int r = dmab_topology_check(dmab_topology_find(topo), dmab_backend_find(backend), env, why, 256);

	cJSON_Delete(env);
	return r;
}

static void topology_checks(void)
{
	char why[256];

	CHECK_EQ(check("same-group", "intel-strict", (int[]){ 3, 3, 3 }, 3, why), 1);
	CHECK_STR(why, "as intended");
	CHECK_EQ(check("same-group", "intel-strict", (int[]){ 3, 4, 3 }, 3, why), 0);
	CHECK_CONTAINS(why, "edu:0 and edu:1 not in one IOMMU group");
	CHECK_EQ(check("separate-groups", "amd", (int[]){ 5, 6, 7 }, 3, why), 1);
	CHECK_EQ(check("separate-groups", "amd", (int[]){ 5, 6, 6 }, 3, why), 0);
	CHECK_CONTAINS(why, "edu:1 and edu:2 in one IOMMU group");
	CHECK_EQ(check("separate-groups", "amd", (int[]){ 5, 6 }, 2, why), 0);
	CHECK_CONTAINS(why, "2 edu devices, expected 3");
	CHECK_EQ(check("bypass", "intel-lazy", (int[]){ -1, 1 }, 2, why), 1);
	CHECK_EQ(check("bypass", "intel-lazy", (int[]){ 1, 2 }, 2, why), 0);
	CHECK_CONTAINS(why, "edu:0 has an IOMMU group, expected none");
	CHECK_EQ(check("pair", "intel-pt", (int[]){ 1, -1 }, 2, why), 0);
	CHECK_CONTAINS(why, "edu:1 has no IOMMU group, expected one");
	/* no IOMMU: no groups at all, whatever the pattern */
	CHECK_EQ(check("bypass", "direct", (int[]){ -1, -1 }, 2, why), 1);
	CHECK_EQ(check("same-group", "swiotlb", (int[]){ -1, -1, 2 }, 3, why), 0);
	/* nothing to check */
	CHECK_EQ(dmab_topology_check(dmab_topology_default(), dmab_backend_find("amd"), NULL, why, sizeof(why)), -1);
	cJSON *bad = cJSON_Parse("{\"devices\":\"x\"}");
	CHECK_EQ(dmab_topology_check(dmab_topology_default(), dmab_backend_find("amd"), bad, why, sizeof(why)), -1);
	cJSON_Delete(bad);

	/* the summary section: only when a topology other than pair ran or a check failed */
	cJSON *bs = cJSON_Parse("[{\"name\":\"amd\",\"topology\":\"pair\",\"topology_check\":{\"ok\":true}},"
				"{\"name\":\"amd@bypass\",\"topology\":\"bypass\",\"topology_check\":"
				"{\"ok\":false,\"detail\":\"edu:0 has an IOMMU group, expected none\"}}]");
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	CHECK_EQ(dmab_topology_summary_write(bs, f), 0);
	fclose(f);
	CHECK_CONTAINS(out, "| amd | pair | yes |");
	CHECK_CONTAINS(out, "| amd@bypass | bypass | **NO**: edu:0 has an IOMMU group, expected none |");
	free(out);
	cJSON_DeleteItemFromArray(bs, 1);
	out = NULL;
	f = open_memstream(&out, &len);
	CHECK_EQ(dmab_topology_summary_write(bs, f), 0);
	fclose(f);
	CHECK_EQ((int)len, 0);
	free(out);
	cJSON_Delete(bs);
}

int main(void)
{
	topology_checks();
	unsetenv("DMABENCH_QEMU");
	table_sanity();
	qemu_args();
	labels_and_options();
	matrix();
	return t_done("test_topologies");
}
