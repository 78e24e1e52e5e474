package org.disclosureguard.staff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import org.disclosureguard.config.ConfigException;
import org.junit.jupiter.api.Test;

class StaffAccountsTest {

    private static final String PASSWORD = "a long enough password";
    private static final String HASH = StaffAccounts.hash(PASSWORD.toCharArray(), new SecureRandom());

    private static StaffAccounts accounts() {
        return StaffAccounts.parse("staff.yaml", """
                version: 1
                staff:
                  - id: cg-anne
                    name: Dr Anne Example
                    roles: [caldicott-guardian]
                    passwordHash: '%s'
                """.formatted(HASH));
    }

    @Test
    void theRightPassword_signsTheMemberIn_andAWrongOneOrAnUnknownIdDoesNot() {
        assertThat(accounts().authenticate("cg-anne", PASSWORD.toCharArray()))
                .hasValueSatisfying(m -> assertThat(m.roles()).containsExactly("caldicott-guardian"));
        assertThat(accounts().authenticate("cg-anne", "wrong password!!".toCharArray())).isEmpty();
        assertThat(accounts().authenticate("nobody", PASSWORD.toCharArray())).isEmpty();
        assertThat(accounts().authenticate("cg-anne", new char[0])).isEmpty();
        assertThat(StaffAccounts.none().authenticate("cg-anne", PASSWORD.toCharArray())).isEmpty();
    }

    @Test
    void hashes_areBcryptAndSalted_andShortPasswordsAreRefused() {
        assertThat(HASH).startsWith("$2y$12$");
        assertThat(StaffAccounts.hash(PASSWORD.toCharArray(), new SecureRandom())).isNotEqualTo(HASH);
        assertThatThrownBy(() -> StaffAccounts.hash("short".toCharArray(), new SecureRandom()))
                .hasMessageContaining("12 characters");
    }

    @Test
    void badFiles_nameTheLine() {
        assertThatThrownBy(() -> StaffAccounts.parse("staff.yaml", """
                version: 1
                staff:
                  - id: cg-anne
                    name: Anne
                    roles: [caldicott-guardian]
                    passwordHash: plain-text-password
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("staff.yaml:6")
                .hasMessageContaining("bcrypt");
        assertThatThrownBy(() -> StaffAccounts.parse("staff.yaml", """
                version: 1
                staff:
                  - id: cg-anne
                    name: Anne
                    roles: [caldicott-guardian]
                    passwordHash: '%s'
                  - id: cg-anne
                    name: Anne again
                    roles: [caldicott-guardian]
                    passwordHash: '%s'
                """.formatted(HASH, HASH))).isInstanceOf(ConfigException.class).hasMessageContaining("used twice");
    }

    @Test
    void sessions_haveTheirOwnCsrfToken_andEndWhenClosed() {
        StaffSessions sessions = new StaffSessions(Duration.ofMinutes(5));
        StaffSessions.Session session = sessions.open(accounts().authenticate("cg-anne", PASSWORD.toCharArray())
                .orElseThrow());

        assertThat(sessions.find(session.token())).contains(session);
        assertThat(session.csrfMatches(session.csrf())).isTrue();
        assertThat(session.csrfMatches(session.token())).isFalse();
        assertThat(session.csrfMatches(null)).isFalse();
        sessions.close(session.token());
        assertThat(sessions.find(session.token())).isEmpty();
    }
}
