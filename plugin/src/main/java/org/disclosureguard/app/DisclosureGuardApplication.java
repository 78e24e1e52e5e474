package org.disclosureguard.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Starts the guard. See {@code README.md} and {@code docs/operations.md} for its settings. */
@SpringBootApplication
@EnableConfigurationProperties(GuardProperties.class)
public class DisclosureGuardApplication {

    public static void main(String[] args) {
        SpringApplication.run(DisclosureGuardApplication.class, args);
    }
}
