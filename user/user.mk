# user/user.mk - rastOS's user-space test programs (included by the top
# Makefile). Built with Debian's musl-gcc (musl-tools) into $(BUILD)/user/:
#   $(BUILD)/user/init       the runner (user/runner.c), /init of the initramfs
#   $(BUILD)/user/bin/NAME   each program of user/tests.list, static; a name
#                            ending in _pie is user/tests/NAME-without-_pie.c
#                            linked as a static PIE
#   $(BUILD)/user/bin/HELPER helper programs the tests execute
# `make user` builds them all; scripts/make-user-initramfs.sh packs them.

BUILD ?= build
MUSLCC ?= musl-gcc
MUSL_LIB := /usr/lib/x86_64-linux-musl
USER_OUT := $(BUILD)/user
USER_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fno-strict-aliasing -Iuser -MMD -MP

USER_TESTS := $(shell sed -e 's/\#.*//' user/tests.list | awk 'NF { print $$1 }')
USER_HELPERS := echoargs sleeper execstack exec_chain_pie blkioctl
# execstack checks that PT_GNU_STACK RWX gives an executable stack.
USER_LDFLAGS_execstack := -Wl,-z,execstack
USER_BINS := $(addprefix $(USER_OUT)/bin/,$(USER_TESTS) $(USER_HELPERS))
USER_LIB_OBJ := $(USER_OUT)/obj/lib/t.o
USER_PIE_LIB_OBJ := $(USER_OUT)/obj/pie/lib/t.o

.PHONY: user
user: $(USER_OUT)/init $(USER_BINS)

$(USER_OUT)/obj/%.o: user/%.c | deps-user
	@mkdir -p $(dir $@)
	$(MUSLCC) $(USER_CFLAGS) -c $< -o $@

$(USER_OUT)/obj/pie/%.o: user/%.c | deps-user
	@mkdir -p $(dir $@)
	$(MUSLCC) $(USER_CFLAGS) -fPIE -c $< -o $@

USER_STATIC := $(filter-out %_pie,$(USER_TESTS) $(USER_HELPERS))
USER_PIE := $(filter %_pie,$(USER_TESTS) $(USER_HELPERS))

# Static: musl-gcc's own link.
$(addprefix $(USER_OUT)/bin/,$(USER_STATIC)): $(USER_OUT)/bin/%: \
		$(USER_OUT)/obj/tests/%.o $(USER_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(MUSLCC) -static $(USER_LDFLAGS_$*) -o $@ $^

# Static PIE: Debian's musl-gcc specs cannot do -static-pie, so the link is
# spelled out with musl's rcrt1.o (self-relocating start code).
$(addprefix $(USER_OUT)/bin/,$(USER_PIE)): $(USER_OUT)/bin/%_pie: \
		$(USER_OUT)/obj/pie/tests/%.o $(USER_PIE_LIB_OBJ)
	@mkdir -p $(dir $@)
	gcc -static-pie -nostdlib -o $@ $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o \
		$$(gcc -print-file-name=crtbeginS.o) $^ -L$(MUSL_LIB) -lc \
		$$(gcc -print-libgcc-file-name) $$(gcc -print-file-name=crtendS.o) \
		$(MUSL_LIB)/crtn.o

# The runner's list of programs, from user/tests.list.
$(USER_OUT)/tests.inc: user/tests.list
	@mkdir -p $(dir $@)
	sed -e 's/#.*//' $< | awk 'NF { printf "{\"%s\", %d},\n", $$1, $$2 + 0 }' >$@

$(USER_OUT)/obj/runner.o: user/runner.c $(USER_OUT)/tests.inc | deps-user
	@mkdir -p $(dir $@)
	$(MUSLCC) $(USER_CFLAGS) -I$(USER_OUT) -c $< -o $@

$(USER_OUT)/init: $(USER_OUT)/obj/runner.o $(USER_LIB_OBJ)
	$(MUSLCC) -static -o $@ $^

.PHONY: deps-user
deps-user:
	@scripts/deps.sh test

# The benchmark programs (user/bench/): /init of the benchmark initramfs
# and the program its fork+execve probe runs (scripts/bench.sh, laid out
# by scripts/make-user-initramfs.sh --bench). `make user` builds them too.
# bench_disk: the disk benchmarks (user/bench/disk.c, scripts/bench-disk.sh).
USER_BENCH := $(USER_OUT)/bench/bench_probes $(USER_OUT)/bench/bench_true \
	$(USER_OUT)/bench/bench_disk

.PHONY: user-bench
user-bench: $(USER_BENCH)
user: $(USER_BENCH)

$(USER_OUT)/bench/bench_probes: $(USER_OUT)/obj/bench/probes.o $(USER_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(MUSLCC) -static -o $@ $^

$(USER_OUT)/bench/bench_disk: $(USER_OUT)/obj/bench/disk.o $(USER_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(MUSLCC) -static -o $@ $^

$(USER_OUT)/bench/bench_true: $(USER_OUT)/obj/bench/true.o
	@mkdir -p $(dir $@)
	$(MUSLCC) -static -o $@ $^
