package io.mcastgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Not a @QuarkusTest: the group parsing is plain logic. Startup with bad values is in InvalidConfigIT. */
class ConfigValidatorTest {

    @Test
    void shouldAcceptIpv4AndIpv6MulticastGroups() {
        List<String> problems = new ArrayList<>();
        assertThat(ConfigValidator.parseGroup("239.255.255.252", problems)).isNotNull();
        assertThat(ConfigValidator.parseGroup("ff02::1:3", problems)).isNotNull();
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldRejectUnicastAndHostNamesNamingTheKey() {
        List<String> problems = new ArrayList<>();
        assertThat(ConfigValidator.parseGroup("10.1.2.3", problems)).isNull();
        assertThat(ConfigValidator.parseGroup("example.org", problems)).isNull();
        assertThat(ConfigValidator.parseGroup("300.1.1.1", problems)).isNull();
        assertThat(problems).hasSize(3).allMatch(p -> p.startsWith("mcast.group="));
        assertThat(problems.get(0)).contains("10.1.2.3").contains("not a multicast address");
    }

    @Test
    void shouldRejectHostNamesWithoutResolvingThem() {
        List<String> problems = new ArrayList<>();
        assertThat(ConfigValidator.parseGroup("localhost", problems)).isNull();
        assertThat(problems).containsExactly("mcast.group=localhost: not an IPv4 or IPv6 address");
    }
}
