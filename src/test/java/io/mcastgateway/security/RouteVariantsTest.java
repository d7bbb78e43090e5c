package io.mcastgateway.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.RawHttp;
import io.mcastgateway.support.ReadAndPublishTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every data route, as the gateway itself describes them (its OpenAPI document: the REST resources and
 * the event stream), asked for in the spellings a hand-written path match would miss: matrix
 * parameters, encoded separators, dot segments, doubled slashes, other case, encoded letters. Without a
 * credential every one is 401; with the read token none is refused.
 */
@QuarkusTest
@TestProfile(ReadAndPublishTokens.class)
class RouteVariantsTest {

    /** The read token; every request here is anonymous or carries it, so none counts as a failed authentication. */
    static final String TOKEN = ReadAndPublishTokens.READ;

    @TestHTTPResource("/")
    URL base;

    /**
     * The GET paths of the OpenAPI document under /api, with {name} and {channel} as the channel default
     * and {source} as a sender it has heard (one datagram sent here first); and the players' /udp/ and
     * /rtp/ with a group of the profile's allow list.
     */
    private List<String> dataRoutes() throws IOException {
        String source;
        try (java.net.DatagramSocket sender = Multicast.sender()) {
            Multicast.send(sender, "a sender for /api/sources/{channel}/{source}");
            source = "127.0.0.1:" + sender.getLocalPort();
            String heard = "\"source\":\"" + source + "\"";
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> given()
                    .header("Authorization", "Bearer " + TOKEN).get("/api/sources").asString().contains(heard));
        }
        String json = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        JsonNode paths = new ObjectMapper().readTree(json).path("paths");
        List<String> routes = new ArrayList<>();
        for (Iterator<String> it = paths.fieldNames(); it.hasNext();) {
            String path = it.next();
            if (path.startsWith("/api/") && paths.path(path).has("get") && !path.equals("/api/publish")) {
                routes.add(path.replace("{name}", "default").replace("{channel}", "default").replace("{source}", source));
            }
        }
        // the players' raw streams of groups, joined on demand (the only data routes outside /api)
        routes.add(paths.path("/udp/{target}").has("get") ? "/udp/239.255.93.1:23993" : "/udp/missing-from-openapi");
        routes.add(paths.path("/rtp/{target}").has("get") ? "/rtp/239.255.93.1:23993" : "/rtp/missing-from-openapi");
        assertThat(routes).as("the data routes the gateway describes").contains("/api/events", "/api/stats",
                "/api/channels", "/api/sources", "/api/sources/default/" + source, "/api/channels/default/raw",
                "/udp/239.255.93.1:23993", "/rtp/239.255.93.1:23993");
        return routes;
    }

    static Set<String> variants(String path) {
        String[] parts = path.substring(1).split("/");
        String last = parts[parts.length - 1];
        String head = path.substring(0, path.length() - last.length()); // ends with /
        Set<String> v = new LinkedHashSet<>();
        v.add(path);
        v.add(path + ";x");
        v.add(path + ";");
        v.add(path + "%3Bx");
        v.add(path + "%3b");
        v.add(head.substring(0, head.length() - 1) + "%2F" + last);
        v.add(head.substring(0, head.length() - 1) + "%2f" + last);
        v.add(path + "/");
        v.add(path + ";x/");
        v.add("/" + path);
        v.add(head + "/" + last);
        v.add(head + "./" + last);
        v.add(head + "x/../" + last);
        v.add(head + "%2e/" + last);
        v.add(head + "x/%2e%2e/" + last);
        v.add("/api;x" + path.substring(4));
        v.add(path.toUpperCase(Locale.ROOT));
        v.add(head + Character.toUpperCase(last.charAt(0)) + last.substring(1));
        v.add(head + "%" + Integer.toHexString(last.charAt(0)) + last.substring(1));
        v.add("/%" + Integer.toHexString(path.charAt(1)) + path.substring(2));
        v.add("/index.html/.." + path);
        v.add("/q/health/../.." + path);
        v.add("/q/health;x/../.." + path);
        v.add("/q/metrics/%2e%2e/%2e%2e" + path);
        v.add("/app.js;/.." + path);
        v.add(path + "?x=1");
        return v;
    }

    @Test
    void shouldRefuseEverySpellingOfEveryDataRouteWithoutACredentialAndServeItWithOne() throws Exception {
        List<String> leaks = new ArrayList<>();
        List<String> refusedWithToken = new ArrayList<>();
        int checked = 0;
        // traffic on the groups of the raw streams, so that their heads come at once (a stream whose group has
        // sent nothing yet waits up to a second to say its type); bounded by the test's end and a count
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread traffic = new Thread(() -> {
            try (java.net.DatagramSocket sender = Multicast.sender()) {
                for (int i = 0; i < 30_000 && !done.get(); i++) {
                    Multicast.send(sender, "to the raw stream of default");
                    Multicast.sendTo(sender, "to a player's group".getBytes(), "239.255.93.1", 23993);
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
                }
            }
        }, "route-variants-traffic");
        traffic.start();
        try {
            for (String route : dataRoutes()) {
                for (String variant : variants(route)) {
                    checked++;
                    RawHttp.Answer anonymous = RawHttp.head(base.getPort(), variant, "");
                    if (anonymous.status() != 401) {
                        leaks.add(variant + " -> " + anonymous.status() + " " + abbreviate(anonymous.body()));
                    }
                    RawHttp.Answer withToken = RawHttp.head(base.getPort(), variant, "Authorization: Bearer " + TOKEN + "\r\n");
                if (withToken.status() == 401 || withToken.status() == 403 || withToken.status() >= 500) {
                    refusedWithToken.add(variant + " -> " + withToken.status());
                }
                    if (variant.equals(route)) {
                        assertThat(withToken.status()).as("%s with the read token", variant).isEqualTo(200);
                    }
                }
            }
        } finally {
            done.set(true);
            traffic.join(5000);
        }
        assertThat(checked).isGreaterThan(100);
        assertThat(leaks).as("spellings answered without a credential").isEmpty();
        assertThat(refusedWithToken).as("spellings refused with the read token").isEmpty();
    }

    private static String abbreviate(String body) {
        return body.length() > 80 ? body.substring(0, 80) + "..." : body;
    }
}
