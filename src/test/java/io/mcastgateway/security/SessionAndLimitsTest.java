package io.mcastgateway.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.LogCapture;
import io.mcastgateway.support.RawHttp;
import io.mcastgateway.support.ReadAndPublishTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.http.Cookie;

/**
 * The session cookie's attributes and end; nothing read before a request is allowed; failed
 * authentications limited per address and logged without the credential.
 */
@QuarkusTest
@TestProfile(ReadAndPublishTokens.class) // session max-age 1h, behind a trusted TLS proxy, 10 failures a minute
class SessionAndLimitsTest {

    static final String READ = ReadAndPublishTokens.READ;
    static final String PUBLISH = ReadAndPublishTokens.PUBLISH;
    static final String SESSION_SECRET = ReadAndPublishTokens.SESSION_SECRET;

    @TestHTTPResource("/")
    URL base;

    @Test
    void shouldSetAStrictHttpOnlyCookieThatEndsAndIsSecureBehindATlsProxy() {
        io.restassured.response.Response plain = given().auth().oauth2(READ).post("/api/session");
        plain.then().statusCode(204);
        Cookie cookie = plain.getDetailedCookie(SessionCookies.NAME);
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualToIgnoringCase("Strict");
        assertThat(cookie.getPath()).isEqualTo("/api");
        assertThat(cookie.getMaxAge()).isBetween(3590L, 3600L);
        assertThat(cookie.isSecured()).as("plain HTTP").isFalse();
        assertThat(cookie.getValue()).doesNotContain(READ);

        io.restassured.response.Response proxied = given().auth().oauth2(READ).header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-For", "198.18.0.9").post("/api/session");
        proxied.then().statusCode(204);
        assertThat(proxied.getDetailedCookie(SessionCookies.NAME).isSecured()).as("TLS at the trusted proxy").isTrue();

        given().cookie(SessionCookies.NAME, cookie.getValue()).get("/api/stats").then().statusCode(200);
    }

    @Test
    void shouldIgnoreAForeignBearerTokenOnTheOpenPaths() {
        for (int i = 0; i < 15; i++) { // more than mcast.auth.max-failures-per-minute: never counted there
            given().auth().oauth2("a-scrapers-token-0123456789").get("/q/metrics").then().statusCode(200);
            given().auth().oauth2("a-scrapers-token-0123456789").get("/q/health/ready").then().statusCode(200);
        }
        given().auth().oauth2("a-scrapers-token-0123456789").get("/api/stats").then().statusCode(401);
    }

    @Test
    void shouldTakeAStaleSessionCookieForNoneAndNotCountItAsAFailure() {
        for (int i = 0; i < 15; i++) { // more than mcast.auth.max-failures-per-minute: never 429
            given().cookie(SessionCookies.NAME, "v1.stale.cookie").get("/q/health/ready").then().statusCode(200);
            given().cookie(SessionCookies.NAME, "v1.stale.cookie").get("/api/stats").then().statusCode(401);
        }
    }

    @Test
    void shouldRefuseAnExpiredOrForgedOrWidenedCookie() {
        SessionCookies sessions = new SessionCookies(SessionCookies.key(SESSION_SECRET, READ, null));
        long now = System.currentTimeMillis() / 1000;
        String expired = sessions.encode(ChannelAccess.READ_ALL, now - 1);
        String valid = sessions.encode(ChannelAccess.READ_ALL, now + 60);
        String forged = new SessionCookies(SessionCookies.key("another-key-0123456789", READ, null))
                .encode(ChannelAccess.READ_ALL, now + 60);
        // the expiry pushed out by hand: the signature no longer matches
        String[] parts = valid.split("\\.");
        String widened = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("exp=" + (now + 999_999) + ";sub=*").getBytes(StandardCharsets.US_ASCII)) + "." + parts[2];
        given().cookie(SessionCookies.NAME, valid).get("/api/stats").then().statusCode(200);
        for (String refused : List.of(expired, forged, widened, "garbage")) {
            assertThat(given().cookie(SessionCookies.NAME, refused).get("/api/stats").statusCode()).as(refused)
                    .isEqualTo(401);
        }
    }

    @Test
    void shouldRefuseABigUnauthenticatedPublishWithoutReadingItsBody() throws IOException {
        long tenMiB = 10L << 20;
        // none (401), one that may not publish (403), one that may, for a body over the limit (413)
        for (String credential : List.of("", "Authorization: Bearer " + READ + "\r\n",
                "Authorization: Bearer " + PUBLISH + "\r\n")) {
            try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
                // the headers only: a client that would now send 10 MiB, slowly
                socket.getOutputStream().write(("POST /api/channels/default/messages HTTP/1.1\r\nHost: localhost\r\n"
                        + credential + "Content-Type: text/plain\r\nContent-Length: " + tenMiB + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                RawHttp.Answer answer = RawHttp.read(socket, Duration.ofSeconds(3), Duration.ofSeconds(5));
                assertThat(answer.status()).as("answered before any body byte was sent (%s)", credential)
                        .isIn(401, 403, 413);
                assertThat(answer.closedByServer()).as("the server closed rather than read the body").isTrue();
            }
        }
        // a body within the limit but over a datagram is read and refused as such
        given().auth().oauth2(PUBLISH).contentType(ContentType.BINARY).body(new byte[65_508])
                .post("/api/channels/default/messages").then().statusCode(413);
    }

    @Test
    void shouldLimitFailedAuthenticationsPerAddressAndLogThemWithoutTheCredential() {
        List<String> lines;
        try (LogCapture log = LogCapture.of(GatewayAuthMechanism.class)) {
            lines = log.lines();
            // its own address (through the trusted proxy), so the other tests' address keeps its count
            String attacker = "198.18.7.7";
            int throttled = 0;
            for (int i = 0; i < 20; i++) {
                io.restassured.response.Response r = given().header("X-Forwarded-For", attacker)
                        .auth().oauth2("wrong-guess-number-" + i + "-0123456789").get("/api/stats");
                if (r.statusCode() == 429) {
                    throttled++;
                    assertThat(Long.parseLong(r.getHeader("Retry-After"))).isBetween(1L, 60L);
                } else {
                    assertThat(r.statusCode()).isEqualTo(401);
                }
            }
            assertThat(throttled).as("429s among 20 wrong tokens").isGreaterThanOrEqualTo(10);
            // the right credential still passes from there: one client can't lock out the others behind its address
            given().header("X-Forwarded-For", attacker).auth().oauth2(READ).get("/api/stats").then().statusCode(200);
            // another address is not affected
            given().header("X-Forwarded-For", "198.18.7.8").auth().oauth2(READ).get("/api/stats").then().statusCode(200);
        }
        assertThat(lines).as("a line per failure, with the address").anyMatch(l -> l.contains("198.18.7.7"));
        assertThat(lines).as("never the credential").noneMatch(l -> l.contains("wrong-guess-number"));
    }
}
