// SPDX-License-Identifier: GPL-2.0
/*
 * test_verdicts.c - a finished VM against the expectation table: known failures
 * do not change the exit code, a known failure that passes exits 9, a failure
 * with no entry keeps its class, a known item failing another way is
 * unexpected, a VM-level known warning is expected; run.json's
 * "expectations" object and summary.md list unexpected results first.
 */
#include <stdlib.h>

#include "harness/plan/expect.h"
#include "harness/report/results.h"
#include "harness/report/verdicts.h"
#include "harness/vm/exitcodes.h"
#include "lib/test_util.h"

#define Q10 "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)"

static struct dmab_vm vm;
static struct dmab_ktap_case cases[3];

/* a VM of backend name with a share.json of the given rows and tests of the given results */
static void setup(const char *backend, int cls, const char *share_rows, int ncases)
{
	char buf[2048];

	dmab_vm_release(&vm);
	dmab_vm_init(&vm, dmab_backend_find(backend), "/nonexistent", "share");
	vm.cls = cls;
	vm.facts.end_seen = true;
	vm.facts.end_status = cls == DMAB_EXIT_OK ? 0 : 1;
	snprintf(vm.reason, sizeof(vm.reason), "%s", cls == DMAB_EXIT_WARN ?
		 "WARNING: CPU: 0 PID: 12 at drivers/iommu/iommu.c:2999 iommu_setup_default_domain+0x37e/0x540" : "");
	vm.chan.nfiles = 2;
	snprintf(vm.chan.files[0].name, sizeof(vm.chan.files[0].name), "env.json");
	vm.json[0] = cJSON_Parse("{\"uname\":{\"release\":\"6.12.117+deb12-amd64\"}}");
	snprintf(vm.chan.files[1].name, sizeof(vm.chan.files[1].name), "share.json");
	snprintf(buf, sizeof(buf), "{\"rows\":[%s]}", share_rows);
	vm.json[1] = cJSON_Parse(buf);
	vm.have_ktap = ncases > 0;
	vm.ktap.ncases = ncases;
	vm.ktap.cases = ncases ? malloc(sizeof(cases)) : NULL;
	if (ncases)
		memcpy(vm.ktap.cases, cases, sizeof(cases));
}

#define ROW_OK(size) "{\"path\":\"dmabuf\",\"a\":\"edu:0\",\"b\":\"edu:1\",\"api\":\"pages\",\"attrs\":\"none\",\"size\":" size ",\"ok\":true}"
#define ROW_E2BIG(size) "{\"path\":\"dmabuf\",\"a\":\"edu:0\",\"b\":\"edu:1\",\"api\":\"pages\",\"attrs\":\"none\",\"size\":" size ",\"ok\":false,\"stage\":\"map\",\"errno\":7}"

int main(void)
{
	char item[128];
	cJSON *r = cJSON_Parse(ROW_OK("1048576"));

	dmab_share_item(r, item, sizeof(item));
	CHECK_STR(item, "dmabuf:edu:0>edu:1:pages:none:1M");
	cJSON_Delete(r);

	/* swiotlb: the 1 MiB cell fails with E2BIG as known, the 64K one passes: exit 0 */
	setup("swiotlb", DMAB_EXIT_TESTFAIL, ROW_OK("65536") "," ROW_E2BIG("1048576"), 0);
	dmab_vm_verdicts(&vm, Q10);
	CHECK_EQ(vm.ucls, DMAB_EXIT_OK);
	CHECK_EQ(vm.nverdict[DMAB_V_XFAIL], 1);
	CHECK_EQ(vm.nverdict[DMAB_V_FAIL], 0);
	CHECK_EQ(vm.nverdicts, 1);
	CHECK_STR(vm.verdicts[0].item, "dmabuf:edu:0>edu:1:pages:none:1M");
	CHECK_CONTAINS(vm.verdicts[0].text, "E2BIG");
	CHECK(vm.verdicts[0].cause && strstr(vm.verdicts[0].cause, "256 KiB"));

	/* the known cell passes: an unexpected pass, exit 9 */
	setup("swiotlb", DMAB_EXIT_OK, ROW_OK("1048576"), 0);
	dmab_vm_verdicts(&vm, Q10);
	CHECK_EQ(vm.ucls, DMAB_EXIT_UNEXPECTED_PASS);
	CHECK_EQ(vm.nverdict[DMAB_V_XPASS], 1);

	/* direct (no entry) failing a cell: an unexpected failure keeps exit 1 */
	setup("direct", DMAB_EXIT_TESTFAIL, ROW_E2BIG("1048576"), 0);
	dmab_vm_verdicts(&vm, Q10);
	CHECK_EQ(vm.ucls, DMAB_EXIT_TESTFAIL);
	CHECK_EQ(vm.nverdict[DMAB_V_FAIL], 1);

	/* a guest status != 0 that no failed test or cell explains stays a failure */
	setup("direct", DMAB_EXIT_TESTFAIL, ROW_OK("65536"), 0);
	dmab_vm_verdicts(&vm, Q10);
	CHECK_EQ(vm.ucls, DMAB_EXIT_TESTFAIL);

	/* virtio-iommu-64k on a 4K kernel: the known WARN and the mode test: exit 0; another test failing: 1 */
	memset(cases, 0, sizeof(cases));
	cases[0] = (struct dmab_ktap_case){ .num = 1, .result = DMAB_KTAP_FAIL, .name = "mode" };
	cases[1] = (struct dmab_ktap_case){ .num = 2, .result = DMAB_KTAP_PASS, .name = "share_verify" };
	cases[2] = (struct dmab_ktap_case){ .num = 3, .result = DMAB_KTAP_SKIP, .name = "uring" };
	setup("virtio-iommu-64k", DMAB_EXIT_WARN, "", 3);
	dmab_vm_verdicts(&vm, Q10);
	CHECK_EQ(vm.ucls, DMAB_EXIT_OK);
	CHECK_EQ(vm.nverdict[DMAB_V_XFAIL], 2);
	CHECK_EQ(vm.nverdict[DMAB_V_OK], 1);	/* share_verify; the skip is no result */
	cases[1].result = DMAB_KTAP_FAIL;
	setup("virtio-iommu-64k", DMAB_EXIT_WARN, "", 3);
	dmab_vm_verdicts(&vm, Q10);
	CHECK_EQ(vm.ucls, DMAB_EXIT_TESTFAIL);
	/* another warning than the known one: the VM keeps exit 6 */
	cases[1].result = DMAB_KTAP_PASS;
	setup("virtio-iommu-64k", DMAB_EXIT_WARN, "", 3);
	snprintf(vm.reason, sizeof(vm.reason), "WARNING: CPU: 0 PID: 1 at mm/slub.c:1 kfree");
	dmab_vm_verdicts(&vm, Q10);
	CHECK_EQ(vm.ucls, DMAB_EXIT_WARN);
	/* a panic is never expected */
	setup("virtio-iommu-64k", DMAB_EXIT_PANIC, "", 0);
	dmab_vm_verdicts(&vm, Q10);
	CHECK_EQ(vm.ucls, DMAB_EXIT_PANIC);

	/* run.json and summary.md: unexpected results first */
	setup("swiotlb", DMAB_EXIT_OK, ROW_OK("1048576"), 0);
	dmab_vm_verdicts(&vm, Q10);
	cJSON *e = dmab_vm_verdicts_json(&vm);
	CHECK_EQ((int)cJSON_GetObjectItem(e, "unexpected_passes")->valuedouble, 1);
	CHECK_EQ((int)cJSON_GetObjectItem(e, "exit_code")->valuedouble, DMAB_EXIT_UNEXPECTED_PASS);
	cJSON *run = cJSON_CreateObject(), *bs = cJSON_AddArrayToObject(run, "backends"), *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "name", "swiotlb");
	cJSON_AddItemToObject(b, "expectations", e);
	cJSON_AddItemToArray(bs, b);
	char *md = NULL;
	size_t mdl = 0;
	FILE *f = open_memstream(&md, &mdl);
	CHECK(f != NULL);
	dmab_summary_write(run, f);
	fclose(f);
	CHECK_CONTAINS(md, "## Unexpected results");
	CHECK_CONTAINS(md, "unexpected pass");
	CHECK(strstr(md, "## Unexpected results") < strstr(md, "## Backends"));
	free(md);
	cJSON_Delete(run);
	dmab_vm_release(&vm);
	return t_done("test_verdicts");
}
