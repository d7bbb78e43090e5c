/*
 * SSE subscribers for the fan-out benchmark, in C with epoll, as the independent harness does: the same
 * protocol and output as bench.SseClients (the Java client), at a fraction of its CPU per event, so that
 * on a 2-CPU machine the client leaves the gateway as much of the CPUs as it can.
 *
 *   sse-clients <host> <port> <path> <connections>
 *
 * Opens the streams (200 at a time), prints {"ready":true,"ok":N} once every stream answered, then parses
 * each stream as it arrives (HTTP chunked encoding, SSE lines, the benchmark payload inside the event's
 * JSON: "<tag> <seq> <nanoTime> ...", or in a Base64 payload the same at byte 4, where the MPEG-TS payload
 * of bench/sender.c has it), counts the events per tag and stream and records the latency
 * (CLOCK_MONOTONIC now minus the sender's System.nanoTime(), the same clock). When a line arrives on
 * stdin it prints the results as one JSON line and exits. "cpuBusy" is the share of its thread's CPU time
 * since ready: well below 1, the client was not what limited the figures.
 *
 * Built by bench/run with: cc -O2 -o target/bench/sse-clients bench/sse-clients.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TAGS 100
#define LINE_MAX_BYTES 65536

typedef struct {
    int fd;
    int connected;
    int headers_done;
    int status;
    int chunked;
    long chunk_left; /* -1: reading a size line */
    int skip_crlf;
    char size_line[32];
    int size_length;
    char head[8192];
    int head_length;
    char *line;
    int line_length;
    long counts[TAGS];
} conn;

typedef struct {
    uint32_t *values;
    size_t size, capacity;
} series;

static series latency[TAGS];
static long events_total, gaps_missed;

static long long now_nanos(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void record(int tag, long long micros) {
    series *s = &latency[tag];
    if (s->size == s->capacity) {
        s->capacity = s->capacity ? s->capacity * 2 : 4096;
        s->values = realloc(s->values, s->capacity * sizeof(uint32_t));
        if (!s->values) {
            perror("realloc");
            exit(1);
        }
    }
    if (micros < 0) {
        micros = 0;
    }
    s->values[s->size++] = micros > 3600000000LL ? 3600000000U : (uint32_t) micros;
}

static const char *find(const char *hay, int length, const char *needle) {
    return memmem(hay, length, needle, strlen(needle));
}

/* "<tag> <seq> <nanos> " from p; 0 when they are not there */
static int payload(const char *p, const char *end, long long out[3]) {
    for (int field = 0; field < 3; field++) {
        long long value = 0;
        const char *start = p;
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

/* the value of a Base64 character (RFC 4648, as Jackson writes it), -1 for others */
static int base64_value(char ch) {
    if (ch >= 'A' && ch <= 'Z') {
        return ch - 'A';
    }
    if (ch >= 'a' && ch <= 'z') {
        return ch - 'a' + 26;
    }
    if (ch >= '0' && ch <= '9') {
        return ch - '0' + 52;
    }
    return ch == '+' ? 62 : ch == '/' ? 63 : -1;
}

/* "<tag> <seq> <nanos> " at byte 4 of a Base64 payload from p: only its first 64 characters are decoded */
static int base64_payload(const char *p, const char *end, long long out[3]) {
    char bytes[48];
    int n = 0;
    for (const char *q = p; q + 3 < end && q < p + 64; q += 4) {
        int v = 0, ok = 1;
        for (int k = 0; k < 4; k++) {
            int d = base64_value(q[k]);
            if (d < 0) {
                ok = 0;
                break;
            }
            v = v << 6 | d;
        }
        if (!ok) {
            break;
        }
        bytes[n++] = (char) (v >> 16);
        bytes[n++] = (char) (v >> 8);
        bytes[n++] = (char) v;
    }
    return n > 4 && payload(bytes + 4, bytes + n, out);
}

static void sse_line(conn *c) {
    char *line = c->line;
    int length = c->line_length;
    c->line_length = 0;
    if (length <= 6 || line[0] != 'd' || line[4] != ':') {
        return;
    }
    const char *text = find(line, length, "\"text\":\"");
    const char *base64 = text ? NULL : find(line, length, "\"base64\":\"");
    if (text || base64) {
        long long f[3];
        int stamped = text ? payload(text + 8, line + length, f) : base64_payload(base64 + 10, line + length, f);
        if (stamped && f[0] >= 0 && f[0] < TAGS) {
            int tag = (int) f[0];
            c->counts[tag]++;
            events_total++;
            record(tag, (now_nanos(CLOCK_MONOTONIC) - f[2]) / 1000);
        }
        return;
    }
    const char *missed = find(line, length, "\"missed\":");
    if (missed) {
        long n = 0;
        for (const char *p = missed + 9; p < line + length && *p >= '0' && *p <= '9'; p++) {
            n = n * 10 + (*p - '0');
        }
        gaps_missed += n;
    }
}

static void sse(conn *c, const char *p, long n) {
    for (long i = 0; i < n; i++) {
        char b = p[i];
        if (b == '\n') {
            sse_line(c);
        } else if (c->line_length < LINE_MAX_BYTES) {
            c->line[c->line_length++] = b;
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
            sse(c, p + i, n - i);
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
            sse(c, p + i, take);
            i += take;
            c->chunk_left -= take;
            if (c->chunk_left == 0) {
                c->chunk_left = -1;
                c->skip_crlf = 1;
            }
        }
    }
}

static int compare(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    return x < y ? -1 : x > y;
}

/* the value at a percentile, as HdrHistogram's getValueAtPercentile: the smallest value with that share at or below it */
static uint32_t at_percentile(series *s, double percentile) {
    size_t rank = (size_t) ((percentile / 100.0) * s->size + 0.5);
    if (rank < 1) {
        rank = 1;
    }
    if (rank > s->size) {
        rank = s->size;
    }
    return s->values[rank - 1];
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: sse-clients <host> <port> <path> <connections>\n");
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    const char *path = argv[3];
    int connections = atoi(argv[4]);
    char request[1024];
    int request_length = snprintf(request, sizeof request,
            "GET %s HTTP/1.1\r\nHost: %s:%d\r\nAccept: text/event-stream\r\n\r\n", path, host, port);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        fprintf(stderr, "not an IPv4 address: %s\n", host);
        return 2;
    }
    conn *conns = calloc(connections, sizeof(conn));
    int epoll = epoll_create1(0);
    struct epoll_event in = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(epoll, EPOLL_CTL_ADD, 0, &in); /* stdin: a line stops the run */
    static char buf[256 * 1024];
    struct epoll_event ready[1024];
    int opened = 0, ready_printed = 0, all_headers = 0;
    long long cpu_start = now_nanos(CLOCK_THREAD_CPUTIME_ID), wall_start = now_nanos(CLOCK_MONOTONIC);
    for (;;) {
        for (int k = 0; k < 200 && opened < connections; k++, opened++) {
            conn *c = &conns[opened];
            c->chunk_left = -1;
            c->line = malloc(LINE_MAX_BYTES);
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
                goto done;
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
                    all_headers++;
                    continue;
                }
                c->connected = 1;
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
            int ok = 0;
            for (int i = 0; i < connections; i++) {
                ok += conns[i].status == 200;
            }
            printf("{\"ready\":true,\"ok\":%d}\n", ok);
            fflush(stdout);
            cpu_start = now_nanos(CLOCK_THREAD_CPUTIME_ID);
            wall_start = now_nanos(CLOCK_MONOTONIC);
        }
    }
done:;
    double busy = (double) (now_nanos(CLOCK_THREAD_CPUTIME_ID) - cpu_start)
            / (double) (now_nanos(CLOCK_MONOTONIC) - wall_start);
    int ok = 0;
    for (int i = 0; i < connections; i++) {
        ok += conns[i].status == 200;
    }
    printf("{\"connections\":%d,\"ok\":%d,\"events\":%ld,\"gapsMissed\":%ld,\"cpuBusy\":%.3f,\"tags\":{",
            connections, ok, events_total, gaps_missed, busy);
    int first = 1;
    for (int tag = 0; tag < TAGS; tag++) {
        long min = -1, max = 0, sum = 0;
        for (int i = 0; i < connections; i++) {
            long v = conns[i].counts[tag];
            min = min < 0 || v < min ? v : min;
            max = v > max ? v : max;
            sum += v;
        }
        if (max == 0) {
            continue;
        }
        series *s = &latency[tag];
        qsort(s->values, s->size, sizeof(uint32_t), compare);
        printf("%s\"%d\":{\"min\":%ld,\"max\":%ld,\"sum\":%ld,\"p50\":%u,\"p90\":%u,\"p99\":%u,\"p999\":%u,\"max_us\":%u}",
                first ? "" : ",", tag, min, max, sum, at_percentile(s, 50), at_percentile(s, 90),
                at_percentile(s, 99), at_percentile(s, 99.9), s->values[s->size - 1]);
        first = 0;
    }
    printf("}}\n");
    fflush(stdout);
    return 0;
}
