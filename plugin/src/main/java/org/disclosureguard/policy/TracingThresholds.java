package org.disclosureguard.policy;

import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When an outside requester's pattern of requests looks like tracing ({@code tracing:} in the policy file,
 * {@code docs/limits.md}): the thresholds at which the tracing detector raises an alert to the Caldicott Guardian, and
 * the hours each requester or class usually asks in. A threshold of count 0 is off. The practice's own requesters are
 * never watched. Immutable.
 *
 * @param refusedSearches searches by one requester refused (by the policy or before a decision) within the window
 * @param distinctPatients distinct patients one requester asked about within the window
 * @param samePatient distinct outside requesters that asked about one patient within the window
 * @param outsideHours requests by one requester outside its usual hours within the window
 * @param usualHours the usual hours, by requester or class ({@code '*'} for every outside requester); a requester with
 *     none has no usual hours and is never alerted on for the time of day
 * @param recipient who is told: the Caldicott Guardian as a FHIR reference ({@code Practitioner/cg}), or empty for the
 *     practice's channels' default recipients
 */
public record TracingThresholds(Threshold refusedSearches, Threshold distinctPatients, Threshold samePatient,
        Threshold outsideHours, List<UsualHours> usualHours, String recipient) {

    /** The zone usual hours are read in. */
    public static final java.time.ZoneId ZONE = java.time.ZoneId.of("Europe/London");

    /** No tracing detection (a policy file without a {@code tracing:} section). */
    public static final TracingThresholds OFF = new TracingThresholds(Threshold.OFF, Threshold.OFF, Threshold.OFF,
            Threshold.OFF, List.of(), "");

    public TracingThresholds {
        Objects.requireNonNull(refusedSearches, "refusedSearches");
        Objects.requireNonNull(distinctPatients, "distinctPatients");
        Objects.requireNonNull(samePatient, "samePatient");
        Objects.requireNonNull(outsideHours, "outsideHours");
        usualHours = List.copyOf(usualHours);
        recipient = Objects.requireNonNullElse(recipient, "");
    }

    /** Whether any threshold is on. */
    public boolean enabled() {
        return refusedSearches.on() || distinctPatients.on() || samePatient.on() || outsideHours.on();
    }

    /** The longest window of any threshold that is on (how long the detector must remember), or zero. */
    public Duration longestWindow() {
        Duration longest = Duration.ZERO;
        for (Threshold t : List.of(refusedSearches, distinctPatients, samePatient, outsideHours)) {
            if (t.on() && t.window().compareTo(longest) > 0) {
                longest = t.window();
            }
        }
        return longest;
    }

    /**
     * The usual hours of a requester: the most specific entry (by requester id, then class, then {@code '*'}), or
     * empty when none applies.
     */
    public Optional<UsualHours> usualHoursFor(String requesterId, String requesterClass) {
        UsualHours chosen = null;
        int best = -1;
        for (UsualHours hours : usualHours) {
            int specificity = !hours.requesterId().isEmpty() ? 2 : Limit.ANY_CLASS.equals(hours.requesterClass()) ? 0 : 1;
            boolean applies = !hours.requesterId().isEmpty() ? hours.requesterId().equals(requesterId)
                    : Limit.ANY_CLASS.equals(hours.requesterClass()) || hours.requesterClass().equals(requesterClass);
            if (applies && specificity > best) {
                chosen = hours;
                best = specificity;
            }
        }
        return Optional.ofNullable(chosen);
    }

    /**
     * One threshold: an alert when {@code count} is reached within {@code window}.
     *
     * @param count how many (requests, patients or requesters) raise an alert; 0 for off
     * @param window how far back they are counted; positive when {@code count} is
     */
    public record Threshold(int count, Duration window) {

        /** Off. */
        public static final Threshold OFF = new Threshold(0, Duration.ZERO);

        public Threshold {
            Objects.requireNonNull(window, "window");
            if (count < 0 || (count > 0 && (window.isNegative() || window.isZero()))) {
                throw new IllegalArgumentException("a threshold is off (0) or a positive count in a positive window");
            }
        }

        /** Whether it is on. */
        public boolean on() {
            return count > 0;
        }
    }

    /**
     * The hours (Europe/London) a requester or class usually asks in: from {@code from} (inclusive) to {@code to}
     * (exclusive); when {@code to} is before {@code from} the hours run over midnight.
     *
     * @param requesterId the requester it is for, or empty
     * @param requesterClass the class it is for ({@code *} for every class), or empty when it is for a requester
     */
    public record UsualHours(String requesterId, String requesterClass, LocalTime from, LocalTime to) {

        public UsualHours {
            requesterId = Objects.requireNonNullElse(requesterId, "");
            requesterClass = Objects.requireNonNullElse(requesterClass, "");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (from.equals(to)) {
                throw new IllegalArgumentException("usual hours need from and to to differ");
            }
        }

        /** Whether a time of day (Europe/London) is within these hours. */
        public boolean contains(LocalTime time) {
            return from.isBefore(to) ? !time.isBefore(from) && time.isBefore(to)
                    : !time.isBefore(from) || time.isBefore(to);
        }
    }
}
