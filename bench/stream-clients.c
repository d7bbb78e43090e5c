/*
 * Players of raw streams for the passthrough benchmark (udpxy's GET /udp/<group>:<port>), in C with epoll,
 * one thread, as bench/sse-clients.c is for the SSE streams: the gateway and its floor (bench/raw-relay.c)
 * are measured with the same clients, which leave them as much of the CPUs as they can.
 *
 *   stream-clients <host> <port> <connections-per-path> <path>...
 *
 * Opens <connections-per-path> connections to each path (200 at a time), sends each its GET (HTTP/1.1),
 * reads the response head and then the body, de-chunked when it is chunked, and counts the body's bytes
 * per connection (the chunks' framing not counted). The body is read as MPEG-TS, 188-byte packets one
 * after the other from its first byte: a packet whose first byte is not the sync byte 0x47 is counted as
 * a sync error. A packet with "<tag> <seq> <nanoTime> " at its byte 4 is the first of a datagram of
 * bench/sender.c's ts payload: per connection and tag it counts the datagrams (seqs), the seqs skipped
 * ("gaps": seq more than one after the one before) and those that came again or out of order
 * ("disorder"), and the bytes of that tag's datagrams (its packets until the next datagram's first).
 * Prints {"ready":true,"ok":N,"failed":F,"status":S,"contentType":T} once every connection answered (ok:
 * status 200; S the status of one that did not, 0 when it did not connect or answer; T the Content-Type of
 * a 200, without parameters). On each line on stdin it prints
 * the results as one JSON line: totals, and per path (by its text) its connections' bytes (sum, fewest)
 * and per tag the datagrams (sum, fewest, most), bytes (sum, fewest), gaps and disorder; a line "poll"
 * leaves it running, any other line ends it. "closed" counts the connections that ended after a 200;
 * "cpuBusy" is the share of its thread's CPU time since ready: well below 1, the client was not what
 * limited the figures.
 *
 * Built by bench/run with: cc -O2 -o target/bench/stream-clients bench/stream-clients.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TS_PACKET 188
#define STAMP_BYTES 48 /* a packet's bytes kept to read its sync byte and stamp: 4 + "<tag> <seq> <nanos> " */
#define TAG_SLOTS 8 /* tags counted per connection: the newest, a new one replacing the lowest */

typedef struct {
    long tag; /* -1: a free slot */
    long datagrams, gaps, disorder, bytes;
    long long last;
} tag_count;

typedef struct {
    int fd;
    int path;
    int connected;
    int headers_done;
    int status;
    int chunked;
    int closed;
    long chunk_left; /* -1: reading a size line */
    int skip_crlf;
    char size_line[32];
    int size_length;
    char head[8192];
    int head_length;
    long bytes;
    int at; /* bytes of the current packet read */
    unsigned char packet[STAMP_BYTES];
    tag_count tags[TAG_SLOTS];
    tag_count *current; /* the tag of the datagram being read, NULL before the first stamp */
} conn;

static long packets_total, sync_errors;

static long long now_nanos(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* "<tag> <seq> <nanos> " from p; 0 when they are not there */
static int stamp(const unsigned char *p, const unsigned char *end, long long out[3]) {
    for (int field = 0; field < 3; field++) {
        long long value = 0;
        const unsigned char *start = p;
        while (p < end && *p >= '0' && *p <= '9') {
            value = value * 10 + (*p++ - '0');
        }
        if (p == start || p >= end || *p != ' ') {
            return 0;
        }
        out[field] = value;
        p++;
    }
    return 1;
}

static tag_count *slot(conn *c, long tag) {
    tag_count *lowest = &c->tags[0];
    for (int i = 0; i < TAG_SLOTS; i++) {
        tag_count *t = &c->tags[i];
        if (t->tag == tag) {
            return t;
        }
        if (t->tag < lowest->tag) {
            lowest = t;
        }
    }
    *lowest = (tag_count) { .tag = tag };
    return lowest;
}

/* A whole packet was read (its first STAMP_BYTES kept). */
static void packet(conn *c) {
    packets_total++;
    if (c->packet[0] != 0x47) {
        sync_errors++;
    }
    long long f[3];
    if (stamp(c->packet + 4, c->packet + STAMP_BYTES, f)) {
        tag_count *t = slot(c, (long) f[0]);
        if (t->datagrams > 0 && f[1] > t->last + 1) {
            t->gaps += f[1] - t->last - 1;
        } else if (t->datagrams > 0 && f[1] <= t->last) {
            t->disorder++;
        }
        t->last = f[1];
        t->datagrams++;
        c->current = t;
    }
    if (c->current) {
        c->current->bytes += TS_PACKET;
    }
}

static void body(conn *c, const char *p, long n) {
    c->bytes += n;
    while (n > 0) {
        long take = TS_PACKET - c->at < n ? TS_PACKET - c->at : n;
        if (c->at < STAMP_BYTES) {
            long keep = STAMP_BYTES - c->at < take ? STAMP_BYTES - c->at : take;
            memcpy(c->packet + c->at, p, keep);
        }
        c->at += take;
        p += take;
        n -= take;
        if (c->at == TS_PACKET) {
            packet(c);
            c->at = 0;
        }
    }
}

static void feed(conn *c, const char *p, long n) {
    long i = 0;
    while (i < n) {
        if (!c->headers_done) {
            char b = p[i++];
            if (c->head_length < (int) sizeof(c->head) - 1) {
                c->head[c->head_length++] = b;
            }
            int h = c->head_length;
            if (h >= 4 && memcmp(c->head + h - 4, "\r\n\r\n", 4) == 0) {
                c->head[h] = 0;
                c->status = atoi(c->head + 9);
                c->chunked = strcasestr(c->head, "transfer-encoding: chunked") != NULL;
                c->headers_done = 1;
            }
        } else if (!c->chunked) {
            body(c, p + i, n - i);
            i = n;
        } else if (c->skip_crlf) {
            if (p[i++] == '\n') {
                c->skip_crlf = 0;
            }
        } else if (c->chunk_left < 0) {
            char b = p[i++];
            if (b == '\n') {
                c->size_line[c->size_length] = 0;
                c->chunk_left = strtol(c->size_line, NULL, 16);
                c->size_length = 0;
                if (c->chunk_left == 0) {
                    c->chunk_left = -1; /* the last chunk: the stream ended */
                }
            } else if (b != '\r' && c->size_length < (int) sizeof(c->size_line) - 1) {
                c->size_line[c->size_length++] = b;
            }
        } else {
            long take = c->chunk_left < n - i ? c->chunk_left : n - i;
            body(c, p + i, take);
            i += take;
            c->chunk_left -= take;
            if (c->chunk_left == 0) {
                c->chunk_left = -1;
                c->skip_crlf = 1;
            }
        }
    }
}

static void results(conn *conns, int connections, char **paths, int path_count, int per_path, double busy) {
    long bytes = 0;
    int ok = 0, closed = 0;
    for (int i = 0; i < connections; i++) {
        bytes += conns[i].bytes;
        ok += conns[i].status == 200;
        closed += conns[i].closed && conns[i].status == 200;
    }
    printf("{\"connections\":%d,\"ok\":%d,\"closed\":%d,\"bytes\":%ld,\"packets\":%ld,\"syncErrors\":%ld,"
           "\"cpuBusy\":%.3f,\"paths\":{", connections, ok, closed, bytes, packets_total, sync_errors, busy);
    for (int p = 0; p < path_count; p++) {
        conn *first = &conns[p * per_path];
        long sum = 0, fewest = -1;
        int path_ok = 0;
        for (int i = 0; i < per_path; i++) {
            sum += first[i].bytes;
            fewest = fewest < 0 || first[i].bytes < fewest ? first[i].bytes : fewest;
            path_ok += first[i].status == 200;
        }
        printf("%s\"%s\":{\"connections\":%d,\"ok\":%d,\"bytes\":%ld,\"minBytes\":%ld,\"tags\":{", p ? "," : "",
                paths[p], per_path, path_ok, sum, fewest);
        /* every tag any of the path's connections counted, once */
        long done[TAG_SLOTS * 4];
        int done_count = 0;
        for (int i = 0; i < per_path; i++) {
            for (int s = 0; s < TAG_SLOTS; s++) {
                long tag = first[i].tags[s].tag;
                int seen = tag < 0;
                for (int d = 0; d < done_count && !seen; d++) {
                    seen = done[d] == tag;
                }
                if (seen || done_count == (int) (sizeof done / sizeof *done)) {
                    continue;
                }
                done[done_count++] = tag;
                long t_sum = 0, t_min = -1, t_max = 0, t_bytes = 0, t_min_bytes = -1, gaps = 0, disorder = 0;
                for (int j = 0; j < per_path; j++) {
                    tag_count none = { .tag = tag }, *t = &none;
                    for (int k = 0; k < TAG_SLOTS; k++) {
                        if (first[j].tags[k].tag == tag) {
                            t = &first[j].tags[k];
                        }
                    }
                    t_sum += t->datagrams;
                    t_min = t_min < 0 || t->datagrams < t_min ? t->datagrams : t_min;
                    t_max = t->datagrams > t_max ? t->datagrams : t_max;
                    t_bytes += t->bytes;
                    t_min_bytes = t_min_bytes < 0 || t->bytes < t_min_bytes ? t->bytes : t_min_bytes;
                    gaps += t->gaps;
                    disorder += t->disorder;
                }
                printf("%s\"%ld\":{\"sum\":%ld,\"min\":%ld,\"max\":%ld,\"bytes\":%ld,\"minBytes\":%ld,\"gaps\":%ld,"
                       "\"disorder\":%ld}", done_count > 1 ? "," : "", tag, t_sum, t_min, t_max, t_bytes, t_min_bytes,
                        gaps, disorder);
            }
        }
        printf("}}");
    }
    printf("}}\n");
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: stream-clients <host> <port> <connections-per-path> <path>...\n");
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    int per_path = atoi(argv[3]);
    char **paths = argv + 4;
    int path_count = argc - 4;
    int connections = per_path * path_count;
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1 || per_path < 1) {
        fprintf(stderr, "stream-clients: not an IPv4 address (%s) or no connections\n", host);
        return 2;
    }
    conn *conns = calloc(connections, sizeof(conn));
    int epoll = epoll_create1(0);
    struct epoll_event in = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(epoll, EPOLL_CTL_ADD, 0, &in); /* stdin: a line asks for the results */
    static char buf[256 * 1024];
    struct epoll_event ready[1024];
    int opened = 0, ready_printed = 0, all_headers = 0;
    long long cpu_start = now_nanos(CLOCK_THREAD_CPUTIME_ID), wall_start = now_nanos(CLOCK_MONOTONIC);
    for (;;) {
        for (int k = 0; k < 200 && opened < connections; k++, opened++) {
            conn *c = &conns[opened];
            c->path = opened / per_path;
            c->chunk_left = -1;
            for (int s = 0; s < TAG_SLOTS; s++) {
                c->tags[s].tag = -1;
            }
            c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (c->fd < 0) {
                perror("socket");
                return 1;
            }
            if (connect(c->fd, (struct sockaddr *) &address, sizeof address) < 0 && errno != EINPROGRESS) {
                perror("connect");
                return 1;
            }
            struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
            epoll_ctl(epoll, EPOLL_CTL_ADD, c->fd, &ev);
        }
        int n = epoll_wait(epoll, ready, 1024, 10);
        for (int k = 0; k < n; k++) {
            conn *c = ready[k].data.ptr;
            if (c == NULL) {
                char line[256];
                ssize_t got = read(0, line, sizeof line - 1);
                line[got > 0 ? got : 0] = 0;
                double busy = (double) (now_nanos(CLOCK_THREAD_CPUTIME_ID) - cpu_start)
                        / (double) (now_nanos(CLOCK_MONOTONIC) - wall_start);
                results(conns, connections, paths, path_count, per_path, busy);
                if (strncmp(line, "poll", 4) != 0) {
                    return 0;
                }
                continue;
            }
            if (!c->connected) {
                int error = 0;
                socklen_t length = sizeof error;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &length);
                if (error) {
                    fprintf(stderr, "connect: %s\n", strerror(error));
                    epoll_ctl(epoll, EPOLL_CTL_DEL, c->fd, NULL);
                    close(c->fd);
                    c->headers_done = 1; /* counted, as not ok */
                    c->closed = 1;
                    all_headers++;
                    continue;
                }
                c->connected = 1;
                char request[1024];
                int request_length = snprintf(request, sizeof request,
                        "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: stream-clients\r\n\r\n", paths[c->path], host,
                        port);
                if (write(c->fd, request, request_length) != request_length) {
                    perror("write");
                }
                struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
                epoll_ctl(epoll, EPOLL_CTL_MOD, c->fd, &ev);
                continue;
            }
            ssize_t got = read(c->fd, buf, sizeof buf);
            if (got <= 0) {
                if (got < 0 && errno == EAGAIN) {
                    continue;
                }
                epoll_ctl(epoll, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                c->closed = 1;
                if (!c->headers_done) {
                    c->headers_done = 1;
                    all_headers++;
                }
                continue;
            }
            int before = c->headers_done;
            feed(c, buf, got);
            if (!before && c->headers_done) {
                all_headers++;
            }
        }
        if (!ready_printed && opened == connections && all_headers == connections) {
            ready_printed = 1;
            int ok = 0, status = 200;
            char type[64] = "";
            for (int i = 0; i < connections; i++) {
                ok += conns[i].status == 200;
                status = conns[i].status != 200 ? conns[i].status : status;
                const char *field = conns[i].status == 200 && !type[0] ? strcasestr(conns[i].head, "\ncontent-type:") : NULL;
                if (field) {
                    sscanf(field + 14, " %63[^\r\n\";]", type);
                }
            }
            printf("{\"ready\":true,\"ok\":%d,\"failed\":%d,\"status\":%d,\"contentType\":\"%s\"}\n", ok,
                    connections - ok, status, type);
            fflush(stdout);
            cpu_start = now_nanos(CLOCK_THREAD_CPUTIME_ID);
            wall_start = now_nanos(CLOCK_MONOTONIC);
        }
    }
}
