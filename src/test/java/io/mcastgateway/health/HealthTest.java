package io.mcastgateway.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthTest {

    @Test
    void shouldBeReadyWithTheGroupPortAndInterfaceInTheCheck() {
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'multicast-receiver' }.status", is("UP"))
                .body("checks.find { it.name == 'multicast-receiver' }.data.'default.group'", is("239.255.255.252:23456"))
                .body("checks.find { it.name == 'multicast-receiver' }.data.'default.interface'", is("lo"))
                .body("checks.find { it.name == 'multicast-receiver' }.data.'default.state'", is("joined"));
    }

    @Test
    void shouldBeLiveWhileTheEventLoopsRunTasks() {
        given().when().get("/q/health/live").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItem("event-loops"));
    }
}
