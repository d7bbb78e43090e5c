package io.mcastgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mcastgateway.channel.Bind;
import io.mcastgateway.channel.ChannelSpec;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Not a @QuarkusTest: the settings are mapped by SmallRye Config exactly as in the application, from
 * properties and environment variables given here, and checked. Startup with bad values (the packaged
 * jar's one line per problem) is in InvalidConfigIT.
 */
class ConfigValidatorTest {

    @Test
    void shouldRefuseWeakAccessControlSettingsNamingTheKeys() {
        assertThatThrownBy(() -> validate(Map.of("mcast.interface", "lo",
                "mcast.jwt.public-key-location", "http://idp.example.org/keys",
                "mcast.read.token", "aaaaaaaa.bbbbbbbb.cccccccc",
                "mcast.session.secret", "short",
                "mcast.redis.secret", "short",
                "mcast.stream.max-per-client", "0"), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("mcast.jwt.public-key-location=http://idp.example.org/keys: a key fetched over plain http")
                .hasMessageContaining("mcast.jwt.issuer: required with mcast.jwt.public-key-location")
                .hasMessageContaining("mcast.read.token: must not have the form of a JWT")
                .hasMessageContaining("mcast.session.secret: at least 16 characters")
                .hasMessageContaining("mcast.redis.secret: at least 16 characters")
                .hasMessageContaining("mcast.stream.max-per-client");
    }

    @Test
    void shouldAcceptIpv4AndIpv6MulticastGroups() {
        List<String> problems = new ArrayList<>();
        assertThat(ConfigValidator.parseGroup("mcast.group", "239.255.255.252", problems)).isNotNull();
        assertThat(ConfigValidator.parseGroup("mcast.group", "ff02::1:3", problems)).isNotNull();
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldRejectUnicastAndHostNamesNamingTheKey() {
        List<String> problems = new ArrayList<>();
        assertThat(ConfigValidator.parseGroup("mcast.group", "10.1.2.3", problems)).isNull();
        assertThat(ConfigValidator.parseGroup("mcast.group", "example.org", problems)).isNull();
        assertThat(ConfigValidator.parseGroup("mcast.group", "300.1.1.1", problems)).isNull();
        assertThat(problems).hasSize(3).allMatch(p -> p.startsWith("mcast.group="));
        assertThat(problems.get(0)).contains("10.1.2.3").contains("not a multicast address");
    }

    @Test
    void shouldRejectHostNamesWithoutResolvingThem() {
        List<String> problems = new ArrayList<>();
        assertThat(ConfigValidator.parseGroup("mcast.group", "localhost", problems)).isNull();
        assertThat(problems).containsExactly("mcast.group=localhost: not an IPv4 or IPv6 address");
    }

    @Test
    void shouldServeTheDefaultChannelAndNamedOnesWhoseUnsetKeysFallBackToTheFlatOnes() throws Exception {
        ConfigValidator.Result result = validate(Map.of(
                "mcast.interface", "lo",
                "mcast.port", "24000",
                "mcast.channels.video.group", "239.1.2.3",
                "mcast.channels.video.port", "5004",
                "mcast.channels.video.sender.enabled", "true",
                "mcast.channels.audio.group", "239.1.2.4",
                "mcast.channels.audio.bind", "any",
                "mcast.channels.audio.receiver.enabled", "false"), Map.of());

        assertThat(result.channels()).extracting(ChannelSpec::name).containsExactly("default", "audio", "video");
        ChannelSpec audio = result.channels().get(1);
        assertThat(audio.group()).isEqualTo(InetAddress.getByName("239.1.2.4"));
        assertThat(audio.port()).isEqualTo(24000);
        assertThat(audio.interfaceName()).isEqualTo("lo");
        assertThat(audio.bind()).isEqualTo(Bind.ANY);
        assertThat(audio.receive()).isFalse();
        assertThat(audio.sender().enabled()).as("a named channel sends only when told").isFalse();
        ChannelSpec video = result.channels().get(2);
        assertThat(video.port()).isEqualTo(5004);
        assertThat(video.sender().enabled()).isTrue();
        assertThat(video.sender().message()).isEqualTo("this message send via mcast !");
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void shouldTakeNamedChannelsAndTheDefaultSwitchFromEnvironmentVariables() throws Exception {
        ConfigValidator.Result result = validate(Map.of(), Map.of(
                "MCAST_INTERFACE", "lo",
                "MCAST_DEFAULT_CHANNEL_ENABLED", "false",
                "MCAST_CHANNELS_VIDEO_GROUP", "239.1.2.3",
                "MCAST_CHANNELS_VIDEO_PORT", "5004",
                "MCAST_CHANNELS_VIDEO_SOURCE", "127.0.0.1"));

        assertThat(result.channels()).hasSize(1);
        ChannelSpec video = result.channels().get(0);
        assertThat(video.name()).isEqualTo("video");
        assertThat(video.port()).isEqualTo(5004);
        assertThat(video.sourceText()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldStopWithOneLinePerProblemNamingTheKeyAndValue() {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "mcast.interface", "lo",
                "mcast.channels.\"Bad_Name\".group", "239.1.1.1",
                "mcast.channels.nogroup.port", "5000",
                "mcast.channels.twin.group", "239.255.255.252",
                "mcast.channels.mixed.group", "239.1.1.2",
                "mcast.channels.mixed.source", "fe80::1",
                "mcast.channels.wide.group", "239.1.1.3",
                "mcast.channels.wide.bind", "any",
                "mcast.channels.wide.port", "6000",
                "mcast.channels.narrow.group", "239.1.1.4"));
        settings.put("mcast.channels.narrow.port", "6000");
        settings.put("mcast.channels.default.group", "239.1.1.5");

        assertThatThrownBy(() -> validate(settings, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("mcast.channels.\"Bad_Name\": a channel name is 1-32 lower-case letters")
                .hasMessageContaining("mcast.channels.nogroup.group is missing")
                .hasMessageContaining("mcast.channels.twin.group=239.255.255.252: channels default and twin both join"
                        + " 239.255.255.252:23456 on lo")
                .hasMessageContaining("mcast.channels.mixed.source=fe80::1: an IPv6 address, but the group 239.1.1.2"
                        + " is IPv4")
                .hasMessageContaining("mcast.channels.wide.bind=any: channel wide binds the wildcard address on port"
                        + " 6000 and would also receive channel narrow's group")
                .hasMessageContaining("mcast.channels.default.*: the name default belongs to the channel of the flat")
                .satisfies(e -> assertThat(e.getMessage().lines().skip(1)).hasSize(6)
                        .allMatch(line -> line.startsWith("  mcast.")));
    }

    @Test
    void shouldWarnAboutAnSsmSourceWithAnAnySourceGroupAndTheOtherWayRound() {
        ConfigValidator.Result result = validate(Map.of(
                "mcast.interface", "lo",
                "mcast.channels.asm.group", "239.1.1.1",
                "mcast.channels.asm.source", "127.0.0.1",
                "mcast.channels.ssm.group", "232.1.1.1"), Map.of());

        assertThat(result.channels()).hasSize(3);
        assertThat(result.warnings()).containsExactlyInAnyOrder(
                "mcast.channels.asm.source=127.0.0.1: the group 239.1.1.1 is not in the SSM range (232.0.0.0/8); the"
                        + " join is source-specific all the same, but routers may treat the group as any-source",
                "mcast.channels.ssm.group=232.1.1.1: a source-specific (SSM) group without"
                        + " mcast.channels.ssm.source; routers forward SSM groups only to source-specific joins");
    }

    @Test
    void shouldLetANamedChannelWaitForItsInterfaceButNotTheDefaultOne() {
        ConfigValidator.Result result = validate(Map.of(
                "mcast.interface", "lo",
                "mcast.channels.later.group", "239.1.1.1",
                "mcast.channels.later.interface", "mgwt-none0"), Map.of());
        assertThat(result.channels()).extracting(ChannelSpec::interfaceName).containsExactly("lo", "mgwt-none0");
        assertThat(result.warnings()).singleElement().asString()
                .startsWith("mcast.channels.later.interface=mgwt-none0: no such network interface yet")
                .endsWith("the channel joins when it appears");

        assertThatThrownBy(() -> validate(Map.of("mcast.interface", "mgwt-none0"), Map.of()))
                .hasMessageContaining("mcast.interface=mgwt-none0: no such network interface (present: ");
    }

    @Test
    void shouldRefuseToServeNoChannelAtAll() {
        assertThatThrownBy(() -> validate(Map.of("mcast.default-channel.enabled", "false"), Map.of()))
                .hasMessageContaining("mcast.default-channel.enabled=false and no named channel is set");
    }

    @Test
    void shouldKnowTheSsmRanges() throws Exception {
        assertThat(ConfigValidator.ssmRange(InetAddress.getByName("232.0.0.1"))).isTrue();
        assertThat(ConfigValidator.ssmRange(InetAddress.getByName("239.0.0.1"))).isFalse();
        assertThat(ConfigValidator.ssmRange(InetAddress.getByName("ff3e::1234"))).isTrue();
        assertThat(ConfigValidator.ssmRange(InetAddress.getByName("ff15::1234"))).isFalse();
    }

    private static ConfigValidator.Result validate(Map<String, String> properties, Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withSources(new EnvConfigSource(env, 300))
                .build();
        return ConfigValidator.validate(config.getConfigMapping(GatewayConfig.class));
    }
}
