package org.disclosureguard.synthetic;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Generates a synthetic English GP population as FHIR R4 resources: two or three practices with their
 * GPs, patients with the full set of PDS-style demographics, related persons and encounters.
 *
 * <p>Output depends on the seed and the options only, never on the wall clock, the default locale or
 * time zone: the same seed and options give resources that encode to byte-identical JSON, in any JVM.
 * Dates are computed back from a fixed reference date ({@link #DEFAULT_REFERENCE_DATE} unless changed).
 *
 * <p>Usage: {@code new SyntheticUkGenerator(42).patients(50).generate()}.
 *
 * <p>About 10% of patients (at least one when there are ten or more) are restricted ({@code R} in
 * {@code meta.security}, like PDS "sensitive" records), about 3% (at least one when there are ten or more)
 * very restricted ({@code V}), the rest normal ({@code N}). One normal patient in 25 (at least one when
 * there are ten or more) is deliberately minimal: only NHS number, name, gender, birth date and
 * registration; see {@link SyntheticDataset#minimalPatientIds()} and {@link #minimalPatients(boolean)}.
 *
 * <p>Instances are mutable configuration holders and not thread-safe; {@link #generate()} does not change
 * them, so one configured generator may be used repeatedly from one thread.
 */
public final class SyntheticUkGenerator {

    /** Patients generated unless {@link #patients(int)} says otherwise. */
    public static final int DEFAULT_PATIENT_COUNT = 50;

    /** The date ages, registrations and encounters are computed back from, unless changed. */
    public static final LocalDate DEFAULT_REFERENCE_DATE = LocalDate.of(2025, 1, 1);

    /** The largest number of practices; one per built-in locality. */
    public static final int MAX_PRACTICES = Populations.LOCALITIES.size();

    /** The largest number of patients; the NHS number range and identifiers stay unique below it. */
    public static final int MAX_PATIENTS = 99_999;

    private final long seed;
    private int patientCount = DEFAULT_PATIENT_COUNT;
    private int practiceCount;
    private LocalDate referenceDate = DEFAULT_REFERENCE_DATE;
    private boolean minimalPatients = true;

    /**
     * Creates a generator.
     *
     * @param seed the seed of every random choice
     */
    public SyntheticUkGenerator(long seed) {
        this.seed = seed;
    }

    /**
     * Sets the number of patients.
     *
     * @param count 1 to {@value #MAX_PATIENTS}
     * @return this generator
     * @throws IllegalArgumentException when the count is out of range
     */
    public SyntheticUkGenerator patients(int count) {
        if (count < 1 || count > MAX_PATIENTS) {
            throw new IllegalArgumentException("Patient count must be between 1 and " + MAX_PATIENTS + ", got " + count);
        }
        this.patientCount = count;
        return this;
    }

    /**
     * Fixes the number of GP practices; by default the seed chooses two or three.
     *
     * @param count 1 to {@link #MAX_PRACTICES}
     * @return this generator
     * @throws IllegalArgumentException when the count is out of range
     */
    public SyntheticUkGenerator practices(int count) {
        if (count < 1 || count > MAX_PRACTICES) {
            throw new IllegalArgumentException("Practice count must be between 1 and " + MAX_PRACTICES + ", got " + count);
        }
        this.practiceCount = count;
        return this;
    }

    /**
     * Sets the date ages and event dates are computed back from.
     *
     * @param date the reference date, not {@code null}
     * @return this generator
     */
    public SyntheticUkGenerator referenceDate(LocalDate date) {
        this.referenceDate = Objects.requireNonNull(date, "date");
        return this;
    }

    /**
     * Chooses whether a few normal patients are deliberately minimal (default {@code true}).
     *
     * @param enabled {@code false} gives every patient the full set of demographics
     * @return this generator
     */
    public SyntheticUkGenerator minimalPatients(boolean enabled) {
        this.minimalPatients = enabled;
        return this;
    }

    /**
     * Generates the dataset. Calling it twice gives equal datasets.
     *
     * @return a new immutable dataset
     */
    public SyntheticDataset generate() {
        return new GenerationRun(seed, patientCount, practiceCount, referenceDate, minimalPatients).run();
    }
}
