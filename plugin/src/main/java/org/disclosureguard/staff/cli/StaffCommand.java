package org.disclosureguard.staff.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import org.disclosureguard.staff.StaffAccounts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar disclosure-guard.jar staff hash-password}: reads a password (from the terminal without echo, or
 * one line of standard input) and prints its bcrypt hash for {@code passwordHash} in the staff accounts file.
 */
@Command(name = "staff", mixinStandardHelpOptions = true, subcommands = StaffCommand.HashPassword.class,
        description = "Staff accounts for reviewing held requests (docs/escalation.md).")
public final class StaffCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** The command line, ready to execute. */
    public static CommandLine commandLine() {
        return new CommandLine(new StaffCommand());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "hash-password", mixinStandardHelpOptions = true,
            description = "Reads a password (at least 12 characters) and prints its bcrypt hash.")
    static final class HashPassword implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            char[] password;
            Console console = System.console();
            if (console != null) {
                password = console.readPassword("Password: ");
            } else {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                password = line == null ? new char[0] : line.toCharArray();
            }
            try {
                out.println(StaffAccounts.hash(password, new SecureRandom()));
                out.flush();
                return 0;
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                err.flush();
                return 2;
            }
        }
    }
}
