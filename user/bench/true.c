/*
 * true.c - bench_true, the program the fork+execve+wait probe executes
 * (user/bench/probes.c): a static musl program that only exits 0, so that
 * the probe measures the kernel's execve and process start-up and little
 * else.
 */
int main(void)
{
	return 0;
}
