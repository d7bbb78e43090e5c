package io.mcastgateway.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The gateway with its static credentials: the data needs the read token {@link #READ} (or the session
 * cookie it buys, signed with {@link #SESSION_SECRET}, {@code mcast.session.max-age=1h}); publishing
 * needs {@link #PUBLISH} (at up to 1000 a second per client, so no test here meets the rate); behind a
 * TLS-terminating proxy on this host (127.0.0.1 trusted for X-Forwarded-*). No periodic sender.
 * <p>
 * Failed authentications are limited to {@value #MAX_FAILURES_PER_MINUTE} a minute per client address, the
 * default, which SessionAndLimitsTest drives past from an address of its own (X-Forwarded-For). Every other
 * test here fails from 127.0.0.1, and Quarkus keeps one application for all these classes: together they
 * make 7 failed bearer tokens there (ReadTokenTest 4, LivePageSecuredTest, SessionAndLimitsTest and
 * PublishTest 1 each; a missing credential or a stale cookie counts none). A test that adds more failures
 * from 127.0.0.1 must send them from an address of its own, or its neighbours get 429 instead of 401.
 */
public class ReadAndPublishTokens implements QuarkusTestProfile {

    public static final String READ = "read-secret-0123456789";
    public static final String PUBLISH = "publish-secret-0123456789";
    public static final String SESSION_SECRET = "session-key-for-the-test-0123";
    public static final int MAX_FAILURES_PER_MINUTE = 10;

    /** The groups players may make the gateway join here. */
    public static final String PLAYER_RANGE = "239.255.93.0/24";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("mcast.read.token", READ),
                Map.entry("mcast.publish.token", PUBLISH),
                Map.entry("mcast.publish.rate", "1000"),
                Map.entry("mcast.sender.enabled", "false"),
                // players' raw streams on (RouteVariantsTest asks /udp/ and /rtp/ too)
                Map.entry("mcast.passthrough.allow", PLAYER_RANGE),
                Map.entry("mcast.session.secret", SESSION_SECRET),
                Map.entry("mcast.session.max-age", "1h"),
                Map.entry("mcast.auth.max-failures-per-minute", String.valueOf(MAX_FAILURES_PER_MINUTE)),
                // behind a TLS-terminating proxy on this host
                Map.entry("quarkus.http.proxy.proxy-address-forwarding", "true"),
                Map.entry("quarkus.http.proxy.allow-x-forwarded", "true"),
                Map.entry("quarkus.http.proxy.trusted-proxies", "127.0.0.1"));
    }
}
