/*
 * Host tests for boot/src/limine_scan.c. Fake kernel images are built in
 * memory, each allocated at its exact size so the sanitizers catch a read
 * one byte past the end: requests (the 4-word ID, revision, response
 * pointer, request fields) at 8-byte aligned offsets, the base revision
 * tag, the start and end markers. The cases cover finding every known
 * request, the base revision, unknown IDs, the delimiters, duplicates,
 * truncation, alignment, odd image sizes, and a mutation loop (fixed seed)
 * over a realistic image that must never crash and must only ever report
 * offsets that hold what they claim.
 */
#include "testlib.h"
#include "limine_scan.h"
#include <limine.h>

#include <errno.h>
#include <stdint.h>

/* Fail the case with a formatted reason. */
#define FAIL(...)                                                  \
	do {                                                       \
		snprintf(test_why, sizeof(test_why), __VA_ARGS__); \
		longjmp(test_jmp, 1);                              \
	} while (0)

#define N(a) ((int)ARRAY_SIZE(a))

static const struct {
	enum limine_req kind;
	uint64_t id[4];
	const char *name;
} ids[] = {
	{REQ_BOOTLOADER_INFO, LIMINE_BOOTLOADER_INFO_ID, "bootloader info"},
	{REQ_FIRMWARE_TYPE, LIMINE_FIRMWARE_TYPE_ID, "firmware type"},
	{REQ_STACK_SIZE, LIMINE_STACK_SIZE_ID, "stack size"},
	{REQ_HHDM, LIMINE_HHDM_ID, "HHDM"},
	{REQ_FRAMEBUFFER, LIMINE_FRAMEBUFFER_ID, "framebuffer"},
	{REQ_PAGING_MODE, LIMINE_PAGING_MODE_ID, "paging mode"},
	{REQ_MP, LIMINE_MP_ID, "MP"},
	{REQ_MEMMAP, LIMINE_MEMMAP_ID, "memory map"},
	{REQ_ENTRY_POINT, LIMINE_ENTRY_POINT_ID, "entry point"},
	{REQ_EXECUTABLE_FILE, LIMINE_EXECUTABLE_FILE_ID, "executable file"},
	{REQ_EXECUTABLE_CMDLINE, LIMINE_EXECUTABLE_CMDLINE_ID,
	 "executable cmdline"},
	{REQ_MODULE, LIMINE_MODULE_ID, "module"},
	{REQ_RSDP, LIMINE_RSDP_ID, "RSDP"},
	{REQ_DATE_AT_BOOT, LIMINE_DATE_AT_BOOT_ID, "date at boot"},
	{REQ_EXECUTABLE_ADDRESS, LIMINE_EXECUTABLE_ADDRESS_ID,
	 "executable address"},
	{REQ_SMBIOS, LIMINE_SMBIOS_ID, "SMBIOS"},
	{REQ_EFI_SYSTEM_TABLE, LIMINE_EFI_SYSTEM_TABLE_ID, "EFI system table"},
	{REQ_EFI_MEMMAP, LIMINE_EFI_MEMMAP_ID, "EFI memory map"},
};

static const uint64_t start_marker[4] = LIMINE_REQUESTS_START_MARKER;
static const uint64_t end_marker[2] = LIMINE_REQUESTS_END_MARKER;
static const uint64_t unknown_id[4] = LIMINE_ID(0x1111, 0x2222);

/* An image of exactly size bytes, filled with a harmless pattern. */
static uint8_t *image(size_t size)
{
	uint8_t *img = malloc(size ? size : 1);
	CHECK(img != NULL);
	for (size_t i = 0; i < size; i++)
		img[i] = (uint8_t)(i * 7 + 3);
	return img;
}

static void put_words(uint8_t *img, size_t off, const uint64_t *w, int n)
{
	memcpy(img + off, w, (size_t)n * 8);
}

/* A request of kind k: its ID, revision 0, a NULL response, zero fields. */
static void put_request(uint8_t *img, size_t off, int k)
{
	put_words(img, off, ids[k].id, 4);
	memset(img + off + 32, 0, limine_request_size(ids[k].kind) - 32);
}

static void put_revision(uint8_t *img, size_t off, uint64_t rev)
{
	const uint64_t tag[3] = LIMINE_BASE_REVISION(rev);
	put_words(img, off, tag, 3);
}

static struct limine_requests out;
static const char *why;

static int scan(const uint8_t *img, size_t size)
{
	why = NULL;
	memset(&out, 0x5a, sizeof(out));
	return limine_scan(img, size, &out, &why);
}

/* Exactly the requests in want (kind -> offset, -1 = absent) were found. */
static void expect_found(const int64_t *want)
{
	for (int k = 0; k < REQ_COUNT; k++)
		if (out.req[k] != want[k])
			FAIL("%s request at %lld, expected %lld", ids[k].name,
			     (long long)out.req[k], (long long)want[k]);
}

static void none_found(void)
{
	int64_t want[REQ_COUNT];
	for (int k = 0; k < REQ_COUNT; k++)
		want[k] = -1;
	expect_found(want);
}

/* ---------------------------------------------------------------- cases */

static void table_matches_enum(void)
{
	CHECK_EQ(N(ids), REQ_COUNT);
	for (int k = 0; k < REQ_COUNT; k++)
		CHECK_EQ(ids[k].kind, k);
}

static void request_sizes(void)
{
	CHECK_EQ(limine_request_size(REQ_PAGING_MODE), 48);
	CHECK_EQ(limine_request_size(REQ_MODULE), 48);
	CHECK_EQ(limine_request_size(REQ_HHDM),
		 sizeof(struct limine_hhdm_request));
	CHECK_EQ(limine_request_size(REQ_STACK_SIZE), 56);
	CHECK_EQ(limine_request_size(REQ_MEMMAP), 48);
	for (int k = 0; k < REQ_COUNT; k++) {
		CHECK(limine_request_size(k) >= 48);
		CHECK_EQ(limine_request_size(k) % 8, 0);
	}
}

static void empty_image(void)
{
	CHECK_EQ(scan(NULL, 0), 0);
	none_found();
	CHECK_EQ(out.base_revision_tag, -1);
	CHECK_EQ(out.base_revision, 0);
	CHECK_EQ(out.unknown, 0);
	for (size_t size = 1; size < 40; size++) {
		uint8_t *img = image(size);
		CHECK_EQ(scan(img, size), 0);
		none_found();
		free(img);
	}
}

static void no_requests(void)
{
	uint8_t *img = image(0x1000);
	CHECK_EQ(scan(img, 0x1000), 0);
	none_found();
	CHECK_EQ(out.base_revision_tag, -1);
	CHECK_EQ(out.base_revision, 0);
	CHECK_EQ(out.unknown, 0);
	CHECK(why == NULL);
	free(img);
}

/* Every request, spaced out (spaced) or packed as a linker would. */
static void all_known(bool packed, bool markers)
{
	size_t size = 0x2000, off = markers ? 0x100 + 32 : 0x100;
	int64_t want[REQ_COUNT];
	uint8_t *img = image(size);

	if (markers)
		put_words(img, 0x100, start_marker, 4);
	put_revision(img, off, 3);
	off += packed ? 24 : 0x58;
	for (int k = REQ_COUNT - 1; k >= 0; k--) { /* any order */
		put_request(img, off, k);
		want[k] = (int64_t)off;
		off += packed ? limine_request_size(ids[k].kind) : 0x88;
	}
	if (markers)
		put_words(img, off, end_marker, 2);
	CHECK_EQ(scan(img, size), 0);
	expect_found(want);
	CHECK_EQ(out.base_revision_tag, markers ? 0x120 : 0x100);
	CHECK_EQ(out.base_revision, 3);
	CHECK_EQ(out.unknown, 0);
	free(img);
}

static void each_alone(int k)
{
	size_t size = 0x400;
	uint8_t *img = image(size);
	int64_t want[REQ_COUNT];
	for (int j = 0; j < REQ_COUNT; j++)
		want[j] = -1;
	put_request(img, 0x1f8, k);
	want[k] = 0x1f8;
	CHECK_EQ(scan(img, size), 0);
	expect_found(want);
	/* At offset 0 and flush with the end as well. */
	memset(img, 0, size);
	put_request(img, 0, k);
	CHECK_EQ(scan(img, size), 0);
	CHECK_EQ(out.req[k], 0);
	memset(img, 0, size);
	put_request(img, size - limine_request_size(ids[k].kind), k);
	CHECK_EQ(scan(img, size), 0);
	CHECK_EQ(out.req[k], size - limine_request_size(ids[k].kind));
	free(img);
}

static void base_revisions(void)
{
	static const uint64_t revs[] = {0, 1, 2, 3, 4, 99, UINT64_MAX};
	uint8_t *img = image(0x200);
	for (int i = 0; i < N(revs); i++) {
		put_revision(img, 0x40, revs[i]);
		CHECK_EQ(scan(img, 0x200), 0);
		CHECK_EQ(out.base_revision_tag, 0x40);
		CHECK(out.base_revision == revs[i]);
		none_found();
	}
	/* A tag flush with the end of the image still counts. */
	memset(img + 0x40, 0, 24);
	put_revision(img, 0x200 - 24, 2);
	CHECK_EQ(scan(img, 0x200), 0);
	CHECK_EQ(out.base_revision_tag, 0x200 - 24);
	CHECK_EQ(out.base_revision, 2);
	free(img);
	/* One cut short (its revision word missing) does not. */
	img = image(0x1f8);
	memset(img, 0, 0x1f8);
	put_words(img, 0x1f8 - 16,
		  (const uint64_t[]){LIMINE_BASE_REVISION_MAGIC0,
				     LIMINE_BASE_REVISION_MAGIC1},
		  2);
	CHECK_EQ(scan(img, 0x1f8), 0);
	CHECK_EQ(out.base_revision_tag, -1);
	CHECK_EQ(out.base_revision, 0);
	free(img);
}

static void unknown_ids(void)
{
	uint8_t *img = image(0x400);
	put_words(img, 0x40, unknown_id, 4);
	put_request(img, 0x80, 3);
	const uint64_t other[4] =
		LIMINE_ID(0x48dcf1cb8ad2b852ULL, 0); /* half HHDM */
	put_words(img, 0x100, other, 4);
	put_words(img, 0x200, unknown_id, 4);
	CHECK_EQ(scan(img, 0x400), 0);
	CHECK_EQ(out.unknown, 3);
	CHECK_EQ(out.req[REQ_HHDM], 0x80);
	/* Two unknown requests with the same ID are not duplicates. */
	CHECK(why == NULL);
	free(img);
}

static void markers_bound_the_scan(void)
{
	size_t size = 0x800;
	uint8_t *img = image(size);
	put_request(img, 0x40, 0);  /* before the start marker */
	put_revision(img, 0x80, 1); /* likewise */
	put_words(img, 0x100, start_marker, 4);
	put_request(img, 0x120, 1);	      /* inside */
	put_revision(img, 0x160, 3);	      /* inside */
	put_words(img, 0x200, unknown_id, 4); /* inside */
	put_words(img, 0x300, end_marker, 2);
	put_request(img, 0x310, 2);	      /* after the end marker */
	put_words(img, 0x400, unknown_id, 4); /* likewise */
	put_revision(img, 0x500, 2);	      /* likewise */
	CHECK_EQ(scan(img, size), 0);
	int64_t want[REQ_COUNT];
	for (int k = 0; k < REQ_COUNT; k++)
		want[k] = -1;
	want[1] = 0x120;
	expect_found(want);
	CHECK_EQ(out.base_revision_tag, 0x160);
	CHECK_EQ(out.base_revision, 3);
	CHECK_EQ(out.unknown, 1);
	/* Duplicates outside the markers do not count either. */
	put_request(img, 0x600, 1);
	put_request(img, 0x40, 1);
	CHECK_EQ(scan(img, size), 0);
	CHECK_EQ(out.req[1], 0x120);
	free(img);
}

static void last_start_first_end(void)
{
	size_t size = 0x800;
	uint8_t *img = image(size);
	put_words(img, 0x000, start_marker, 4);
	put_request(img, 0x40, 0);	      /* before the last start */
	put_words(img, 0x100, end_marker, 2); /* before the last start */
	put_words(img, 0x200, start_marker, 4);
	put_request(img, 0x240, 1);	      /* found */
	put_words(img, 0x300, end_marker, 2); /* first end after it */
	put_request(img, 0x340, 2);	      /* between the two ends */
	put_words(img, 0x400, end_marker, 2);
	put_request(img, 0x440, 3);
	CHECK_EQ(scan(img, size), 0);
	int64_t want[REQ_COUNT];
	for (int k = 0; k < REQ_COUNT; k++)
		want[k] = -1;
	want[1] = 0x240;
	expect_found(want);
	free(img);
}

static void start_without_end(void)
{
	uint8_t *img = image(0x400);
	put_request(img, 0x40, 0);
	put_words(img, 0x100, start_marker, 4);
	put_request(img, 0x3c8, 5);
	CHECK_EQ(scan(img, 0x400), 0);
	CHECK_EQ(out.req[0], -1);
	CHECK_EQ(out.req[5], 0x3c8);
	/* A start marker right at the end leaves nothing to scan. */
	put_words(img, 0x400 - 32, start_marker, 4);
	CHECK_EQ(scan(img, 0x400), 0);
	none_found();
	free(img);
}

static void end_without_start(void)
{
	/* rastboot stops at the end marker, as Limine does. */
	uint8_t *img = image(0x400);
	put_request(img, 0x40, 0);
	put_words(img, 0x100, end_marker, 2);
	put_request(img, 0x140, 1);
	CHECK_EQ(scan(img, 0x400), 0);
	CHECK_EQ(out.req[0], 0x40);
	CHECK_EQ(out.req[1], -1);
	free(img);
}

static void request_over_end_marker(void)
{
	/* Only the ID must lie before the end marker. */
	uint8_t *img = image(0x400);
	put_words(img, 0x100, start_marker, 4);
	put_request(img, 0x200, 3);
	put_words(img, 0x220, end_marker, 2);
	CHECK_EQ(scan(img, 0x400), 0);
	CHECK_EQ(out.req[3], 0x200);
	free(img);
}

static void duplicates(int k)
{
	uint8_t *img = image(0x400);
	put_request(img, 0x40, k);
	put_request(img, 0x200, k);
	CHECK_EQ(scan(img, 0x400), -EINVAL);
	CHECK_STR(why, "duplicate request");
	free(img);
}

static void truncated(int k)
{
	size_t req = limine_request_size(ids[k].kind);
	size_t size = 0x200 + req - 8;
	uint8_t *img = image(size);
	put_words(img, 0x200, ids[k].id, 4);
	CHECK_EQ(scan(img, size), -EINVAL);
	CHECK_STR(why, "request runs past the end of the image");
	free(img);
	/* Not a multiple of 8: one byte short. */
	size = 0x200 + req - 1;
	img = image(size);
	put_words(img, 0x200, ids[k].id, 4);
	CHECK_EQ(scan(img, size), -EINVAL);
	CHECK_STR(why, "request runs past the end of the image");
	free(img);
}

static void truncated_id_ignored(void)
{
	for (size_t cut = 1; cut < 32; cut++) {
		size_t size = 0x100 + 32 - cut;
		uint8_t *img = image(size);
		memcpy(img + 0x100, ids[3].id, 32 - cut);
		CHECK_EQ(scan(img, size), 0);
		none_found();
		CHECK_EQ(out.unknown, 0);
		free(img);
	}
}

static void unaligned_ignored(void)
{
	for (size_t mis = 1; mis < 8; mis++) {
		uint8_t *img = image(0x400);
		put_request(img, 0x40 + mis, 3);
		put_words(img, 0x100 + mis, unknown_id, 4);
		put_revision(img, 0x180 + mis, 3);
		CHECK_EQ(scan(img, 0x400), 0);
		none_found();
		CHECK_EQ(out.unknown, 0);
		CHECK_EQ(out.base_revision_tag, -1);
		/* An unaligned start marker does not start anything. */
		put_words(img, 0x200 + mis, start_marker, 4);
		put_request(img, 0x300, 4);
		put_words(img, 0x280 + mis, end_marker, 2);
		CHECK_EQ(scan(img, 0x400), 0);
		CHECK_EQ(out.req[4], 0x300);
		free(img);
	}
}

static void odd_sizes(void)
{
	for (size_t size = 0x100; size < 0x110; size++) {
		uint8_t *img = image(size);
		size_t off =
			ALIGN_DOWN(size - limine_request_size(REQ_HHDM), 8);
		put_request(img, off, 3);
		put_request(img, 0x20, 7);
		CHECK_EQ(scan(img, size), 0);
		CHECK_EQ(out.req[REQ_HHDM], off);
		CHECK_EQ(out.req[REQ_MEMMAP], 0x20);
		free(img);
	}
}

/* ------------------------------------------------------------ mutations */

/* Whatever limine_scan says about img must be true of img. */
static void check_claims(const uint8_t *img, size_t size, int err)
{
	if (err) {
		if (err != -EINVAL || !why)
			FAIL("error %d, why %s", err, why ? why : "(null)");
		if (strcmp(why, "duplicate request") &&
		    strcmp(why, "request runs past the end of the image"))
			FAIL("unexpected reason: %s", why);
		return;
	}
	for (int k = 0; k < REQ_COUNT; k++) {
		int64_t off = out.req[k];
		if (off == -1)
			continue;
		if (off < 0 || off % 8 ||
		    (size_t)off + limine_request_size(k) > size ||
		    memcmp(img + off, ids[k].id, 32))
			FAIL("%s request claimed at %lld", ids[k].name,
			     (long long)off);
	}
	int64_t tag = out.base_revision_tag;
	if (tag == -1) {
		if (out.base_revision != 0)
			FAIL("revision %llu without a tag",
			     (unsigned long long)out.base_revision);
	} else if (tag < 0 || tag % 8 || (size_t)tag + 24 > size ||
		   get_le64(img + tag) != LIMINE_BASE_REVISION_MAGIC0 ||
		   get_le64(img + tag + 8) != LIMINE_BASE_REVISION_MAGIC1 ||
		   get_le64(img + tag + 16) != out.base_revision) {
		FAIL("base revision tag claimed at %lld", (long long)tag);
	}
	if (out.unknown < 0 || (size_t)out.unknown > size / 32)
		FAIL("%d unknown requests", out.unknown);
}

/* A realistic image: markers around a tag and every request, packed. */
static size_t base_image(uint8_t *img, size_t cap)
{
	size_t off = 0x40;
	memset(img, 0, cap);
	put_words(img, off, start_marker, 4);
	off += 32;
	put_revision(img, off, 3);
	off += 24;
	for (int k = 0; k < REQ_COUNT; k++) {
		put_request(img, off, k);
		off += limine_request_size(ids[k].kind);
	}
	put_words(img, off, end_marker, 2);
	return off + 16 + 0x40;
}

static void mutate(uint8_t *img, size_t size)
{
	size_t at = test_below(size / 8) * 8;
	switch (test_below(8)) {
	case 0: /* flip a byte */
		img[test_below(size)] ^= (uint8_t)(1 + test_below(255));
		break;
	case 1: /* a known ID somewhere else (often a duplicate) */
		if (at + 32 <= size)
			put_words(img, at, ids[test_below(REQ_COUNT)].id, 4);
		break;
	case 2: /* a start marker */
		if (at + 32 <= size)
			put_words(img, at, start_marker, 4);
		break;
	case 3: /* an end marker */
		if (at + 16 <= size)
			put_words(img, at, end_marker, 2);
		break;
	case 4: /* a base revision tag, possibly cut short */
		if (at + 16 <= size)
			put_words(
				img, at,
				(const uint64_t[]){LIMINE_BASE_REVISION_MAGIC0,
						   LIMINE_BASE_REVISION_MAGIC1},
				2);
		break;
	case 5: /* an unknown ID */
		if (at + 32 <= size)
			put_words(img, at, unknown_id, 4);
		break;
	case 6: /* wipe a word */
		memset(img + at, 0, MIN(8, size - at));
		break;
	default: /* the first half of a marker or ID only */
		if (at + 16 <= size)
			put_words(img, at, start_marker, 2);
		break;
	}
}

static void mutations(uint64_t seed, int rounds)
{
	static uint8_t base[0x800];
	size_t base_size = base_image(base, sizeof(base));
	int ok = 0, failed = 0;

	CHECK_EQ(scan(base, base_size), 0);
	for (int k = 0; k < REQ_COUNT; k++)
		CHECK(out.req[k] > 0);
	test_rng = seed;
	for (int round = 0; round < rounds; round++) {
		size_t size = base_size;
		if (test_below(4) == 0) /* cut anywhere, aligned or not */
			size = test_below(base_size + 1);
		uint8_t *img = malloc(size ? size : 1);
		CHECK(img != NULL);
		memcpy(img, base, size);
		int n = 1 + (int)test_below(6);
		for (int i = 0; i < n && size; i++)
			mutate(img, size);
		int err = scan(img, size);
		check_claims(img, size, err);
		err ? failed++ : ok++;
		free(img);
	}
	CHECK(ok > rounds / 10 && failed > rounds / 10);
}

int main(void)
{
	static int k; /* static: RUN longjmps */

	RUN(table_matches_enum(), "the test's ID table matches the enum");
	RUN(request_sizes(), "request sizes");
	RUN(empty_image(), "empty and tiny images");
	RUN(no_requests(), "an image without requests");
	RUN(all_known(false, false), "all requests found (spaced, no markers)");
	RUN(all_known(true, false), "all requests found (packed, no markers)");
	RUN(all_known(true, true), "all requests found (packed, markers)");
	for (k = 0; k < REQ_COUNT; k++)
		RUN(each_alone(k), "%s request alone", ids[k].name);
	RUN(base_revisions(), "base revision tag and its number");
	RUN(unknown_ids(), "unknown IDs counted");
	RUN(markers_bound_the_scan(), "markers: outside ignored");
	RUN(last_start_first_end(), "markers: last start, first end after it");
	RUN(start_without_end(), "markers: start without end");
	RUN(end_without_start(), "markers: end without start");
	RUN(request_over_end_marker(),
	    "markers: a request body may cross the end");
	for (k = 0; k < REQ_COUNT; k++)
		RUN(duplicates(k), "duplicate %s request -EINVAL", ids[k].name);
	for (k = 0; k < REQ_COUNT; k++)
		RUN(truncated(k), "truncated %s request -EINVAL", ids[k].name);
	RUN(truncated_id_ignored(), "IDs cut by the image end ignored");
	RUN(unaligned_ignored(), "unaligned IDs and markers ignored");
	RUN(odd_sizes(), "image sizes not a multiple of 8");
	RUN(mutations(0x5ca40001, 20000), "20000 mutated images, no crash");
	TEST_EXIT();
}
