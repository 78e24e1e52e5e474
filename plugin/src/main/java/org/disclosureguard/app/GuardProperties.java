package org.disclosureguard.app;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The guard's settings, under {@code guard.*}. Documented in {@code docs/configuration.md}. */
@ConfigurationProperties(prefix = "guard")
public class GuardProperties {

    /** The guard's base URL as requesters see it; when empty, taken from each request. */
    private String publicBaseUrl;

    /** Resource types the guard answers read and search for. */
    private List<String> resourceTypes = new ArrayList<>(List.of("Patient", "RelatedPerson", "Practitioner",
            "PractitionerRole", "Organization", "Location", "Encounter", "Observation", "Condition",
            "AllergyIntolerance", "MedicationRequest", "MedicationStatement", "Immunization", "Procedure"));

    private final Upstream upstream = new Upstream();
    private final Labels labels = new Labels();
    private final Policy policy = new Policy();
    private final Identity identity = new Identity();
    private final Tls tls = new Tls();
    private final Database database = new Database();
    private final Audit audit = new Audit();
    private final Review review = new Review();

    public Review getReview() {
        return review;
    }

    /** Held requests and their review. */
    public static class Review {
        /** How long a held request waits for a reviewer before it expires. */
        private Duration expiry = Duration.ofDays(14);
        /** The staff accounts file (who may sign in to review, with which roles); empty for nobody. */
        private Path staffFile;
        /** Staff sign-in with OpenID Connect; off unless {@code issuer} is set. */
        private final Oidc oidc = new Oidc();

        public Oidc getOidc() {
            return oidc;
        }

        public Path getStaffFile() {
            return staffFile;
        }

        public void setStaffFile(Path staffFile) {
            this.staffFile = staffFile;
        }

        public Duration getExpiry() {
            return expiry;
        }

        public void setExpiry(Duration expiry) {
            this.expiry = expiry;
        }
    }

    /** Staff sign-in with OpenID Connect ({@code docs/review.md}, "Signing in"). */
    public static class Oidc {
        /** The issuer (its {@code /.well-known/openid-configuration} is read on first use); empty for off. */
        private java.net.URI issuer;
        private String clientId;
        private String clientSecret;
        /** The guard's callback as registered with the issuer: {@code http://127.0.0.1:PORT/staff/login/oidc/callback}. */
        private java.net.URI redirectUri;
        /** The ID token claim naming the member of staff. */
        private String staffClaim = "email";
        /** Who may sign in: the claim's value, the name shown, the reviewer roles. */
        private java.util.List<Member> staff = new java.util.ArrayList<>();

        public java.net.URI getIssuer() {
            return issuer;
        }

        public void setIssuer(java.net.URI issuer) {
            this.issuer = issuer;
        }

        public String getClientId() {
            return clientId;
        }

        public void setClientId(String clientId) {
            this.clientId = clientId;
        }

        public String getClientSecret() {
            return clientSecret;
        }

        public void setClientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
        }

        public java.net.URI getRedirectUri() {
            return redirectUri;
        }

        public void setRedirectUri(java.net.URI redirectUri) {
            this.redirectUri = redirectUri;
        }

        public String getStaffClaim() {
            return staffClaim;
        }

        public void setStaffClaim(String staffClaim) {
            this.staffClaim = staffClaim;
        }

        public java.util.List<Member> getStaff() {
            return staff;
        }

        public void setStaff(java.util.List<Member> staff) {
            this.staff = staff;
        }

        /** One member of staff allowed to sign in with OpenID Connect. */
        public static class Member {
            /** The value of the staff claim (for example the e-mail address); recorded as the reviewer. */
            private String id;
            private String name;
            private java.util.List<String> roles = new java.util.ArrayList<>();

            public String getId() {
                return id;
            }

            public void setId(String id) {
                this.id = id;
            }

            public String getName() {
                return name;
            }

            public void setName(String name) {
                this.name = name;
            }

            public java.util.List<String> getRoles() {
                return roles;
            }

            public void setRoles(java.util.List<String> roles) {
                this.roles = roles;
            }
        }
    }

    /** This guard instance's name in audit entries; empty for the host name. */
    private String instance;

    /** The practice's name, as the accounting and the transparency report print it. */
    private String practiceName;

    public String getPracticeName() {
        return practiceName;
    }

    public void setPracticeName(String practiceName) {
        this.practiceName = practiceName;
    }

    /** Where the default H2 database and the audit keys live ({@code ./data}); used only through the defaults. */
    private Path dataDir;

    public Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    public String getInstance() {
        return instance;
    }

    public void setInstance(String instance) {
        this.instance = instance;
    }

    public Database getDatabase() {
        return database;
    }

    public Audit getAudit() {
        return audit;
    }

    /** The guard's database: the audit chain (and later tables). */
    public static class Database {
        /** The JDBC URL; an H2 file by default, {@code jdbc:postgresql://...} in production. */
        private String url;
        private String user;
        private String password;
        /** The largest number of open connections. */
        private int poolSize = 10;
        /** The longest wait for a connection; past it the request is answered 503 and nothing is released. */
        private Duration connectionTimeout = Duration.ofSeconds(3);

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUser() {
            return user;
        }

        public void setUser(String user) {
            this.user = user;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public int getPoolSize() {
            return poolSize;
        }

        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }

        public Duration getConnectionTimeout() {
            return connectionTimeout;
        }

        public void setConnectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
        }
    }

    /** The audit trail's checkpoints. */
    public static class Audit {
        /** The checkpoint signing keys ({@code audit keys generate}); created with a first key if missing. */
        private Path keyDir;
        /** How often the chain head is signed, when it has moved. */
        private Duration checkpointInterval = Duration.ofSeconds(60);

        public Path getKeyDir() {
            return keyDir;
        }

        public void setKeyDir(Path keyDir) {
            this.keyDir = keyDir;
        }

        public Duration getCheckpointInterval() {
            return checkpointInterval;
        }

        public void setCheckpointInterval(Duration checkpointInterval) {
            this.checkpointInterval = checkpointInterval;
        }
    }

    public String getPublicBaseUrl() {
        return publicBaseUrl;
    }

    public void setPublicBaseUrl(String publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl;
    }

    public List<String> getResourceTypes() {
        return resourceTypes;
    }

    public void setResourceTypes(List<String> resourceTypes) {
        this.resourceTypes = resourceTypes;
    }

    public Upstream getUpstream() {
        return upstream;
    }

    public Labels getLabels() {
        return labels;
    }

    public Policy getPolicy() {
        return policy;
    }

    public Identity getIdentity() {
        return identity;
    }

    public Tls getTls() {
        return tls;
    }

    /**
     * The listener for requesters outside the practice: TLS, with client certificates from the partner CA
     * ({@code guard.identity.ca-dir}) requested and verified. Off unless a port is set.
     */
    public static class Tls {
        /** The port; empty (the default) for no TLS listener. */
        private Integer port;
        /** The address to listen on; empty for every interface. */
        private String address;
        /** The guard's certificate chain (PEM), as {@code ca server} writes it to server/cert.pem. */
        private Path certificate;
        /** Its private key (PEM), as {@code ca server} writes it to server/key.pem. */
        private Path privateKey;

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public Path getCertificate() {
            return certificate;
        }

        public void setCertificate(Path certificate) {
            this.certificate = certificate;
        }

        public Path getPrivateKey() {
            return privateKey;
        }

        public void setPrivateKey(Path privateKey) {
            this.privateKey = privateKey;
        }
    }

    /** The disclosure policy. */
    public static class Policy {
        /** A policy file replacing the shipped default policy; empty for the default. */
        private Path file;

        public Path getFile() {
            return file;
        }

        public void setFile(Path file) {
            this.file = file;
        }
    }

    /** Who may ask: the requester registry, the partner CA and the token audience. */
    public static class Identity {
        /** The requester registry file; empty for none (then every request with credentials is refused). */
        private Path registryFile;
        /** The partner CA directory (ca.pem and crl.pem); empty to accept signed tokens only. */
        private Path caDir;
        /** The token audience; empty for guard.public-base-url, or else each request's FHIR base URL. */
        private String audience;

        public Path getRegistryFile() {
            return registryFile;
        }

        public void setRegistryFile(Path registryFile) {
            this.registryFile = registryFile;
        }

        public Path getCaDir() {
            return caDir;
        }

        public void setCaDir(Path caDir) {
            this.caDir = caDir;
        }

        public String getAudience() {
            return audience;
        }

        public void setAudience(String audience) {
            this.audience = audience;
        }
    }

    /** The practice FHIR server. */
    public static class Upstream {
        /** Its FHIR base URL, for example http://127.0.0.1:8090/fhir. Required. */
        private URI baseUrl;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration timeout = Duration.ofSeconds(30);
        private long maxResponseBytes = 64L * 1024 * 1024;

        public URI getBaseUrl() {
            return baseUrl;
        }

        public void setBaseUrl(URI baseUrl) {
            this.baseUrl = baseUrl;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public long getMaxResponseBytes() {
            return maxResponseBytes;
        }

        public void setMaxResponseBytes(long maxResponseBytes) {
            this.maxResponseBytes = maxResponseBytes;
        }
    }

    /** Labelling. */
    public static class Labels {
        /** A label configuration file replacing the product's defaults; empty for the defaults. */
        private Path file;

        public Path getFile() {
            return file;
        }

        public void setFile(Path file) {
            this.file = file;
        }
    }
}
