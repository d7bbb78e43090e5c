package io.mcastgateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolsTest {

    @Test
    void shouldTakeEveryUsualSpellingOfCiForCi() {
        for (String ci : new String[] { "true", "TRUE", "1", "yes", "github" }) {
            assertThat(Tools.inCi(ci)).as(ci).isTrue();
        }
        for (String ci : new String[] { null, "", " ", "false", "0" }) {
            assertThat(Tools.inCi(ci)).as(String.valueOf(ci)).isFalse();
        }
    }
}
