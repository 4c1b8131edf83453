/*
 * Shared by the files of kernel/net/ only.
 */
#ifndef NET_PRIV_H
#define NET_PRIV_H

#include <kernel/compiler.h>
#include <kernel/net.h>

/* socket.c: an address from user memory (ulen bytes, at most
 * SOCKADDR_MAX) into kaddr: 0, -EINVAL, -EFAULT. */
int addr_from_user(uintptr_t uaddr, long ulen, void *kaddr);
/* An address of klen bytes to user memory, as much as *ulenp allows;
 * *ulenp becomes klen: 0, -EINVAL, -EFAULT. */
int addr_to_user(const void *kaddr, size_t klen, uintptr_t uaddr,
		 uintptr_t ulenp);
/* The socket of descriptor fd (its file referenced in *fp), or NULL with
 * *err -EBADF or -ENOTSOCK. */
struct socket *socket_get_fd(int fd, struct file **fp, long *err);

/* socket_msg.c: send through sock's family (a stream family raises
 * SIGPIPE with its EPIPE itself, unless MSG_NOSIGNAL). */
long socket_send(struct socket *sock, struct msg_k *m, bool nonblock,
		 int flags);

#endif
