/*
 * Load generator for the benchmark, in C as the independent harness's: the same arguments, payload and
 * output as bench.Sender (the Java one), without a JVM's compiler and collector sharing the two CPUs
 * with the gateway while it is measured.
 *
 *   sender <group> <port> <tag> <rate> <size> <count>
 *
 * Sends count datagrams of size bytes to the group on lo (TTL 0: they never leave this host) at rate per
 * second, paced against CLOCK_MONOTONIC in slices of 1 ms (each slice's datagrams back to back, then it
 * sleeps, leaving the CPU to the gateway between slices as a sender on another host would). The payload
 * is ASCII "<tag> <seq> <nanoTime> " padded with dots (at least 64 bytes); nanoTime is CLOCK_MONOTONIC,
 * the clock of Java's System.nanoTime(), so the clients compute latency from it. Prints
 * {"sent":N,"failed":F,"seconds":S}.
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

static int payload(char *buf, int size, long tag, long long seq, long long nanos) {
    int at = sprintf(buf, "%ld %lld %lld ", tag, seq, nanos);
    for (int i = at; i < size; i++) {
        buf[i] = '.';
    }
    return size > at ? size : at;
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: sender <group> <port> <tag> <rate> <size> <count>\n");
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
    char *buf = malloc(size > 64 ? size : 64);
    long long start = now_nanos(), failed = 0;
    for (long long seq = 1; seq <= count; seq++) {
        long long due = start + (seq - 1) * 1000000000LL / rate / 1000000 * 1000000;
        if (now_nanos() < due) {
            struct timespec ts = { .tv_sec = due / 1000000000LL, .tv_nsec = due % 1000000000LL };
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {
            }
        }
        int length = payload(buf, size, tag, seq, now_nanos());
        if (send(fd, buf, length, 0) != length) {
            failed++;
        }
    }
    printf("{\"sent\":%lld,\"failed\":%lld,\"seconds\":%.3f}\n", count - failed, failed, (now_nanos() - start) / 1e9);
    return 0;
}
