/**
 * The guard's own relational database: one {@link javax.sql.DataSource} (an H2 file by default, or PostgreSQL) whose
 * schema is kept by Flyway migrations in {@code db/migration} on the class path. Every table of the guard (the
 * audit chain, and later the escalation cases and the notification outbox) is created here, by one migration
 * history, in one SQL dialect that both databases accept.
 *
 * <p>Core package: depends on the JDK (JDBC) and Flyway only. It must not depend on Spring or on any other guard
 * package.
 */
package org.disclosureguard.database;
