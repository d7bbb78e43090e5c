package io.mcastgateway.multicast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain JUnit: reading the kernel's tables as Linux writes them, and saying so where there are none. */
class ProcNetTest {

    private static final String UDP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             1139: 014DFFEF:5D99 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 81234 2 0000000000000000 17
             1140: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 555 2 0000000000000000 0
            """;
    private static final String UDP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
              100: 000002FF000000000000000000000001:5D99 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 99001 2 0000000000000000 4
            """;
    private static final String SNMP = """
            Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
            Udp: 1000 2 30 900 28 0 0 5 0
            UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
            UdpLite: 0 0 0 0 99 0 0 0 0
            """;

    @Test
    void shouldFindEachSocketsDropsByInodeInBothTables(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("udp"), UDP);
        Files.writeString(dir.resolve("udp6"), UDP6);
        ProcNet proc = new ProcNet(dir);
        assertThat(proc.unavailable()).isNull();
        assertThat(proc.drops(Set.of(81234L, 99001L, 7L))).isEqualTo(Map.of(81234L, 17L, 99001L, 4L));
    }

    @Test
    void shouldSumTheHostsReceiveBufferErrorsOfUdpAndUdp6(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("snmp"), SNMP);
        Files.writeString(dir.resolve("snmp6"), "Udp6InDatagrams  10\nUdp6RcvbufErrors  3\nUdpLite6RcvbufErrors  50\n");
        assertThat(new ProcNet(dir).rcvbufErrors()).isEqualTo(31);
    }

    @Test
    void shouldSayUnknownWithoutLinuxTables(@TempDir Path dir) throws Exception {
        ProcNet proc = new ProcNet(dir);
        assertThat(proc.unavailable()).contains("not Linux");
        assertThat(proc.rcvbufErrors()).isEqualTo(-1);
    }
}
