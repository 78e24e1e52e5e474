package org.disclosureguard.practice;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.api.model.HistoryCountModeEnum;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.JpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.web.embedded.EmbeddedWebServerFactoryCustomizerAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * The whole Spring wiring of the practice server: HAPI FHIR's JPA configuration for R4, an H2
 * database, and a {@link RestfulServer} servlet at {@code /fhir/*} on Boot's embedded Tomcat.
 *
 * <p>Only Boot's property-placeholder and embedded servlet web server auto-configurations are imported,
 * so nothing else is guessed from the classpath. Properties read here:
 * <ul>
 *   <li>{@code practice.h2-file}: when set, the database lives in that file (relative paths are taken
 *       from the working directory); otherwise it is in memory and gone when the process ends.</li>
 *   <li>{@code practice.page-size.default} (50) and {@code practice.page-size.max} (1000): the page
 *       size of searches without {@code _count}, and the largest {@code _count} honoured.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({
    PropertyPlaceholderAutoConfiguration.class,
    ServletWebServerFactoryAutoConfiguration.class,
    // Applies the server.tomcat.* properties, such as the relaxed query characters.
    EmbeddedWebServerFactoryCustomizerAutoConfiguration.class
})
@Import({
    JpaR4Config.class,
    HapiJpaConfig.class,
    JpaBatch2Config.class,
    Batch2JobsConfig.class,
    ThreadPoolFactoryConfig.class,
    SubscriptionChannelConfig.class
})
public class PracticeServerConfig {

    /** Servlet mapping of the FHIR endpoint; the server base is {@code http://host:port/fhir}. */
    public static final String FHIR_PATH = "/fhir";

    /**
     * Storage settings a practice server needs: client-assigned ids of any form (NHS numbers as
     * Patient ids), searches that see every write at once, exact history counts, {@code :contains}
     * searches, and {@code $expunge} and multiple conditional deletes so that tests can clean up.
     */
    @Bean
    public JpaStorageSettings storageSettings() {
        JpaStorageSettings settings = new JpaStorageSettings();
        settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ANY);
        settings.setReuseCachedSearchResultsForMillis(null);
        settings.setHistoryCountMode(HistoryCountModeEnum.COUNT_ACCURATE);
        settings.setAllowContainsSearches(true);
        settings.setExpungeEnabled(true);
        settings.setAllowMultipleDelete(true);
        return settings;
    }

    @Bean
    public PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    @Bean(destroyMethod = "close")
    public BasicDataSource dataSource(@Value("${practice.h2-file:}") String h2File) {
        BasicDataSource dataSource = new BasicDataSource();
        dataSource.setDriverClassName("org.h2.Driver");
        dataSource.setUrl(h2Url(h2File));
        dataSource.setUsername("sa");
        dataSource.setPassword("");
        dataSource.setMaxTotal(20);
        return dataSource;
    }

    /**
     * The JDBC URL for the configured database: a private in-memory database when {@code h2File} is
     * blank, else a file database at that path made absolute (H2 refuses bare relative paths).
     */
    static String h2Url(String h2File) {
        // DB_CLOSE_ON_EXIT=FALSE: the connection pool closes the database after HAPI's background tasks
        // have stopped, instead of H2's own shutdown hook closing it under their feet.
        if (h2File == null || h2File.isBlank()) {
            return "jdbc:h2:mem:practice-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE";
        }
        return "jdbc:h2:file:" + Path.of(h2File.strip()).toAbsolutePath().normalize() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    @Bean
    public LocalContainerEntityManagerFactoryBean entityManagerFactory(
            ConfigurableListableBeanFactory beanFactory,
            FhirContext fhirContext,
            JpaStorageSettings storageSettings,
            DataSource dataSource) {
        LocalContainerEntityManagerFactoryBean factory =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(
                        beanFactory, fhirContext, storageSettings);
        factory.setPersistenceUnitName("HAPI_PU");
        factory.setDataSource(dataSource);
        Properties jpa = new Properties();
        jpa.put("hibernate.dialect", HapiFhirH2Dialect.class.getName());
        jpa.put("hibernate.hbm2ddl.auto", "update");
        jpa.put("hibernate.search.enabled", "false");
        // Stops H2 "duplicate column" errors from Hibernate's temporary tables for bulk mutations.
        jpa.put("hibernate.query.mutation_strategy.global_temporary.create_tables", "false");
        jpa.put("hibernate.show_sql", "false");
        jpa.put("hibernate.format_sql", "false");
        jpa.put("hibernate.jdbc.batch_size", "20");
        jpa.put("hibernate.cache.use_query_cache", "false");
        jpa.put("hibernate.cache.use_second_level_cache", "false");
        jpa.put("hibernate.cache.use_minimal_puts", "false");
        factory.setJpaProperties(jpa);
        return factory;
    }

    @Bean
    public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }

    /** The FHIR REST endpoint with every R4 resource type, transactions and database paging. */
    @Bean
    public ServletRegistrationBean<RestfulServer> fhirServlet(
            FhirContext fhirContext,
            ResourceProviderFactory resourceProviderFactory,
            JpaSystemProvider<Bundle, Meta> systemProvider,
            IFhirSystemDao<Bundle, Meta> systemDao,
            JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParamRegistry,
            @Qualifier(JpaConfig.JPA_VALIDATION_SUPPORT_CHAIN) IValidationSupport validationSupport,
            DatabaseBackedPagingProvider pagingProvider,
            IInterceptorService interceptorService,
            @Value("${practice.page-size.default:50}") int defaultPageSize,
            @Value("${practice.page-size.max:1000}") int maximumPageSize) {
        pagingProvider.setDefaultPageSize(defaultPageSize);
        pagingProvider.setMaximumPageSize(maximumPageSize);

        RestfulServer server = new RestfulServer(fhirContext, interceptorService);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setServerAddressStrategy(new LocalServerAddressStrategy());
        server.setPagingProvider(pagingProvider);
        server.registerProviders(resourceProviderFactory.createProviders());
        server.registerProvider(systemProvider);
        server.setServerConformanceProvider(
                new JpaCapabilityStatementProvider(
                        server, systemDao, storageSettings, searchParamRegistry, validationSupport));
        server.setImplementationDescription("Disclosure Guard demo practice FHIR server");

        ServletRegistrationBean<RestfulServer> registration =
                new ServletRegistrationBean<>(server, FHIR_PATH + "/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
