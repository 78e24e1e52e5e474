package org.disclosureguard.staff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.disclosureguard.config.ConfigException;
import org.disclosureguard.config.YamlNode;

/**
 * The staff accounts file ({@code guard.staff.accounts-file}, {@code docs/escalation.md}): who may sign in, with a
 * bcrypt hash of their password (Bouncy Castle's {@link OpenBSDBCrypt}) and their reviewer roles. Loaded once,
 * with line-numbered errors; immutable and thread-safe.
 *
 * <pre>
 * version: 1
 * staff:
 *   - id: cg-anne
 *     name: Dr Anne Example
 *     roles: [caldicott-guardian]
 *     passwordHash: $2y$12$...      # java -jar disclosure-guard.jar staff hash-password
 * </pre>
 */
public final class StaffAccounts {

    /** The bcrypt cost of new hashes: 2^12 rounds, about a quarter of a second. */
    public static final int COST = 12;

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9.\\-]{0,63}");
    private static final String DUMMY = OpenBSDBCrypt.generate("2y", "not a password".toCharArray(), new byte[16], COST);

    private final Map<String, Account> accounts;

    private record Account(StaffMember member, String hash) {}

    private StaffAccounts(Map<String, Account> accounts) {
        this.accounts = Map.copyOf(accounts);
    }

    /** No accounts: nobody can sign in. */
    public static StaffAccounts none() {
        return new StaffAccounts(Map.of());
    }

    /** Loads an accounts file. */
    public static StaffAccounts load(Path file) {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "cannot be read: " + e.getMessage());
        }
    }

    /** Parses the text of an accounts file; {@code source} names it in errors. */
    public static StaffAccounts parse(String source, String text) {
        YamlNode root = YamlNode.parse(source, text);
        root.requireOnlyKeys(Set.of("version", "staff"));
        if (root.require("version").integer() != 1) {
            throw root.require("version").error("version must be 1");
        }
        Map<String, Account> accounts = new LinkedHashMap<>();
        for (YamlNode entry : root.require("staff").items()) {
            entry.requireOnlyKeys(Set.of("id", "name", "roles", "passwordHash"));
            YamlNode idNode = entry.require("id");
            String id = idNode.text();
            if (!ID.matcher(id).matches()) {
                throw idNode.error("a staff id is 1 to 64 lower-case letters, digits, '.' and '-'");
            }
            if (accounts.containsKey(id)) {
                throw idNode.error("the staff id " + id + " is used twice");
            }
            YamlNode hashNode = entry.require("passwordHash");
            String hash = hashNode.text();
            if (!hash.matches("\\$2[aby]\\$[0-9]{2}\\$[./A-Za-z0-9]{53}")) {
                throw hashNode.error("passwordHash must be a bcrypt hash ($2y$12$...); make one with "
                        + "'java -jar disclosure-guard.jar staff hash-password'");
            }
            Set<String> roles = new LinkedHashSet<>(entry.require("roles").texts());
            if (roles.isEmpty()) {
                throw entry.require("roles").error("a staff member needs at least one role");
            }
            accounts.put(id, new Account(new StaffMember(id, entry.require("name").text(), roles), hash));
        }
        return new StaffAccounts(accounts);
    }

    /**
     * The member whose id and password these are. Takes about as long for an unknown id as for a wrong password, so
     * that the time does not tell which ids exist.
     */
    public Optional<StaffMember> authenticate(String id, char[] password) {
        Account account = id == null ? null : accounts.get(id);
        if (account == null || password == null || password.length == 0) {
            OpenBSDBCrypt.checkPassword(DUMMY, password == null || password.length == 0 ? new char[] {'x'} : password);
            return Optional.empty();
        }
        return OpenBSDBCrypt.checkPassword(account.hash(), password) ? Optional.of(account.member()) : Optional.empty();
    }

    /** A bcrypt hash of a password for the accounts file. */
    public static String hash(char[] password, SecureRandom random) {
        if (password == null || password.length < 12) {
            throw new IllegalArgumentException("A staff password has at least 12 characters.");
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password, salt, COST);
    }
}
