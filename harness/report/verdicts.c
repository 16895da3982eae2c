// SPDX-License-Identifier: GPL-2.0
/* verdicts.c - a VM's results against the expectation table (verdicts.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plan/expect.h"
#include "harness/report/jget.h"
#include "harness/report/verdicts.h"
#include "harness/vm/exitcodes.h"

const char *dmab_verdict_name(int v)
{
	switch (v) {
	case DMAB_V_OK: return "ok";
	case DMAB_V_XFAIL: return "expected failure";
	case DMAB_V_XPASS: return "UNEXPECTED pass";
	default: return "UNEXPECTED failure";
	}
}

void dmab_share_item(const cJSON *r, char *out, size_t len)
{
	double sz = jnum(r, "size", -1);
	char s[32];

	if (sz >= 1048576 && !((long long)sz % 1048576))
		snprintf(s, sizeof(s), "%lldM", (long long)sz / 1048576);
	else if (sz >= 1024 && !((long long)sz % 1024))
		snprintf(s, sizeof(s), "%lldK", (long long)sz / 1024);
	else
		snprintf(s, sizeof(s), "%lld", (long long)sz);
	snprintf(out, len, "%s:%s>%s:%s:%s:%s", jstr(r, "path", "-"), jstr(r, "a", "-"), jstr(r, "b", "-"),
		 jstr(r, "api", "-"), jstr(r, "attrs", "-"), s);
}

/* "FAIL verify 3 bad", "FAIL map_sg E2BIG" (as the summary's share matrix says it) */
static void share_text(const cJSON *r, char *out, size_t len)
{
	int e = (int)jnum(r, "errno", 0);
	double mis = jnum(r, "mismatches", 0);
	const char *en = e ? strerrorname_np(e < 0 ? -e : e) : NULL;
	size_t l = (size_t)snprintf(out, len, "FAIL %s", jstr(r, "stage", "?"));

	if (e && l < len)
		l += (size_t)snprintf(out + l, len - l, " %s", en ? en : "errno");
	if (mis > 0 && l < len)
		l += (size_t)snprintf(out + l, len - l, " %.0f bad", mis);
	if (cJSON_IsTrue(jget(r, "fault")) && l < len)
		snprintf(out + l, len - l, " fault");
}

static const cJSON *vm_file(const struct dmab_vm *vm, const char *name)
{
	for (int i = 0; i < vm->chan.nfiles; i++)
		if (!strcmp(vm->chan.files[i].name, name))
			return vm->json[i];
	return NULL;
}

static void add(struct dmab_vm *vm, const char *job, const char *item, int v, const char *text,
		const struct dmab_expectation *e)
{
	vm->nverdict[v >= 0 && v < 5 ? v : 0]++;
	if (v == DMAB_V_OK)
		return;
	struct dmab_vm_verdict *p = realloc(vm->verdicts, (size_t)(vm->nverdicts + 1) * sizeof(*p));

	if (!p)
		return;
	vm->verdicts = p;
	p = &p[vm->nverdicts++];
	memset(p, 0, sizeof(*p));
	snprintf(p->job, sizeof(p->job), "%s", job ? job : "");
	snprintf(p->item, sizeof(p->item), "%s", item ? item : "");
	p->verdict = v;
	snprintf(p->text, sizeof(p->text), "%s", text ? text : "");
	p->cause = e && e->expect != DMAB_OUT_PASS ? e->cause : NULL;
}

void dmab_vm_verdicts(struct dmab_vm *vm, const char *qemu_version_line)
{
	const cJSON *genv = vm_file(vm, "env.json"), *share = vm_file(vm, "share.json"), *r;
	const char *rel = jstr(jget(genv, "uname"), "release", NULL);
	struct dmab_result_key k = {
		.arch = vm->backend ? vm->backend->arch : NULL,
		.kernel_release = rel ? rel : vm->kernel && vm->kernel->release[0] ? vm->kernel->release : NULL,
		.qemu_version_line = qemu_version_line,
		.backend = vm->backend ? dmab_backend_label(vm->backend) : "host",
		.topology = vm->topology ? vm->topology->name : NULL,
	};
	const struct dmab_expectation *e;
	int base, failed = 0, xfailed = 0, v;
	enum dmab_outcome got;
	char item[112], text[192];

	free(vm->verdicts);
	vm->verdicts = NULL;
	vm->nverdicts = 0;
	memset(vm->nverdict, 0, sizeof(vm->nverdict));
	vm->ucls = vm->cls;
	if (vm->cls == DMAB_EXIT_INTERRUPTED || vm->cls == DMAB_EXIT_USAGE)
		return;	/* not a result */

	/* the VM itself */
	e = dmab_expect_find(&k);
	switch (vm->cls) {
	case DMAB_EXIT_OK:
	case DMAB_EXIT_TESTFAIL:	/* the tests and cells say which */
		got = DMAB_OUT_PASS;
		break;
	case DMAB_EXIT_BOOT:
		got = DMAB_OUT_BOOT_FAILURE;
		break;
	case DMAB_EXIT_WARN:
		got = DMAB_OUT_KERNEL_WARNING;
		break;
	default:
		got = DMAB_OUT_FAIL;	/* oops, panic, timeout, results: no expectation covers them */
		e = NULL;
		break;
	}
	v = dmab_expect_verdict(e, got, vm->reason);
	add(vm, NULL, NULL, v, got == DMAB_OUT_PASS ? "VM ran" : vm->reason, e);
	base = v == DMAB_V_FAIL ? vm->cls : DMAB_EXIT_OK;
	xfailed += v == DMAB_V_XFAIL;

	/* the tests of job test */
	k.job = "test";
	for (int i = 0; vm->have_ktap && i < vm->ktap.ncases; i++) {
		const struct dmab_ktap_case *c = &vm->ktap.cases[i];

		if (c->result == DMAB_KTAP_SKIP)
			continue;
		k.item = c->name;
		e = dmab_expect_find(&k);
		v = dmab_expect_verdict(e, c->result == DMAB_KTAP_FAIL ? DMAB_OUT_FAIL : DMAB_OUT_PASS,
					c->result == DMAB_KTAP_FAIL ? (c->reason[0] ? c->reason : "not ok") : NULL);
		add(vm, "test", c->name, v, c->result == DMAB_KTAP_FAIL ? (c->reason[0] ? c->reason : "not ok") : "ok", e);
		failed += v == DMAB_V_FAIL;
		xfailed += v == DMAB_V_XFAIL;
	}
	if (vm->have_ktap && vm->ktap.missing) {
		snprintf(text, sizeof(text), "%d planned test(s) never reported", vm->ktap.missing);
		add(vm, "test", "-", DMAB_V_FAIL, text, NULL);
		failed++;
	}
	/* the cells of job share */
	k.job = "share";
	const cJSON *rows = jget(share, "rows");

	if (!cJSON_IsArray(rows))
		rows = NULL;
	cJSON_ArrayForEach(r, rows) {
		bool ok = cJSON_IsTrue(jget(r, "ok"));

		dmab_share_item(r, item, sizeof(item));
		if (!ok)
			share_text(r, text, sizeof(text));
		k.item = item;
		e = dmab_expect_find(&k);
		v = dmab_expect_verdict(e, ok ? DMAB_OUT_PASS : DMAB_OUT_FAIL, ok ? NULL : text);
		add(vm, "share", item, v, ok ? "ok" : text, e);
		failed += v == DMAB_V_FAIL;
		xfailed += v == DMAB_V_XFAIL;
	}

	vm->ucls = base;
	if (failed)
		vm->ucls = dmab_class_worse(vm->ucls, DMAB_EXIT_TESTFAIL);
	else if (vm->facts.end_seen && vm->facts.end_status && !xfailed)
		vm->ucls = dmab_class_worse(vm->ucls, DMAB_EXIT_TESTFAIL);	/* a job failed, nothing says why */
	if (vm->nverdict[DMAB_V_XPASS])
		vm->ucls = dmab_class_worse(vm->ucls, DMAB_EXIT_UNEXPECTED_PASS);
}

cJSON *dmab_vm_verdicts_json(const struct dmab_vm *vm)
{
	cJSON *o = cJSON_CreateObject(), *items = cJSON_CreateArray();

	cJSON_AddNumberToObject(o, "ok", vm->nverdict[DMAB_V_OK]);
	cJSON_AddNumberToObject(o, "expected_failures", vm->nverdict[DMAB_V_XFAIL]);
	cJSON_AddNumberToObject(o, "unexpected_passes", vm->nverdict[DMAB_V_XPASS]);
	cJSON_AddNumberToObject(o, "unexpected_failures", vm->nverdict[DMAB_V_FAIL]);
	cJSON_AddNumberToObject(o, "exit_code", vm->ucls);
	for (int i = 0; i < vm->nverdicts; i++) {
		const struct dmab_vm_verdict *v = &vm->verdicts[i];
		cJSON *it = cJSON_CreateObject();

		cJSON_AddStringToObject(it, "verdict", v->verdict == DMAB_V_XFAIL ? "xfail" :
						       v->verdict == DMAB_V_XPASS ? "xpass" : "fail");
		cJSON_AddStringToObject(it, "job", v->job);
		cJSON_AddStringToObject(it, "item", v->item);
		cJSON_AddStringToObject(it, "text", v->text);
		if (v->cause)
			cJSON_AddStringToObject(it, "cause", v->cause);
		cJSON_AddItemToArray(items, it);
	}
	cJSON_AddItemToObject(o, "items", items);
	return o;
}
