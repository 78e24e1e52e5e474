package org.disclosureguard.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.disclosureguard.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequesterRegistryTest {

    @TempDir
    Path directory;

    private static final String EC_JWK = TestKeys.publicJwk(TestKeys.EC).toJSONString();

    @Test
    void registry_withEveryCredentialForm_isRead_andLookedUpByIdClientIdAndCertificate() throws IOException {
        Files.writeString(directory.resolve("rsa.pem"), TestKeys.publicPem(TestKeys.RSA));
        Files.writeString(directory.resolve("ed.pem"), TestKeys.publicPem(TestKeys.ED));
        ECKey ec = (ECKey) TestKeys.publicJwk(TestKeys.EC);
        Path file = directory.resolve("requesters.yaml");
        Files.writeString(file, """
                version: 1
                requesters:
                  - id: met-police
                    organisation: Metropolitan Police Service
                    class: police
                    certificate:
                      subject: "CN=met-police, OU=police, O=Metropolitan Police Service"
                      sha256: "%s"
                    token:
                      clientId: https://met.example.org/client
                      keys:
                        - jwk: {kty: EC, crv: P-256, x: "%s", y: "%s", kid: met-2026, use: sig, alg: ES256}
                        - pem: rsa.pem
                    headerClaims: true
                  - id: ukhsa
                    organisation: UK Health Security Agency
                    class: public-health
                    token:
                      clientId: ukhsa
                      keys:
                        - pem: ed.pem
                  - id: practice-ehr
                    organisation: Riverside Surgery
                    class: practice
                    certificate: {subject: "CN=practice-ehr,OU=practice,O=Riverside Surgery"}
                    internal: true
                """.formatted("ab".repeat(32), ec.getX(), ec.getY()));

        RequesterRegistry registry = RequesterRegistry.load(file);

        assertThat(registry.requesters()).extracting(RegisteredRequester::id)
                .containsExactly("met-police", "ukhsa", "practice-ehr");
        RegisteredRequester met = registry.byId("met-police").orElseThrow();
        assertThat(met.organisation()).isEqualTo("Metropolitan Police Service");
        assertThat(met.requesterClass()).isEqualTo(RequesterClass.POLICE);
        assertThat(met.certificate().sha256()).isEqualTo("ab".repeat(32));
        assertThat(met.token().keys()).hasSize(2);
        assertThat(met.token().keys().get(0)).isInstanceOf(ECKey.class);
        assertThat(met.token().keys().get(0).getKeyID()).isEqualTo("met-2026");
        assertThat(met.token().keys().get(1)).isInstanceOf(RSAKey.class);
        assertThat(met.headerClaimsAllowed()).isTrue();
        assertThat(met.internal()).isFalse();
        assertThat(met.line()).isEqualTo(3);
        assertThat(registry.byClientId("https://met.example.org/client")).contains(met);
        assertThat(registry.byClientId("ukhsa").orElseThrow().token().keys().get(0)).isInstanceOf(OctetKeyPair.class);
        assertThat(registry.byId("practice-ehr").orElseThrow().internal()).isTrue();
        assertThat(registry.byId("nobody")).isEmpty();
        assertThat(registry.digest()).hasSize(64);
    }

    @Test
    void subjectInTheRegistry_matchesACertificate_whateverTheSpacingAndCaseOfTheName(@TempDir Path caDir) {
        PartnerCa ca = PartnerCa.create(caDir, "CA", java.time.Duration.ofDays(30), IdentityFixture.FIXED,
                TestKeys.RANDOM);
        IssuedCertificate issued = ca.issueClient("met-police", "Metropolitan Police Service", RequesterClass.POLICE,
                java.time.Duration.ofDays(10), false);
        RequesterRegistry registry = RequesterRegistry.parse("r.yaml", """
                version: 1
                requesters:
                  - id: met-police
                    organisation: Met
                    class: police
                    certificate: {subject: "cn=met-police,  ou=police, o=metropolitan police service"}
                """, directory);

        assertThat(registry.byCertificate(issued.certificate())).extracting(RegisteredRequester::id)
                .containsExactly("met-police");
    }

    @Test
    void jwkWrittenAsAMappingOrAsJson_givesTheSameKey() {
        ECKey ec = (ECKey) TestKeys.publicJwk(TestKeys.EC);
        RequesterRegistry registry = RequesterRegistry.parse("r.yaml", """
                version: 1
                requesters:
                  - id: a
                    organisation: A
                    class: nhs-provider
                    token: {clientId: a, keys: [{jwk: {kty: EC, crv: P-256, x: "%s", y: "%s"}}]}
                """.formatted(ec.getX(), ec.getY()), directory);

        assertThat(registry.byId("a").orElseThrow().token().keys().get(0).toJSONObject())
                .isEqualTo(ec.toJSONObject());
    }

    @Test
    void emptyRegistry_isAllowed() {
        RequesterRegistry registry = RequesterRegistry.parse("r.yaml", "version: 1\nrequesters: []\n", directory);

        assertThat(registry.requesters()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            unknown field               | 6 | unknown field 'organization'        | `  - {id: a, organization: A, class: police, certificate: {subject: "CN=a"}}`
            unknown certificate field   | 6 | unknown field 'fingerprint'         | `  - {id: a, organisation: A, class: police, certificate: {fingerprint: x}}`
            unknown class               | 6 | unknown requester class 'dwp'       | `  - {id: a, organisation: A, class: dwp, certificate: {subject: "CN=a"}}`
            bad id                      | 6 | id 'Met Police' must be lower-case  | `  - {id: Met Police, organisation: A, class: police, certificate: {subject: "CN=a"}}`
            no credentials              | 6 | needs a 'certificate', a 'token'    | `  - {id: a, organisation: A, class: police}`
            empty certificate           | 6 | needs a 'subject', a 'sha256'       | `  - {id: a, organisation: A, class: police, certificate: {}}`
            bad fingerprint             | 6 | sha256 must be a SHA-256            | `  - {id: a, organisation: A, class: police, certificate: {sha256: "AB:CD"}}`
            bad subject                 | 6 | subject is not a distinguished name | `  - {id: a, organisation: A, class: police, certificate: {subject: "no equals sign"}}`
            headers without mTLS        | 6 | headerClaims are honoured only over | `  - {id: a, organisation: A, class: police, headerClaims: true, token: {clientId: a, keys: [{jwk: 'EC_JWK'}]}}`
            internal outsider           | 6 | only requesters of class 'practice' | `  - {id: a, organisation: A, class: police, internal: true, certificate: {subject: "CN=a"}}`
            boolean spelt yes           | 6 | expected true or false, found 'yes' | `  - {id: a, organisation: A, class: police, headerClaims: yes, certificate: {subject: "CN=a"}}`
            key with both forms         | 6 | exactly one of 'jwk' or 'pem'       | `  - {id: a, organisation: A, class: police, token: {clientId: a, keys: [{jwk: 'EC_JWK', pem: k.pem}]}}`
            no keys                     | 6 | a token needs at least one key      | `  - {id: a, organisation: A, class: police, token: {clientId: a, keys: []}}`
            missing pem file            | 6 | does not exist                      | `  - {id: a, organisation: A, class: police, token: {clientId: a, keys: [{pem: missing.pem}]}}`
            jwk not json                | 6 | not a valid public JWK              | `  - {id: a, organisation: A, class: police, token: {clientId: a, keys: [{jwk: 'not json'}]}}`
            private jwk member          | 6 | found private key member 'd'        | `  - {id: a, organisation: A, class: police, token: {clientId: a, keys: [{jwk: {kty: EC, crv: P-256, x: a, y: b, d: c}}]}}`
            symmetric jwk               | 6 | symmetric (oct) keys are not        | `  - {id: a, organisation: A, class: police, token: {clientId: a, keys: [{jwk: '{"kty":"oct","k":"c2VjcmV0"}'}]}}`
            point not on curve          | 6 | not a valid public JWK              | `  - {id: a, organisation: A, class: police, token: {clientId: a, keys: [{jwk: {kty: EC, crv: P-256, x: AAAA, y: AAAA}}]}}`
            unknown jwk member          | 6 | unknown field 'x5u'                 | `  - {id: a, organisation: A, class: police, token: {clientId: a, keys: [{jwk: {kty: EC, x5u: 'https://x'}}]}}`
            """)
    void invalidEntry_isRefusedWithTheLineAndAClearReason(String what, int line, String expected, String entry) {
        String yaml = "# requesters\nversion: 1\n# the list\nrequesters:\n  # one entry\n"
                + entry.replace("EC_JWK", EC_JWK) + "\n";

        assertThatThrownBy(() -> RequesterRegistry.parse("requesters.yaml", yaml, directory))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("requesters.yaml:" + line + ": ")
                .hasMessageContaining(expected);
    }

    @Test
    void duplicateId_isRefusedNamingBothLines() {
        String yaml = """
                version: 1
                requesters:
                  - id: met
                    organisation: A
                    class: police
                    certificate: {subject: "CN=one"}
                  - id: met
                    organisation: B
                    class: police
                    certificate: {subject: "CN=two"}
                """;

        assertThatThrownBy(() -> RequesterRegistry.parse("r.yaml", yaml, directory))
                .isInstanceOf(ConfigException.class)
                .hasMessage("r.yaml:7: duplicate id 'met' (first used on line 3)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            client id   | duplicate clientId 'same'              | `token: {clientId: same, keys: [{jwk: '@KEY1@'}]}`                  | `token: {clientId: same, keys: [{jwk: '@KEY2@'}]}`
            key         | duplicate key                          | `token: {clientId: one, keys: [{jwk: '@KEY1@'}]}`                   | `token: {clientId: two, keys: [{jwk: '@KEY1@'}]}`
            subject     | duplicate certificate subject          | `certificate: {subject: "CN=x,O=y"}`                          | `certificate: {subject: "cn=x, o=y"}`
            fingerprint | duplicate certificate fingerprint      | `certificate: {sha256: "@FP@"}`                                   | `certificate: {sha256: "@FP@"}`
            """)
    void credentialUsedByTwoRequesters_isRefusedOnTheSecond(String what, String expected, String first, String second) {
        String yaml = ("""
                version: 1
                requesters:
                  - id: one
                    organisation: A
                    class: police
                    %s
                  - id: two
                    organisation: B
                    class: police
                    %s
                """).formatted(first, second)
                .replace("@KEY1@", EC_JWK)
                .replace("@KEY2@", TestKeys.publicJwk(TestKeys.EC_OTHER).toJSONString())
                .replace("@FP@", "cd".repeat(32));

        assertThatThrownBy(() -> RequesterRegistry.parse("r.yaml", yaml, directory))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("r.yaml:10: ")
                .hasMessageContaining(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            P-384 EC key       | EC | secp384r1 | 0    | on a curve other than P-256
            1024-bit RSA key   | RSA|           | 1024 | has 1024 bits: at least 2048
            """)
    void pemKeyOfTheWrongSizeOrCurve_isRefused(String what, String algorithm, String curve, int bits, String expected)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm, TestKeys.BC);
        if (curve != null) {
            generator.initialize(new ECGenParameterSpec(curve));
        } else {
            generator.initialize(bits);
        }
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(directory.resolve("k.pem"), TestKeys.publicPem(pair));
        String yaml = """
                version: 1
                requesters:
                  - id: a
                    organisation: A
                    class: police
                    token: {clientId: a, keys: [{pem: k.pem}]}
                """;

        assertThatThrownBy(() -> RequesterRegistry.parse("r.yaml", yaml, directory))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("r.yaml:6: ")
                .hasMessageContaining(expected);
    }

    @Test
    void pemFileHoldingAPrivateKey_isRefused() throws IOException {
        Files.writeString(directory.resolve("k.pem"), PartnerCa.pem(
                new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(TestKeys.EC.getPrivate(), null).generate()));
        String yaml = """
                version: 1
                requesters:
                  - {id: a, organisation: A, class: police, token: {clientId: a, keys: [{pem: k.pem}]}}
                """;

        assertThatThrownBy(() -> RequesterRegistry.parse("r.yaml", yaml, directory))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("r.yaml:3: ")
                .hasMessageContaining("never a private key");
    }

    @Test
    void jwkWhoseAlgContradictsItsKeyType_isRefused() {
        String jwk = new RSAKey.Builder((RSAKey) TestKeys.publicJwk(TestKeys.RSA))
                .algorithm(com.nimbusds.jose.JWSAlgorithm.HS256).build().toJSONString();
        String yaml = """
                version: 1
                requesters:
                  - {id: a, organisation: A, class: police, token: {clientId: a, keys: [{jwk: '%s'}]}}
                """.formatted(jwk);

        assertThatThrownBy(() -> RequesterRegistry.parse("r.yaml", yaml, directory))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("says alg HS256");
    }

    @Test
    void unsupportedVersion_andMissingFile_areRefused() {
        assertThatThrownBy(() -> RequesterRegistry.parse("r.yaml", "version: 2\nrequesters: []\n", directory))
                .isInstanceOf(ConfigException.class)
                .hasMessage("r.yaml:1: unsupported version 2 (this guard reads version 1)");
        assertThatThrownBy(() -> RequesterRegistry.load(directory.resolve("absent.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot be read");
    }

    @Test
    void everyRequesterClassCode_isAccepted() {
        StringBuilder yaml = new StringBuilder("version: 1\nrequesters:\n");
        for (RequesterClass c : RequesterClass.values()) {
            yaml.append("  - {id: r-").append(c.code()).append(", organisation: O, class: ").append(c.code())
                    .append(", certificate: {subject: \"CN=").append(c.code()).append("\"}}\n");
        }

        RequesterRegistry registry = RequesterRegistry.parse("r.yaml", yaml.toString(), directory);

        assertThat(registry.requesters()).extracting(RegisteredRequester::requesterClass)
                .containsExactly(RequesterClass.values());
        assertThat(RequesterClass.codes()).containsExactly("practice", "nhs-provider", "police",
                "immigration-enforcement", "benefits", "tax", "public-health", "local-authority");
    }
}
