/*
 * The offsets cpu/frame.inc gives the assembly files, checked against the
 * C structures they describe: a change on one side fails the build.
 */
#include <stddef.h>
#include <kernel/arch.h>
#include <kernel/sched.h>
#include <kernel/smp.h>

#define CHECK(value, expr)                \
	_Static_assert((expr) == (value), \
		       #expr " is not " #value " (frame.inc)")

CHECK(0, offsetof(struct trap_frame, r15));
CHECK(32, offsetof(struct trap_frame, r11));
CHECK(40, offsetof(struct trap_frame, r10));
CHECK(48, offsetof(struct trap_frame, r9));
CHECK(56, offsetof(struct trap_frame, r8));
CHECK(64, offsetof(struct trap_frame, rbp));
CHECK(72, offsetof(struct trap_frame, rdi));
CHECK(80, offsetof(struct trap_frame, rsi));
CHECK(88, offsetof(struct trap_frame, rdx));
CHECK(96, offsetof(struct trap_frame, rcx));
CHECK(112, offsetof(struct trap_frame, rax));
CHECK(120, offsetof(struct trap_frame, vector));
CHECK(128, offsetof(struct trap_frame, error_code));
CHECK(136, offsetof(struct trap_frame, rip));
CHECK(144, offsetof(struct trap_frame, cs));
CHECK(152, offsetof(struct trap_frame, rflags));
CHECK(160, offsetof(struct trap_frame, rsp));
CHECK(168, offsetof(struct trap_frame, ss));
CHECK(176, sizeof(struct trap_frame));

CHECK(8, offsetof(struct percpu, current));
CHECK(16, offsetof(struct percpu, kernel_rsp));
CHECK(24, offsetof(struct percpu, user_rsp));

CHECK(32, offsetof(struct task, arch.full_restore));
CHECK(56, offsetof(struct task, need_resched));
CHECK(57, offsetof(struct task, sigpending));
