package io.mcastgateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host's IPv4 multicast memberships as the kernel lists them in {@code /proc/net/igmp}: per
 * interface, each group (hex, in the host's byte order) with the number of sockets joined to it.
 */
public final class Igmp {

    private Igmp() {
    }

    /** How many sockets of this host are joined to {@code group} on {@code device} now (0: none). */
    public static int users(String device, String group) {
        try {
            InetAddress address = InetAddress.getByName(group);
            if (!(address instanceof Inet4Address)) {
                throw new IllegalArgumentException("IPv4 only: " + group);
            }
            byte[] b = address.getAddress();
            // the kernel prints the address as a 32-bit number in host order: little-endian here
            String hex = String.format("%02X%02X%02X%02X", b[3], b[2], b[1], b[0]);
            List<String> lines = Files.readAllLines(Path.of("/proc/net/igmp"));
            String current = null;
            for (String line : lines.subList(1, lines.size())) {
                if (!line.startsWith("\t")) {
                    String[] fields = line.trim().split("\\s+");
                    current = fields.length > 1 ? fields[1] : null;
                } else if (device.equals(current)) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 1 && fields[0].equalsIgnoreCase(hex)) {
                        return Integer.parseInt(fields[1]);
                    }
                }
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
