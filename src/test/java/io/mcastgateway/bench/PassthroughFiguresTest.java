package io.mcastgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Plain JUnit: a passthrough run's figures count only the sent tags, per group and client, from the clients' results. */
class PassthroughFiguresTest {

    private static final String A = "/udp/239.255.91.1:23993";
    private static final String B = "/udp/239.255.91.2:23993";

    @Test
    void shouldCountTheSentTagsOfEveryGroupAndItsWorstClient() throws Exception {
        // two groups of two clients, 10 datagrams of 376 bytes each; on B one client missed two (one gap);
        // tag 1 is the warm-up's: not counted
        JsonNode clients = Proc.JSON.readTree("""
                {"paths":{
                  "%s":{"tags":{"1":{"sum":6,"bytes":2256,"minBytes":1128},
                                "3":{"sum":20,"min":10,"bytes":7520,"minBytes":3760,"gaps":0,"disorder":0}}},
                  "%s":{"tags":{"4":{"sum":18,"min":8,"bytes":6768,"minBytes":3008,"gaps":2,"disorder":1}}}}}
                """.formatted(A, B));

        PassthroughFigures f = PassthroughFigures.of(clients,
                List.of(new PassthroughFigures.Stream(A, 3, 10, 1), new PassthroughFigures.Stream(B, 4, 10, 2)), 2, 376, 2.0,
                3_000_000_000L);

        assertThat(f.datagramsSent()).isEqualTo(20);
        assertThat(f.bytesToDeliver()).isEqualTo(4 * 3760);
        assertThat(f.bytesDelivered()).isEqualTo(7520 + 6768);
        assertThat(f.missing()).isEqualTo(2);
        assertThat(f.gaps()).isEqualTo(2);
        assertThat(f.disorder()).isEqualTo(1);
        assertThat(f.foreign()).isZero();
        assertThat(f.worstClientPercent()).isCloseTo(80.0, within(1e-9));
        assertThat(f.allDelivered()).isFalse();
        assertThat(f.gbitsPerSecond()).isCloseTo(14288 * 8 / 1e9 / 2, within(1e-12));
        assertThat(f.cpuSecondsPerGbit()).isCloseTo(3.0 / (14288 * 8 / 1e9), within(1e-6));
    }

    @Test
    void shouldCountAGroupWhoseClientsGotNothingAsAllMissing() throws Exception {
        JsonNode clients = Proc.JSON.readTree("{\"paths\":{\"" + A + "\":{\"tags\":{}}}}");

        PassthroughFigures f = PassthroughFigures.of(clients, List.of(new PassthroughFigures.Stream(A, 7, 5, 6)), 3, 188,
                1.0, 0);

        assertThat(f.missing()).isEqualTo(15);
        assertThat(f.bytesDelivered()).isZero();
        assertThat(f.worstClientPercent()).isZero();
        assertThat(f.cpuSecondsPerGbit()).isZero();
    }

    @Test
    void shouldCountAnotherGroupsDatagramsApart() throws Exception {
        // A's clients got all of A's tag 2, and 3 datagrams of tag 9 (sent to another group)
        JsonNode clients = Proc.JSON.readTree("{\"paths\":{\"" + A + "\":{\"tags\":{"
                + "\"2\":{\"sum\":2,\"bytes\":752,\"minBytes\":752},\"9\":{\"sum\":3,\"bytes\":1128}}}}}");

        PassthroughFigures f = PassthroughFigures.of(clients, List.of(new PassthroughFigures.Stream(A, 2, 2, 1)), 1, 376,
                1.0, 0);

        assertThat(f.foreign()).isEqualTo(3);
        assertThat(f.bytesDelivered()).isEqualTo(752);
        assertThat(f.missing()).isZero();
        assertThat(f.allDelivered()).isFalse();
    }

    @Test
    void shouldSayAllDeliveredWhenEveryClientGotEveryByte() throws Exception {
        JsonNode clients = Proc.JSON.readTree("{\"paths\":{\"" + A
                + "\":{\"tags\":{\"2\":{\"sum\":4,\"bytes\":1504,\"minBytes\":752,\"gaps\":0}}}}}");

        PassthroughFigures f = PassthroughFigures.of(clients, List.of(new PassthroughFigures.Stream(A, 2, 2, 1)), 2, 376,
                1.0, 0);

        assertThat(f.allDelivered()).isTrue();
        assertThat(f.worstClientPercent()).isCloseTo(100.0, within(1e-9));
    }
}
