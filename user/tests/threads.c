/*
 * threads.c - musl pthreads on the kernel's clone/futex/set_tid_address
 * (built both static and static-PIE; run on 4 CPUs on rastOS, 1 on Linux:
 * only results are printed, never interleavings).
 *   create/join 4 rounds of 16 threads with return values and
 *   pthread_exit values; getpid equal and gettid distinct in every thread;
 *   __thread variables (initialised, per thread); a mutex-protected counter
 *   (8 threads x 20000); a condition-variable queue (producer, 4
 *   consumers); detached threads; pthread_kill to one thread runs the
 *   handler in that thread; a thread calling exit() ends the process with
 *   its status; set_tid_address returns the tid; joining relies on
 *   CLONE_CHILD_CLEARTID.
 */
#define _GNU_SOURCE
#include "lib/t.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NT 16

static __thread int tls_init = 42;
static __thread long tls_id;
static pid_t main_pid;

struct info {
	int idx;
	pid_t tid;
	int ok;
};

static void *worker(void *arg)
{
	struct info *in = arg;
	in->ok = tls_init == 42 && getpid() == main_pid;
	tls_init = in->idx;
	tls_id = in->idx * 1000;
	in->tid = (pid_t)t_sys0(SYS_gettid);
	for (int i = 0; i < 50; i++) {
		sched_yield();
		if (tls_id != in->idx * 1000 || tls_init != in->idx)
			in->ok = 0;
	}
	if (in->idx % 2)
		pthread_exit((void *)(intptr_t)(in->idx * 3));
	return (void *)(intptr_t)(in->idx * 3);
}

static void create_join(void)
{
	int all_ok = 1, values_ok = 1, distinct = 1;
	for (int round = 0; round < 4; round++) {
		pthread_t th[NT];
		struct info in[NT];
		for (int i = 0; i < NT; i++) {
			in[i].idx = i + 1;
			in[i].ok = 0;
			if (pthread_create(&th[i], NULL, worker, &in[i]))
				all_ok = 0;
		}
		for (int i = 0; i < NT; i++) {
			void *ret;
			pthread_join(th[i], &ret);
			if ((intptr_t)ret != in[i].idx * 3)
				values_ok = 0;
			all_ok &= in[i].ok;
			if (in[i].tid == main_pid)
				distinct = 0;
			for (int j = 0; j < i; j++)
				if (in[j].tid == in[i].tid)
					distinct = 0;
		}
	}
	T_EQ("64 threads: same pid, own __thread values", all_ok, 1);
	T_EQ("  join returns each value (return and pthread_exit)", values_ok,
	     1);
	T_EQ("  gettid distinct per thread", distinct, 1);
	T_EQ("  main thread's __thread untouched", tls_init, 42);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *incr(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void mutexes(void)
{
	pthread_t th[8];
	for (int i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, incr, NULL);
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	T_EQ("mutex counter", counter, 8 * 20000);
}

#define QN 64
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t nonfull = PTHREAD_COND_INITIALIZER;
static int queue[QN], qhead, qtail, qcount, qdone;
static long consumed_sum, consumed_n;

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (qcount == 0 && !qdone)
			pthread_cond_wait(&nonempty, &mu);
		if (qcount == 0 && qdone) {
			pthread_mutex_unlock(&mu);
			return NULL;
		}
		int v = queue[qhead];
		qhead = (qhead + 1) % QN;
		qcount--;
		consumed_sum += v;
		consumed_n++;
		pthread_cond_signal(&nonfull);
		pthread_mutex_unlock(&mu);
	}
}

static void condvars(void)
{
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, consumer, NULL);
	for (int v = 1; v <= 5000; v++) {
		pthread_mutex_lock(&mu);
		while (qcount == QN)
			pthread_cond_wait(&nonfull, &mu);
		queue[qtail] = v;
		qtail = (qtail + 1) % QN;
		qcount++;
		pthread_cond_signal(&nonempty);
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	qdone = 1;
	pthread_cond_broadcast(&nonempty);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	T_EQ("condvar queue: items consumed", consumed_n, 5000);
	T_EQ("  their sum", consumed_sum, 5000L * 5001 / 2);
}

static volatile int detached_done;

static void *detached(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&detached_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static volatile pid_t handler_tid;
static volatile int target_ready, target_go;

static void on_usr1(int sig)
{
	(void)sig;
	handler_tid = (pid_t)t_sys0(SYS_gettid);
}

static void *target(void *arg)
{
	*(pid_t *)arg = (pid_t)t_sys0(SYS_gettid);
	target_ready = 1;
	while (!target_go)
		t_msleep(1);
	return NULL;
}

static void *exiter(void *arg)
{
	(void)arg;
	t_msleep(10);
	exit(3);
}

static void *sleeper_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(void)
{
	main_pid = getpid();
	/* In a child: musl keeps its own clear-tid address in the parent. */
	pid_t c = t_fork();
	if (c == 0) {
		static int x;
		_exit(t_sys1(SYS_set_tid_address, &x) == t_sys0(SYS_gettid)
			      ? 0
			      : 1);
	}
	T_STATUS("set_tid_address returns the tid", t_wait(c), "exit 0");
	create_join();
	mutexes();
	condvars();

	for (int i = 0; i < 8; i++) {
		pthread_t t;
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&a, 64 * 1024);
		pthread_create(&t, &a, detached, NULL);
	}
	for (int i = 0; i < 2000 && detached_done < 8; i++)
		t_msleep(1);
	T_EQ("8 detached threads ran", detached_done, 8);

	signal(SIGUSR1, on_usr1);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* main thread blocks it */
	pid_t ttid = 0;
	pthread_t t;
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	pthread_create(&t, NULL, target, &ttid);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (!target_ready)
		t_msleep(1);
	pthread_kill(t, SIGUSR1);
	for (int i = 0; i < 2000 && handler_tid == 0; i++)
		t_msleep(1);
	T_EQ("pthread_kill: handler ran in the target thread",
	     handler_tid == ttid, 1);
	target_go = 1;
	pthread_join(t, NULL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	pid_t pid = t_fork();
	if (pid == 0) {
		pthread_t a, b;
		pthread_create(&a, NULL, sleeper_thread, NULL);
		pthread_create(&b, NULL, exiter, NULL);
		for (;;)
			pause();
	}
	T_STATUS("exit() in a thread ends the process", t_wait(pid), "exit 3");
	t_done();
}
