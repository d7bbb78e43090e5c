/*
 * The floor under the passthrough figures: a plain udpxy-like relay in C, as small as such a relay can be,
 * that does what the gateway's /udp/ does per datagram and client and nothing else. Run by the benchmark
 * with the same stream clients, load generator and rates as the gateway, it shows what this machine's
 * kernel and CPUs allow, as bench/raw-fanout.c does for the SSE fan-out.
 *
 *   raw-relay <http-port> <threads> [client-buffer-bytes [read|datagram]]
 *
 * Each of <threads> threads has its own epoll loop and its own listening socket on 127.0.0.1:<http-port>
 * (SO_REUSEPORT: the kernel spreads the connections over the threads). A request whose head (anything up
 * to the blank line) starts "GET /udp/<group>:<port> " with an IPv4 multicast group joins that group on lo
 * once: one UDP socket per group (SO_RCVBUF 4 MiB, bound to the group's address and port) shared by all
 * its clients and owned by one loop (the groups are dealt to the loops in turn), to which the client is
 * handed. That loop answers 200, Content-Type: video/mp2t, chunked, and from then on, on each wake-up of
 * the group's socket, reads every datagram waiting (recvmmsg until it returns fewer than it can take) and
 * writes each datagram's payload to every client as one HTTP chunk, its head and tail built once per
 * datagram: with one writev(2) per client for all the datagrams of a recvmmsg (read, the default: as the
 * gateway writes once per client and wake-up), or for each datagram (datagram). What the socket does not
 * take is kept and written on EPOLLOUT; a datagram that would make a client's kept bytes more than
 * <client-buffer-bytes> (default 4194304, the gateway's default) is dropped for that client, whole, and
 * counted. A group stays joined until the relay exits (the benchmark's clients stay to the end). Other
 * requests get 404, a group beyond the 64th 503.
 * Prints {"ready":true} once listening; on a line on stdin prints {"clients":C,"groups":G,"datagrams":D,
 * "bytes":B,"writes":W,"partial":P,"dropped":X,"rcvbuf":R} (datagrams and payload bytes read, writes
 * and those the socket took in part, datagrams dropped for a client, the first group's granted
 * SO_RCVBUF) and exits.
 *
 * Built by bench/run with: cc -O2 -pthread -o target/bench/raw-relay bench/raw-relay.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define HEAD_MAX 8192
#define GROUPS_MAX 64
#define BATCH 32 /* datagrams per recvmmsg */
#define DATAGRAM_MAX 65536
#define RCVBUF (4 << 20)

enum kind { CLIENT, GROUP };

struct loop;

typedef struct client {
    enum kind kind;
    int fd;
    struct group *group; /* set once its request was read */
    int index; /* in its group's clients, -1 until its loop adopted it */
    int head_length;
    char head[HEAD_MAX];
    char *pending; /* bytes the socket did not take: pending_length of them from pending_start */
    size_t pending_start, pending_length, pending_capacity;
} client;

typedef struct group {
    enum kind kind;
    int fd;
    struct in_addr address;
    int port;
    struct loop *owner; /* the only thread that reads its socket and touches its clients */
    client **clients;
    int count, capacity;
} group;

typedef struct loop {
    int epoll;
    int listener;
    int wake; /* eventfd: clients were handed to this loop */
    pthread_mutex_t lock; /* guards inbox */
    client **inbox;
    int inbox_count, inbox_capacity;
    /* written by the loop's thread only, read at exit */
    atomic_long clients, datagrams, bytes, writes, partial, dropped;
    pthread_t thread;
} loop;

static int http_port, threads;
static size_t client_buffer = 4194304;
static int per_read = 1;
static loop *loops;
static pthread_mutex_t groups_lock = PTHREAD_MUTEX_INITIALIZER;
static group *groups[GROUPS_MAX];
static int group_count;
static atomic_int rcvbuf;

static const char RESPONSE[] = "HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nTransfer-Encoding: chunked\r\n\r\n";
static const char NOT_FOUND[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
static const char UNAVAILABLE[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
static const char CRLF[] = "\r\n";

static void fail(const char *what) {
    perror(what);
    exit(1);
}

/* a counter that only its loop's thread writes: no locked instruction on the hot path */
static void add(atomic_long *counter, long n) {
    atomic_store_explicit(counter, atomic_load_explicit(counter, memory_order_relaxed) + n, memory_order_relaxed);
}

static void watch(loop *l, int fd, unsigned events, void *ptr, int op) {
    struct epoll_event ev = { .events = events, .data.ptr = ptr };
    if (epoll_ctl(l->epoll, op, fd, &ev) < 0) {
        fail("raw-relay: epoll_ctl");
    }
}

static void close_client(loop *l, client *c) {
    if (c->index >= 0) {
        group *g = c->group;
        client *last = g->clients[--g->count];
        g->clients[c->index] = last;
        last->index = c->index;
        add(&l->clients, -1);
    }
    close(c->fd);
    free(c->pending);
    free(c);
}

/* Writes what is pending; 0 when the client broke (closed). */
static int flush_pending(loop *l, client *c) {
    while (c->pending_length > 0) {
        ssize_t n = write(c->fd, c->pending + c->pending_start, c->pending_length);
        if (n < 0 && errno == EAGAIN) {
            return 1;
        }
        if (n <= 0) {
            close_client(l, c);
            return 0;
        }
        c->pending_start += n;
        c->pending_length -= n;
    }
    c->pending_start = 0;
    watch(l, c->fd, EPOLLIN, c, EPOLL_CTL_MOD);
    return 1;
}

/* Appends the chunk's bytes from its byte skip on to what is pending. */
static void keep(client *c, const struct iovec *chunk, int pieces, size_t skip) {
    size_t total = 0;
    for (int i = 0; i < pieces; i++) {
        total += chunk[i].iov_len;
    }
    size_t length = total - skip;
    if (c->pending_start + c->pending_length + length > c->pending_capacity) {
        memmove(c->pending, c->pending + c->pending_start, c->pending_length);
        c->pending_start = 0;
        if (c->pending_length + length > c->pending_capacity) {
            c->pending_capacity = (c->pending_length + length) * 2;
            c->pending = realloc(c->pending, c->pending_capacity);
            if (!c->pending) {
                fail("raw-relay: realloc");
            }
        }
    }
    char *to = c->pending + c->pending_start + c->pending_length;
    for (int i = 0; i < pieces; i++) {
        size_t from = skip < chunk[i].iov_len ? skip : chunk[i].iov_len;
        memcpy(to, (char *) chunk[i].iov_base + from, chunk[i].iov_len - from);
        to += chunk[i].iov_len - from;
        skip -= from;
    }
    c->pending_length += length;
}

/* Writes chunks (three pieces each: head, payload, tail; length bytes in all) with one writev(2), or keeps them. */
static void send_chunks(loop *l, client *c, const struct iovec *chunks, int pieces, size_t length) {
    if (c->pending_length > 0) {
        for (int i = 0; i < pieces; i += 3) {
            size_t chunk = chunks[i].iov_len + chunks[i + 1].iov_len + chunks[i + 2].iov_len;
            if (c->pending_length + chunk > client_buffer) {
                add(&l->dropped, 1);
            } else {
                keep(c, chunks + i, 3, 0);
            }
        }
        return;
    }
    ssize_t n = writev(c->fd, chunks, pieces);
    add(&l->writes, 1);
    if (n == (ssize_t) length) {
        return;
    }
    if (n < 0 && errno != EAGAIN) {
        close_client(l, c);
        return;
    }
    add(&l->partial, 1);
    keep(c, chunks, pieces, n < 0 ? 0 : (size_t) n);
    watch(l, c->fd, EPOLLIN | EPOLLOUT, c, EPOLL_CTL_MOD);
}

/*
 * Every datagram waiting on the group's socket, each to every client as one chunk: the datagrams of one
 * recvmmsg with one writev per client (per_read), or each datagram with a writev of its own.
 */
static void datagrams_in(loop *l, group *g) {
    static __thread char (*payloads)[DATAGRAM_MAX];
    static __thread char heads[BATCH][16];
    static __thread struct mmsghdr messages[BATCH];
    static __thread struct iovec buffers[BATCH];
    static __thread struct iovec chunks[3 * BATCH];
    if (!payloads) {
        payloads = malloc(BATCH * sizeof *payloads);
        for (int i = 0; i < BATCH; i++) {
            buffers[i] = (struct iovec) { .iov_base = payloads[i], .iov_len = DATAGRAM_MAX };
            messages[i].msg_hdr = (struct msghdr) { .msg_iov = &buffers[i], .msg_iovlen = 1 };
        }
    }
    for (;;) {
        int n = recvmmsg(g->fd, messages, BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) {
            return;
        }
        size_t all = 0, lengths[BATCH];
        for (int m = 0; m < n; m++) {
            size_t size = messages[m].msg_len;
            chunks[3 * m] = (struct iovec) { heads[m], (size_t) snprintf(heads[m], sizeof heads[m], "%zx\r\n", size) };
            chunks[3 * m + 1] = (struct iovec) { payloads[m], size };
            chunks[3 * m + 2] = (struct iovec) { (void *) CRLF, 2 };
            lengths[m] = chunks[3 * m].iov_len + size + 2;
            all += lengths[m];
            add(&l->bytes, (long) size);
        }
        add(&l->datagrams, n);
        for (int i = g->count - 1; i >= 0; i--) { /* backwards: a client that breaks is swapped with the last */
            if (per_read) {
                send_chunks(l, g->clients[i], chunks, 3 * n, all);
            } else {
                client *c = g->clients[i];
                for (int m = 0; m < n && g->count > i && g->clients[i] == c; m++) {
                    send_chunks(l, c, chunks + 3 * m, 3, lengths[m]);
                }
            }
        }
        if (n < BATCH) { /* the queue is empty: epoll wakes the loop again when more arrive */
            return;
        }
    }
}

/* The group's socket, joined on lo: made by the first request for it, owned by a loop dealt in turn. */
static group *join(struct in_addr address, int port, int *full) {
    pthread_mutex_lock(&groups_lock);
    group *g = NULL;
    for (int i = 0; i < group_count && !g; i++) {
        if (groups[i]->address.s_addr == address.s_addr && groups[i]->port == port) {
            g = groups[i];
        }
    }
    *full = !g && group_count == GROUPS_MAX;
    if (!g && !*full) {
        int one = 1, size = RCVBUF, granted = 0;
        socklen_t granted_length = sizeof granted;
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = address };
        struct ip_mreqn lo = { .imr_multiaddr = address, .imr_ifindex = (int) if_nametoindex("lo") };
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (fd < 0 || lo.imr_ifindex == 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
                || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0
                || bind(fd, (struct sockaddr *) &to, sizeof to) < 0
                || setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &lo, sizeof lo) < 0
                || getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &granted_length) < 0) {
            fail("raw-relay: udp socket");
        }
        if (group_count == 0) {
            atomic_store(&rcvbuf, granted);
        }
        g = calloc(1, sizeof *g);
        g->kind = GROUP;
        g->fd = fd;
        g->address = address;
        g->port = port;
        g->owner = &loops[group_count % threads];
        groups[group_count++] = g;
        watch(g->owner, fd, EPOLLIN, g, EPOLL_CTL_ADD);
    }
    pthread_mutex_unlock(&groups_lock);
    return g;
}

/* On the group's loop: the response, then the client gets every datagram from the next on. */
static void adopt(loop *l, client *c) {
    if (write(c->fd, RESPONSE, sizeof RESPONSE - 1) != sizeof RESPONSE - 1) {
        close_client(l, c);
        return;
    }
    group *g = c->group;
    if (g->count == g->capacity) {
        g->capacity = g->capacity ? g->capacity * 2 : 256;
        g->clients = realloc(g->clients, g->capacity * sizeof *g->clients);
    }
    c->index = g->count;
    g->clients[g->count++] = c;
    add(&l->clients, 1);
}

/* The clients other loops handed to this one. */
static void inbox_in(loop *l) {
    uint64_t ignored;
    if (read(l->wake, &ignored, sizeof ignored) < 0 && errno != EAGAIN) {
        fail("raw-relay: eventfd");
    }
    pthread_mutex_lock(&l->lock);
    client **handed = l->inbox;
    int count = l->inbox_count;
    l->inbox = NULL;
    l->inbox_count = l->inbox_capacity = 0;
    pthread_mutex_unlock(&l->lock);
    for (int i = 0; i < count; i++) {
        watch(l, handed[i]->fd, EPOLLIN, handed[i], EPOLL_CTL_ADD);
        adopt(l, handed[i]);
    }
    free(handed);
}

static void hand_over(loop *from, client *c) {
    loop *to = c->group->owner;
    if (to == from) {
        adopt(from, c);
        return;
    }
    watch(from, c->fd, 0, c, EPOLL_CTL_DEL);
    pthread_mutex_lock(&to->lock);
    if (to->inbox_count == to->inbox_capacity) {
        to->inbox_capacity = to->inbox_capacity ? to->inbox_capacity * 2 : 64;
        to->inbox = realloc(to->inbox, to->inbox_capacity * sizeof *to->inbox);
    }
    to->inbox[to->inbox_count++] = c;
    pthread_mutex_unlock(&to->lock);
    uint64_t one = 1;
    if (write(to->wake, &one, sizeof one) != sizeof one) {
        fail("raw-relay: eventfd");
    }
}

static void refuse(loop *l, client *c, const char *response, size_t length) {
    if (write(c->fd, response, length) < 0) {
        /* closed anyway */
    }
    close_client(l, c);
}

static void head_in(loop *l, client *c) {
    for (;;) {
        ssize_t n = read(c->fd, c->head + c->head_length, HEAD_MAX - 1 - c->head_length);
        if (n < 0 && errno == EAGAIN) {
            return;
        }
        if (n <= 0) {
            close_client(l, c);
            return;
        }
        if (c->group) { /* a client sends nothing more: what it sends is ignored */
            continue;
        }
        c->head_length += n;
        c->head[c->head_length] = 0;
        if (strstr(c->head, "\r\n\r\n")) {
            char address[16], after;
            int port, full;
            struct in_addr group_address;
            if (sscanf(c->head, "GET /udp/%15[0-9.]:%d%c", address, &port, &after) != 3 || after != ' '
                    || port < 1 || port > 65535 || inet_pton(AF_INET, address, &group_address) != 1
                    || !IN_MULTICAST(ntohl(group_address.s_addr))) {
                refuse(l, c, NOT_FOUND, sizeof NOT_FOUND - 1);
                return;
            }
            c->group = join(group_address, port, &full);
            if (full) {
                refuse(l, c, UNAVAILABLE, sizeof UNAVAILABLE - 1);
                return;
            }
            hand_over(l, c);
            return; /* another loop's client now, maybe */
        }
        if (c->head_length >= HEAD_MAX - 1) {
            close_client(l, c);
            return;
        }
    }
}

static void *run(void *arg) {
    loop *l = arg;
    struct epoll_event ready[256];
    for (;;) {
        int n = epoll_wait(l->epoll, ready, 256, -1);
        for (int k = 0; k < n; k++) {
            void *ptr = ready[k].data.ptr;
            if (ptr == &l->listener) {
                int fd;
                while ((fd = accept4(l->listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    int one = 1;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    client *c = calloc(1, sizeof *c);
                    c->kind = CLIENT;
                    c->fd = fd;
                    c->index = -1;
                    watch(l, fd, EPOLLIN, c, EPOLL_CTL_ADD);
                }
            } else if (ptr == &l->wake) {
                inbox_in(l);
            } else if (*(enum kind *) ptr == GROUP) {
                datagrams_in(l, ptr);
            } else {
                client *c = ptr;
                if (ready[k].events & EPOLLOUT) {
                    if (!flush_pending(l, c)) {
                        continue;
                    }
                }
                if (ready[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                    head_in(l, c);
                }
            }
        }
    }
    return NULL;
}

static void open_loop(loop *l) {
    int one = 1;
    l->epoll = epoll_create1(0);
    l->wake = eventfd(0, EFD_NONBLOCK);
    l->listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    pthread_mutex_init(&l->lock, NULL);
    struct sockaddr_in http = { .sin_family = AF_INET, .sin_port = htons(http_port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (l->epoll < 0 || l->wake < 0 || l->listener < 0
            || setsockopt(l->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
            || setsockopt(l->listener, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0
            || bind(l->listener, (struct sockaddr *) &http, sizeof http) < 0 || listen(l->listener, 4096) < 0) {
        fail("raw-relay: http socket");
    }
    watch(l, l->listener, EPOLLIN, &l->listener, EPOLL_CTL_ADD);
    watch(l, l->wake, EPOLLIN, &l->wake, EPOLL_CTL_ADD);
}

static long sum(size_t offset) {
    long total = 0;
    for (int i = 0; i < threads; i++) {
        total += atomic_load((atomic_long *) ((char *) &loops[i] + offset));
    }
    return total;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 5 || (argc == 5 && strcmp(argv[4], "read") != 0 && strcmp(argv[4], "datagram") != 0)) {
        fprintf(stderr, "usage: raw-relay <http-port> <threads> [client-buffer-bytes [read|datagram]]\n");
        return 2;
    }
    http_port = atoi(argv[1]);
    threads = atoi(argv[2]);
    if (threads < 1) {
        threads = 1;
    }
    if (argc >= 4) {
        client_buffer = strtoul(argv[3], NULL, 10);
    }
    per_read = argc < 5 || strcmp(argv[4], "read") == 0;
    signal(SIGPIPE, SIG_IGN); /* a client that went away is closed on EPIPE, not the relay */
    loops = calloc(threads, sizeof *loops);
    for (int i = 0; i < threads; i++) {
        open_loop(&loops[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_create(&loops[i].thread, NULL, run, &loops[i]);
    }
    printf("{\"ready\":true}\n");
    fflush(stdout);
    char line[256];
    if (!fgets(line, sizeof line, stdin)) {
        /* stdin closed: the counters all the same */
    }
    pthread_mutex_lock(&groups_lock);
    int joined = group_count;
    pthread_mutex_unlock(&groups_lock);
    printf("{\"clients\":%ld,\"groups\":%d,\"datagrams\":%ld,\"bytes\":%ld,\"writes\":%ld,\"partial\":%ld,"
           "\"dropped\":%ld,\"rcvbuf\":%d}\n",
            sum(offsetof(loop, clients)), joined, sum(offsetof(loop, datagrams)), sum(offsetof(loop, bytes)),
            sum(offsetof(loop, writes)), sum(offsetof(loop, partial)), sum(offsetof(loop, dropped)),
            atomic_load(&rcvbuf));
    fflush(stdout);
    return 0;
}
