package org.disclosureguard.practice;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the demo practice FHIR server.
 *
 * <p>Command-line options (Spring property syntax): {@code --server.port=8090},
 * {@code --server.address=127.0.0.1}, {@code --practice.h2-file=PATH} (file database instead of the
 * in-memory one). When the server accepts requests it prints exactly one line to standard output:
 * {@code Practice FHIR server ready at http://127.0.0.1:8090/fhir}. A start-up failure is reported on
 * standard error and ends the process with exit status 1.
 */
public final class PracticeServerApplication {

    /** The first words of the line printed when the server is ready; scripts may wait for it. */
    public static final String READY_MESSAGE = "Practice FHIR server ready at ";

    private PracticeServerApplication() {}

    public static void main(String[] args) {
        ConfigurableApplicationContext context;
        try {
            context = start(args);
        } catch (RuntimeException e) {
            System.err.println("Practice FHIR server failed to start: " + e);
            System.exit(1);
            return;
        }
        System.out.println(READY_MESSAGE + baseUrl(context));
        System.out.flush();
    }

    /**
     * Starts a server in this JVM and returns its running context; closing the context stops it.
     *
     * @param args Spring command-line arguments such as {@code --server.port=0}, not null
     * @return the started context, never null
     * @throws RuntimeException when the server cannot start (for example the port is taken)
     */
    public static ConfigurableApplicationContext start(String... args) {
        return new SpringApplication(PracticeServerConfig.class).run(args);
    }

    /**
     * The FHIR base URL of a started server, for example {@code http://127.0.0.1:8090/fhir}. A server
     * bound to every interface is reported at {@code 127.0.0.1}.
     *
     * @param context a context returned by {@link #start(String...)}, not null
     * @return the base URL without a trailing slash
     */
    public static URI baseUrl(ConfigurableApplicationContext context) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        String address = context.getEnvironment().getProperty("server.address", "127.0.0.1");
        String host = hostOf(address);
        return URI.create("http://" + host + ":" + port + PracticeServerConfig.FHIR_PATH);
    }

    private static String hostOf(String address) {
        try {
            InetAddress inet = InetAddress.getByName(address);
            if (inet.isAnyLocalAddress()) {
                return "127.0.0.1";
            }
        } catch (UnknownHostException e) {
            return address;
        }
        return address.indexOf(':') >= 0 && !address.startsWith("[") ? "[" + address + "]" : address;
    }
}
