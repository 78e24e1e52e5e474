package org.disclosureguard.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

/**
 * Test requesters and patients for the tests against the whole guard: a requester registry of token-signing
 * requesters, and NHS numbers with a valid modulus 11 check digit.
 */
public final class TestRequesters {

    private TestRequesters() {}

    /** A requester that signs tokens with its key; its organisation is "{id} (test)". */
    public record Requester(String id, String requesterClass, KeyPair key) {}

    /** Writes a registry of these requesters in a new directory under target/ and answers its path. */
    public static Path registry(String directoryPrefix, List<Requester> requesters) {
        try {
            Path file = Files.createTempDirectory(Path.of("target"), directoryPrefix).resolve("requesters.yaml");
            Files.writeString(file, yaml(requesters));
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A registry of these requesters, as YAML. */
    public static String yaml(List<Requester> requesters) {
        StringBuilder yaml = new StringBuilder("version: 1\nrequesters:\n");
        for (Requester r : requesters) {
            yaml.append("""
                      - id: %s
                        organisation: %s (test)
                        class: %s
                        token:
                          clientId: %s
                          keys:
                            - jwk: '%s'
                    """.formatted(r.id(), r.id(), r.requesterClass(), r.id(), SignedTokens.publicJwk(r.key())));
        }
        return yaml.toString();
    }

    /** A ten-digit NHS number with a valid modulus 11 check digit, the first at or after the seed. */
    public static String nhsNumber(long seed) {
        for (long n = Math.floorMod(seed, 900_000_000L); ; n++) {
            String nine = String.format("%09d", n);
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                sum += (nine.charAt(i) - '0') * (10 - i);
            }
            int check = 11 - sum % 11;
            if (check == 11) {
                check = 0;
            }
            if (check != 10) {
                return nine + check;
            }
        }
    }
}
