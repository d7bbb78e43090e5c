package io.mcastgateway.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.NetworkInterface;

import org.junit.jupiter.api.Test;

class AddressesTest {

    @Test
    void shouldWriteIpv6TheRfc5952Way() {
        assertThat(Addresses.canonical("ff15:0:0:0:0:0:0:1234")).isEqualTo("ff15::1234");
        assertThat(Addresses.canonical("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(Addresses.canonical("1:0:0:0:0:0:0:0")).isEqualTo("1::");
        assertThat(Addresses.canonical("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(Addresses.canonical("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(Addresses.canonical("2001:0db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(Addresses.canonical("FF02:0:0:0:0:0:1:3")).isEqualTo("ff02::1:3");
    }

    @Test
    void shouldNameTheScopeByItsInterface() throws Exception {
        int lo = NetworkInterface.getByName("lo").getIndex();
        assertThat(Addresses.canonical("fe80:0:0:0:8c3b:47ff:fe26:7e64%" + lo)).isEqualTo("fe80::8c3b:47ff:fe26:7e64%lo");
        assertThat(Addresses.canonical("fe80:0:0:0:0:0:0:1%99999")).isEqualTo("fe80::1%99999");
    }

    @Test
    void shouldLeaveIpv4Alone() {
        assertThat(Addresses.canonical("239.255.255.252")).isEqualTo("239.255.255.252");
    }
}
