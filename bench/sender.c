/*
 * Load generator for the benchmark, in C as the independent harness's: the same arguments, payload and
 * output as bench.Sender (the Java one), without a JVM's compiler and collector sharing the two CPUs
 * with the gateway while it is measured.
 *
 *   sender <group> <port> <tag> <rate> <size> <count> [text|ts|binary [seconds]]
 *
 * Sends count datagrams of size bytes to the group on lo (TTL 0: they never leave this host) at rate per
 * second, paced against CLOCK_MONOTONIC in slices of 1 ms (each slice's datagrams back to back, then it
 * sleeps, leaving the CPU to the gateway between slices as a sender on another host would); a slice's
 * datagrams leave in batches of up to 64 with one sendmmsg(2) each, stamped as each is written. With seconds
 * (above 0) it stops after that long even when it has not sent count: a rate above what it reaches then
 * lasts as long as the others (the rate steps of the benchmark; sent / seconds is the rate reached). The payload
 * (text, the default) is ASCII "<tag> <seq> <nanoTime> " padded with dots (at least 64 bytes); nanoTime is
 * CLOCK_MONOTONIC, the clock of Java's System.nanoTime(), so the clients compute latency from it.
 *
 * ts: MPEG-TS, size / 188 packets (at least 3), as bench.TsPayload makes them: each datagram starts with a
 * packet of the video PID (0x100) whose payload starts with the same "<tag> <seq> <nanoTime> " (the
 * clients find it at byte 4 of a Base64 payload), then video, the last packet audio (PID 0x101); the first
 * datagram and then every rate / 10 (every 100 ms) carry the PAT (PID 0, program 1 on PMT PID 0x1000) and
 * the PMT (video 0x100, audio 0x101) as packets 2 and 3, with their CRCs. Every PID's continuity counter
 * counts its packets (all with payload, no adaptation field), the rest of each payload is 0xff: a stream
 * that the gateway's checks read in full and find no error in. binary: the same bytes with every sync
 * byte 0 instead of 0x47, so not TS (the same Base64 in the gateway's events, none of its checks).
 *
 * Prints {"sent":N,"failed":F,"seconds":S,"port":P}, P the local port (the sender as /api/sources names it:
 * 127.0.0.1:P).
 *
 * Built by bench/run with: cc -O2 -o target/bench/sender bench/sender.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_nanos(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* when datagram seq (from 1) is due: the start of its 1 ms slice at the rate */
static long long due_at(long long start, long long seq, long long rate) {
    return start + (seq - 1) * 1000000000LL / rate / 1000000 * 1000000;
}

static int payload(char *buf, int size, long tag, long long seq, long long nanos) {
    int at = sprintf(buf, "%ld %lld %lld ", tag, seq, nanos);
    for (int i = at; i < size; i++) {
        buf[i] = '.';
    }
    return size > at ? size : at;
}

#define TS_PACKET 188
#define PID_PAT 0x0000
#define PID_PMT 0x1000
#define PID_VIDEO 0x0100
#define PID_AUDIO 0x0101

/* CRC-32/MPEG-2 of the PSI sections: polynomial 0x04C11DB7, initial all ones, no reflection, no final xor */
static unsigned crc32_mpeg2(const unsigned char *p, int n) {
    unsigned crc = 0xffffffffu;
    for (int i = 0; i < n; i++) {
        crc ^= (unsigned) p[i] << 24;
        for (int b = 0; b < 8; b++) {
            crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
        }
    }
    return crc;
}

/* a PSI packet's payload: pointer field 0, the section, its CRC, 0xff after them */
static void psi(unsigned char *packet, const unsigned char *section, int length) {
    memset(packet + 4, 0xff, TS_PACKET - 4);
    packet[4] = 0;
    memcpy(packet + 5, section, length);
    unsigned crc = crc32_mpeg2(section, length);
    packet[5 + length] = crc >> 24;
    packet[6 + length] = crc >> 16;
    packet[7 + length] = crc >> 8;
    packet[8 + length] = crc;
}

static const unsigned char PAT_SECTION[] = { 0x00, 0xb0, 13, 0x00, 0x01, 0xc1, 0x00, 0x00,
    0x00, 0x01, 0xe0 | (PID_PMT >> 8), PID_PMT & 0xff };
static const unsigned char PMT_SECTION[] = { 0x02, 0xb0, 23, 0x00, 0x01, 0xc1, 0x00, 0x00,
    0xe0 | (PID_VIDEO >> 8), PID_VIDEO & 0xff, 0xf0, 0x00,
    0x02, 0xe0 | (PID_VIDEO >> 8), PID_VIDEO & 0xff, 0xf0, 0x00,
    0x03, 0xe0 | (PID_AUDIO >> 8), PID_AUDIO & 0xff, 0xf0, 0x00 };

static unsigned char pat_packet[TS_PACKET], pmt_packet[TS_PACKET], media_packet[TS_PACKET];
static unsigned char cc_of[0x2000];

static void header(unsigned char *packet, int pid, int unit_start, int sync) {
    packet[0] = sync ? 0x47 : 0x00;
    packet[1] = (unit_start ? 0x40 : 0) | (pid >> 8);
    packet[2] = pid & 0xff;
    packet[3] = 0x10 | (cc_of[pid] & 0x0f); /* not scrambled, payload only */
    cc_of[pid]++;
}

/* one datagram of ts (sync) or binary (!sync) as the header describes: size / 188 packets */
static int ts_payload(unsigned char *buf, int size, long tag, long long seq, long long nanos, long long tables_every,
        int sync) {
    int n = size / TS_PACKET;
    int tables = (seq - 1) % tables_every == 0;
    for (int k = 0; k < n; k++) {
        unsigned char *packet = buf + k * TS_PACKET;
        if (tables && k == 1) {
            memcpy(packet, pat_packet, TS_PACKET);
            header(packet, PID_PAT, 1, sync);
        } else if (tables && k == 2) {
            memcpy(packet, pmt_packet, TS_PACKET);
            header(packet, PID_PMT, 1, sync);
        } else {
            memcpy(packet, media_packet, TS_PACKET);
            header(packet, k == n - 1 && n > 3 ? PID_AUDIO : PID_VIDEO, 0, sync);
        }
    }
    char stamp[64];
    int length = snprintf(stamp, sizeof stamp, "%ld %lld %lld ", tag, seq, nanos);
    memcpy(buf + 4, stamp, length);
    return n * TS_PACKET;
}

int main(int argc, char **argv) {
    if (argc < 7 || argc > 9) {
        fprintf(stderr, "usage: sender <group> <port> <tag> <rate> <size> <count> [text|ts|binary [seconds]]\n");
        return 2;
    }
    const char *kind = argc >= 8 ? argv[7] : "text";
    double at_most = argc == 9 ? atof(argv[8]) : 0;
    int ts = strcmp(kind, "ts") == 0, binary = strcmp(kind, "binary") == 0;
    if (!ts && !binary && strcmp(kind, "text") != 0) {
        fprintf(stderr, "sender: payload kind text, ts or binary, not %s\n", kind);
        return 2;
    }
    const char *group = argv[1];
    int port = atoi(argv[2]);
    long tag = atol(argv[3]);
    long long rate = atoll(argv[4]);
    int size = atoi(argv[5]);
    long long count = atoll(argv[6]);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ip_mreqn lo = { .imr_ifindex = (int) if_nametoindex("lo") };
    unsigned char ttl = 0;
    struct sockaddr_in local = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (fd < 0 || lo.imr_ifindex == 0 || inet_pton(AF_INET, group, &to.sin_addr) != 1
            || setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof lo) < 0
            || setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) < 0
            || bind(fd, (struct sockaddr *) &local, sizeof local) < 0
            || connect(fd, (struct sockaddr *) &to, sizeof to) < 0) {
        perror("sender: socket setup");
        return 1;
    }
    if ((ts || binary) && (size % TS_PACKET != 0 || size < 3 * TS_PACKET)) {
        fprintf(stderr, "sender: a %s payload is whole 188-byte packets, at least 3, not %d bytes\n", kind, size);
        return 2;
    }
    psi(pat_packet, PAT_SECTION, sizeof PAT_SECTION);
    psi(pmt_packet, PMT_SECTION, sizeof PMT_SECTION);
    memset(media_packet, 0xff, TS_PACKET);
    long long tables_every = rate / 10 > 1 ? rate / 10 : 1; /* the PAT and PMT every 100 ms */
    struct sockaddr_in bound;
    socklen_t bound_length = sizeof bound;
    if (getsockname(fd, (struct sockaddr *) &bound, &bound_length) < 0) {
        perror("sender: getsockname");
        return 1;
    }
    /* a slice's datagrams go out in batches of up to BATCH with one sendmmsg(2) each: the sender's own
     * system calls are not what limits the rate (with one send(2) per datagram it reached 95k-200k/s of
     * 64 bytes beside a receiver on these two CPUs) */
    enum { BATCH = 64 };
    int stride = size > 64 ? size : 64;
    char *bufs = malloc((size_t) BATCH * stride);
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    memset(msgs, 0, sizeof msgs);
    long long start = now_nanos(), failed = 0, attempted = 0;
    long long deadline = at_most > 0 ? start + (long long) (at_most * 1e9) : 0;
    for (long long seq = 1; seq <= count;) {
        if (deadline != 0 && now_nanos() >= deadline) {
            break;
        }
        long long due = due_at(start, seq, rate);
        if (now_nanos() < due) {
            struct timespec ts = { .tv_sec = due / 1000000000LL, .tv_nsec = due % 1000000000LL };
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {
            }
        }
        /* every datagram due by now (this slice's, and any a late wake-up left behind), at most BATCH */
        long long now = now_nanos();
        int n = 0;
        while (n < BATCH && seq + n <= count
                && due_at(start, seq + n, rate) <= now) {
            char *buf = bufs + (size_t) n * stride;
            int length = ts || binary
                    ? ts_payload((unsigned char *) buf, size, tag, seq + n, now_nanos(), tables_every, ts)
                    : payload(buf, size, tag, seq + n, now_nanos());
            iov[n].iov_base = buf;
            iov[n].iov_len = length;
            msgs[n].msg_hdr.msg_iov = &iov[n];
            msgs[n].msg_hdr.msg_iovlen = 1;
            n++;
        }
        for (int done = 0; done < n;) {
            int sent = sendmmsg(fd, msgs + done, n - done, 0);
            if (sent <= 0) { /* the first of the rest failed: counted, the others tried again */
                failed++;
                done++;
            } else {
                for (int i = done; i < done + sent; i++) {
                    failed += msgs[i].msg_len != iov[i].iov_len;
                }
                done += sent;
            }
        }
        attempted += n;
        seq += n;
    }
    printf("{\"sent\":%lld,\"failed\":%lld,\"seconds\":%.3f,\"port\":%d}\n", attempted - failed, failed,
            (now_nanos() - start) / 1e9, ntohs(bound.sin_port));
    return 0;
}
