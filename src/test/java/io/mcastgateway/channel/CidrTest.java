package io.mcastgateway.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void shouldHoldTheAddressesOfItsPrefixOnly() throws Exception {
        Cidr range = Cidr.parse("239.255.0.0/16");
        assertThat(range.contains(InetAddress.getByName("239.255.0.0"))).isTrue();
        assertThat(range.contains(InetAddress.getByName("239.255.255.255"))).isTrue();
        assertThat(range.contains(InetAddress.getByName("239.254.255.255"))).isFalse();
        assertThat(range.contains(InetAddress.getByName("ff15::1"))).as("another family").isFalse();
        assertThat(Cidr.parse("239.1.2.3/32").contains(InetAddress.getByName("239.1.2.4"))).isFalse();
        assertThat(Cidr.parse("239.1.2.3").contains(InetAddress.getByName("239.1.2.3"))).as("a bare address").isTrue();
        assertThat(Cidr.parse("224.0.0.0/4").contains(InetAddress.getByName("239.9.9.9"))).isTrue();
        assertThat(Cidr.parse("239.1.2.128/25").contains(InetAddress.getByName("239.1.2.130"))).isTrue();
        assertThat(Cidr.parse("239.1.2.128/25").contains(InetAddress.getByName("239.1.2.127"))).isFalse();
        assertThat(Cidr.parse("::ffff:239.1.2.3").contains(InetAddress.getByName("239.1.2.3"))).as("IPv4-mapped").isTrue();
    }

    @Test
    void shouldReadIpv6RangesInTheirCanonicalForm() throws Exception {
        Cidr range = Cidr.parse("ff3e:0:0::/16");
        assertThat(range).hasToString("ff3e::/16");
        assertThat(range.contains(InetAddress.getByName("ff3e::1234"))).isTrue();
        assertThat(range.contains(InetAddress.getByName("ff15::1"))).isFalse();
        assertThat(Cidr.parse("[ff15::1]").contains(InetAddress.getByName("ff15::1"))).isTrue();
    }

    @Test
    void shouldReadLiteralsWithoutEverAskingTheResolver() {
        // each of these is a name to InetAddress.getByName, which would ask DNS (and block)
        for (String notLiteral : new String[] { "239.1.1.256", ".:", "1.1.1.999", "localhost", "239.1.1.1.", "0x7f.0.0.1" }) {
            assertThat(Cidr.literal(notLiteral)).as(notLiteral).isNull();
        }
        assertThat(Cidr.literal("[::ffff:239.1.1.1]")).as("IPv4-mapped: the IPv4 group").hasToString("/239.1.1.1");
        assertThat(Cidr.literal("ff02::1%eth0")).as("no scope").isNull();
    }

    @Test
    void shouldRefuseWhatIsNotALiteralRangeWithoutAskingDns() {
        for (String bad : new String[] { "localhost", "example.org/8", "239.1.1.1/33", "ff15::/129", "239.1.1.1/",
                "239.1.1.1/-1", "239.1.1/24", "0x7f.1/8", "239.1.1.1/8x", "", "/8", "fe80::1%eth0/64",
                "239.1.1.256", "999.1.1.1/8", ".:", "[.:]", "::g", "239.1.1.1/8", "ff3e::1/16" }) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
