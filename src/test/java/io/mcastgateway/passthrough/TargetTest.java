package io.mcastgateway.passthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void shouldReadUdpxysAndVlcsForms() throws Exception {
        Target plain = Target.parse("239.1.1.1:1234");
        assertThat(plain.group()).isEqualTo(InetAddress.getByName("239.1.1.1"));
        assertThat(plain.port()).isEqualTo(1234);
        assertThat(plain.source()).isNull();
        Target ssm = Target.parse("10.0.0.7@232.1.1.1:5000");
        assertThat(ssm.source()).isEqualTo(InetAddress.getByName("10.0.0.7"));
        assertThat(ssm).hasToString("10.0.0.7@232.1.1.1:5000");
        Target v6 = Target.parse("[2001:db8::7]@[ff3e:0::1]:5000");
        assertThat(v6).hasToString("[2001:db8::7]@[ff3e::1]:5000");
        assertThat(v6.endpoint()).isEqualTo("[ff3e::1]:5000");
    }

    @Test
    void shouldRefuseAnythingElseSayingWhy() {
        assertThatThrownBy(() -> Target.parse("239.1.1.1")).hasMessageContaining("no port");
        assertThatThrownBy(() -> Target.parse("10.1.1.1:1234")).hasMessageContaining("not a multicast group");
        assertThatThrownBy(() -> Target.parse("localhost:1234")).hasMessageContaining("not a multicast group");
        assertThatThrownBy(() -> Target.parse("ff15::1:1234")).hasMessageContaining("in brackets");
        assertThatThrownBy(() -> Target.parse("239.1.1.1:0")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> Target.parse("239.1.1.1:65536")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> Target.parse("239.1.1.1:12a")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> Target.parse("239.2.2.2@239.1.1.1:1")).hasMessageContaining("not a unicast");
        assertThatThrownBy(() -> Target.parse("[2001:db8::1]@239.1.1.1:1")).hasMessageContaining("same IP version");
        assertThatThrownBy(() -> Target.parse("239.1.1.1:1\r\nX: y")).hasMessageNotContaining("\r")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> Target.parse("x".repeat(500))).isInstanceOf(IllegalArgumentException.class);
    }
}
