package org.disclosureguard.app;

import java.util.Arrays;
import org.disclosureguard.audit.cli.AuditCommand;
import org.disclosureguard.identity.cli.CaCommand;
import org.disclosureguard.policy.cli.PolicyCommand;
import org.disclosureguard.staff.cli.StaffCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Starts the guard, or runs one of its commands: {@code java -jar disclosure-guard.jar policy ...} (check, test and
 * explain a policy, see {@code docs/policy.md}) and {@code java -jar disclosure-guard.jar ca ...} (the practice's
 * partner CA, see {@code docs/requesters.md}) and {@code java -jar disclosure-guard.jar audit ...} (verify the audit
 * chain, manage its checkpoint keys, see {@code docs/operations.md}). Anything else starts the server; see
 * {@code docs/configuration.md}.
 */
@SpringBootApplication
@EnableConfigurationProperties(GuardProperties.class)
public class DisclosureGuardApplication {

    public static void main(String[] args) {
        Integer exit = runCommand(args);
        if (exit != null) {
            System.exit(exit);
        }
        SpringApplication.run(DisclosureGuardApplication.class, args);
    }

    /**
     * Runs the command named by the first argument.
     *
     * @return the command's exit code, or {@code null} when the arguments name no command (start the server)
     */
    static Integer runCommand(String[] args) {
        if (args.length == 0) {
            return null;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "policy" -> PolicyCommand.newCommandLine().execute(rest);
            case "ca" -> CaCommand.commandLine(new CaCommand()).execute(rest);
            case "audit" -> AuditCommand.commandLine().execute(rest);
            case "staff" -> StaffCommand.commandLine().execute(rest);
            default -> null;
        };
    }
}
