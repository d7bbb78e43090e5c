/*
 * The floor under the fan-out figures: a plain SSE server in C, as small as such a server can be, that does
 * what the gateway does per event and subscriber and nothing else. Run by the benchmark with the same SSE
 * clients, load generator and rates as the gateway, it shows what this machine's kernel and CPUs allow, as
 * the raw socket does for the receive rate.
 *
 *   raw-fanout <group> <port> <http-port> <threads>
 *
 * Each of <threads> threads has its own epoll loop, its own listening socket on 127.0.0.1:<http-port>
 * (SO_REUSEPORT: the kernel spreads the connections over the threads) and its own UDP socket bound to the
 * group and joined on lo (each gets every datagram). A request's head (anything up to the blank line) gets
 * a chunked text/event-stream response; from then on every datagram goes to the stream as one HTTP chunk
 * holding an SSE event of the gateway's shape and size (id, event, data: a JSON object with the payload as
 * "text"), written with one write(2) per stream, what the socket does not take kept and written when it
 * can. Prints {"ready":true} once listening; on a line on stdin prints
 * {"streams":N,"datagrams":D,"writes":W,"partial":P} and exits.
 *
 * Built by bench/run with: cc -O2 -pthread -o target/bench/raw-fanout bench/raw-fanout.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX 8192
#define FRAME_MAX 70000

typedef struct stream {
    int fd;
    int index; /* in its loop's subscribers, -1 until the head was read */
    int head_length;
    char head[HEAD_MAX];
    char *pending; /* bytes the socket did not take */
    size_t pending_length;
} stream;

typedef struct {
    int epoll;
    int listener;
    int udp;
    int first; /* counts the datagrams (every loop gets each one) */
    stream **subscribers;
    int count, capacity;
    pthread_t thread;
} loop;

static const char *group;
static int port, http_port;
static atomic_long streams_open, datagrams, writes, partial;
static atomic_long next_id;

static const char RESPONSE[] = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
                               "transfer-encoding: chunked\r\n\r\n";

static void fail(const char *what) {
    perror(what);
    exit(1);
}

static void watch(loop *l, int fd, unsigned events, void *ptr, int op) {
    struct epoll_event ev = { .events = events, .data.ptr = ptr };
    if (epoll_ctl(l->epoll, op, fd, &ev) < 0) {
        fail("raw-fanout: epoll_ctl");
    }
}

static void close_stream(loop *l, stream *s) {
    if (s->index >= 0) {
        stream *last = l->subscribers[--l->count];
        l->subscribers[s->index] = last;
        last->index = s->index;
        atomic_fetch_sub(&streams_open, 1);
    }
    close(s->fd);
    free(s->pending);
    free(s);
}

/* Writes what is pending; 0 when the stream broke (closed). */
static int flush_pending(loop *l, stream *s) {
    while (s->pending_length > 0) {
        ssize_t n = write(s->fd, s->pending, s->pending_length);
        if (n < 0 && errno == EAGAIN) {
            return 1;
        }
        if (n <= 0) {
            close_stream(l, s);
            return 0;
        }
        memmove(s->pending, s->pending + n, s->pending_length - n);
        s->pending_length -= n;
    }
    watch(l, s->fd, EPOLLIN, s, EPOLL_CTL_MOD);
    return 1;
}

static void send_frame(loop *l, stream *s, const char *frame, size_t length) {
    if (s->pending_length > 0) {
        s->pending = realloc(s->pending, s->pending_length + length);
        memcpy(s->pending + s->pending_length, frame, length);
        s->pending_length += length;
        return;
    }
    ssize_t n = write(s->fd, frame, length);
    atomic_fetch_add_explicit(&writes, 1, memory_order_relaxed);
    if (n == (ssize_t) length) {
        return;
    }
    if (n < 0 && errno != EAGAIN) {
        close_stream(l, s);
        return;
    }
    size_t taken = n < 0 ? 0 : (size_t) n;
    atomic_fetch_add_explicit(&partial, 1, memory_order_relaxed);
    s->pending = malloc(length - taken);
    memcpy(s->pending, frame + taken, length - taken);
    s->pending_length = length - taken;
    watch(l, s->fd, EPOLLIN | EPOLLOUT, s, EPOLL_CTL_MOD);
}

/* One datagram as the gateway frames it: an HTTP chunk around an SSE event with a JSON object. */
static size_t frame(char *out, const char *payload, int size, const struct sockaddr_in *from) {
    static const char HEX[] = "0123456789abcdef";
    char body[FRAME_MAX - 16];
    char source[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &from->sin_addr, source, sizeof source);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm utc;
    gmtime_r(&ts.tv_sec, &utc);
    long id = atomic_fetch_add(&next_id, 1) + 1;
    int length = snprintf(body, sizeof body,
            "id: raw-%ld\nevent: datagram\ndata: {\"id\":\"raw-%ld\",\"channel\":\"default\",\"group\":\"%s\","
            "\"port\":%d,\"source\":\"%s:%d\",\"receivedAt\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"size\":%d,"
            "\"text\":\"",
            id, id, group, port, source, ntohs(from->sin_port), utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
            utc.tm_hour, utc.tm_min, utc.tm_sec, ts.tv_nsec / 1000000, size);
    for (int i = 0; i < size && length < (int) sizeof body - 8; i++) {
        char c = payload[i];
        body[length++] = (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '.';
    }
    length += snprintf(body + length, sizeof body - length, "\"}\n\n");
    int at = 0;
    for (int shift = 28; shift >= 0; shift -= 4) {
        if ((length >> shift) != 0 || shift == 0) {
            out[at++] = HEX[(length >> shift) & 0xf];
        }
    }
    out[at++] = '\r';
    out[at++] = '\n';
    memcpy(out + at, body, length);
    at += length;
    out[at++] = '\r';
    out[at++] = '\n';
    return at;
}

static void datagrams_in(loop *l) {
    static __thread char payload[65536];
    static __thread char out[FRAME_MAX];
    for (;;) {
        struct sockaddr_in from;
        socklen_t from_length = sizeof from;
        ssize_t size = recvfrom(l->udp, payload, sizeof payload, MSG_DONTWAIT, (struct sockaddr *) &from, &from_length);
        if (size < 0) {
            return;
        }
        if (l->first) {
            atomic_fetch_add_explicit(&datagrams, 1, memory_order_relaxed);
        }
        size_t length = frame(out, payload, (int) (size > FRAME_MAX / 2 ? FRAME_MAX / 2 : size), &from);
        for (int i = l->count - 1; i >= 0; i--) { /* backwards: a stream that breaks is swapped with the last */
            send_frame(l, l->subscribers[i], out, length);
        }
    }
}

static void head_in(loop *l, stream *s) {
    for (;;) {
        ssize_t n = read(s->fd, s->head + s->head_length, HEAD_MAX - 1 - s->head_length);
        if (n < 0 && errno == EAGAIN) {
            return;
        }
        if (n <= 0) {
            close_stream(l, s);
            return;
        }
        if (s->index >= 0) { /* a subscriber sends nothing more: what it sends is ignored */
            continue;
        }
        s->head_length += n;
        s->head[s->head_length] = 0;
        if (strstr(s->head, "\r\n\r\n")) {
            if (write(s->fd, RESPONSE, sizeof RESPONSE - 1) != sizeof RESPONSE - 1) {
                close_stream(l, s);
                return;
            }
            if (l->count == l->capacity) {
                l->capacity = l->capacity ? l->capacity * 2 : 1024;
                l->subscribers = realloc(l->subscribers, l->capacity * sizeof *l->subscribers);
            }
            s->index = l->count;
            l->subscribers[l->count++] = s;
            s->head_length = 0;
            atomic_fetch_add(&streams_open, 1);
        } else if (s->head_length >= HEAD_MAX - 1) {
            close_stream(l, s);
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
            if (ptr == &l->udp) {
                datagrams_in(l);
            } else if (ptr == &l->listener) {
                int fd;
                while ((fd = accept4(l->listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    int one = 1;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    stream *s = calloc(1, sizeof *s);
                    s->fd = fd;
                    s->index = -1;
                    watch(l, fd, EPOLLIN, s, EPOLL_CTL_ADD);
                }
            } else {
                stream *s = ptr;
                if (ready[k].events & EPOLLOUT) {
                    if (!flush_pending(l, s)) {
                        continue;
                    }
                }
                if (ready[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                    head_in(l, s);
                }
            }
        }
    }
    return NULL;
}

static void open_loop(loop *l) {
    int one = 1;
    l->epoll = epoll_create1(0);
    l->listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in http = { .sin_family = AF_INET, .sin_port = htons(http_port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (l->epoll < 0 || l->listener < 0
            || setsockopt(l->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
            || setsockopt(l->listener, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0
            || bind(l->listener, (struct sockaddr *) &http, sizeof http) < 0 || listen(l->listener, 4096) < 0) {
        fail("raw-fanout: http socket");
    }
    l->udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
    struct ip_mreqn join = { .imr_ifindex = (int) if_nametoindex("lo") };
    if (l->udp < 0 || inet_pton(AF_INET, group, &to.sin_addr) != 1 || join.imr_ifindex == 0
            || setsockopt(l->udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
            || bind(l->udp, (struct sockaddr *) &to, sizeof to) < 0) {
        fail("raw-fanout: udp socket");
    }
    join.imr_multiaddr = to.sin_addr;
    if (setsockopt(l->udp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &join, sizeof join) < 0) {
        fail("raw-fanout: join");
    }
    watch(l, l->listener, EPOLLIN, &l->listener, EPOLL_CTL_ADD);
    watch(l, l->udp, EPOLLIN, &l->udp, EPOLL_CTL_ADD);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: raw-fanout <group> <port> <http-port> <threads>\n");
        return 2;
    }
    group = argv[1];
    port = atoi(argv[2]);
    http_port = atoi(argv[3]);
    int threads = atoi(argv[4]);
    if (threads < 1) {
        threads = 1;
    }
    loop *loops = calloc(threads, sizeof *loops);
    for (int i = 0; i < threads; i++) {
        loops[i].first = i == 0;
        open_loop(&loops[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_create(&loops[i].thread, NULL, run, &loops[i]);
    }
    printf("{\"ready\":true}\n");
    fflush(stdout);
    char line[256];
    fgets(line, sizeof line, stdin);
    printf("{\"streams\":%ld,\"datagrams\":%ld,\"writes\":%ld,\"partial\":%ld}\n", atomic_load(&streams_open),
            atomic_load(&datagrams), atomic_load(&writes), atomic_load(&partial));
    fflush(stdout);
    return 0;
}
