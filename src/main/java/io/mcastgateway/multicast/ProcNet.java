package io.mcastgateway.multicast;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Linux' UDP counters in {@code /proc}: the {@code drops} of each socket, by inode, from
 * {@code /proc/net/udp} and {@code /proc/net/udp6} (its last column), and the host's
 * {@code RcvbufErrors} from {@code /proc/net/snmp} ({@code Udp:}) and {@code /proc/net/snmp6}
 * ({@code Udp6RcvbufErrors}). Reading blocks: call it on a worker.
 */
final class ProcNet {

    private final Path root;

    /** {@code root}: {@code /proc/net}, or a test's copy. */
    ProcNet(Path root) {
        this.root = root;
    }

    static ProcNet system() {
        return new ProcNet(Path.of("/proc/net"));
    }

    /** Whether the counters are there (Linux): null when they are, else why not. */
    String unavailable() {
        return Files.isReadable(root.resolve("udp")) ? null
                : "no " + root.resolve("udp") + " (not Linux, or /proc not mounted): the kernel's drops are unknown";
    }

    /** The drops of the sockets with these inodes (those found; the others are missing from the map). */
    Map<Long, Long> drops(Set<Long> inodes) throws IOException {
        Map<Long, Long> found = new HashMap<>();
        for (String table : new String[] { "udp", "udp6" }) {
            Path file = root.resolve(table);
            if (Files.isReadable(file)) {
                drops(Files.readAllLines(file), inodes, found);
            }
        }
        return found;
    }

    /** Parses a {@code /proc/net/udp} table: columns are split by blanks, inode 10th, drops last. */
    static void drops(List<String> lines, Set<Long> inodes, Map<Long, Long> into) {
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 13) {
                continue;
            }
            try {
                long inode = Long.parseLong(f[9]);
                if (inodes.contains(inode)) {
                    into.put(inode, Long.parseLong(f[f.length - 1]));
                }
            } catch (NumberFormatException e) {
                // a line of another layout: skipped
            }
        }
    }

    /** The host's UDP receive-buffer errors, IPv4 and IPv6 summed; -1 when neither file is there. */
    long rcvbufErrors() throws IOException {
        long sum = -1;
        Path snmp = root.resolve("snmp");
        if (Files.isReadable(snmp)) {
            long v = snmpUdp(Files.readAllLines(snmp), "RcvbufErrors");
            if (v >= 0) {
                sum = v;
            }
        }
        Path snmp6 = root.resolve("snmp6");
        if (Files.isReadable(snmp6)) {
            for (String line : Files.readAllLines(snmp6)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 2 && f[0].equals("Udp6RcvbufErrors")) {
                    sum = Math.max(sum, 0) + Long.parseLong(f[1]);
                }
            }
        }
        return sum;
    }

    /** A counter of the {@code Udp:} lines of {@code /proc/net/snmp} (a header line, then a values line). */
    static long snmpUdp(List<String> lines, String name) {
        for (int i = 0; i + 1 < lines.size(); i++) {
            String header = lines.get(i);
            String values = lines.get(i + 1);
            if (header.startsWith("Udp: ") && values.startsWith("Udp: ")) {
                String[] h = header.trim().split("\\s+");
                String[] v = values.trim().split("\\s+");
                for (int k = 1; k < h.length && k < v.length; k++) {
                    if (h[k].equals(name)) {
                        return Long.parseLong(v[k]);
                    }
                }
            }
        }
        return -1;
    }
}
