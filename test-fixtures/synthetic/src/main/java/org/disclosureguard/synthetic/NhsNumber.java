package org.disclosureguard.synthetic;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/**
 * NHS numbers: the modulus 11 check digit, validation, formatting and the generation of synthetic
 * numbers.
 *
 * <p>An NHS number is ten digits; the tenth is a check digit computed from the first nine, weighted 10
 * down to 2: {@code 11 - (sum mod 11)}, where a result of 11 becomes 0 and a result of 10 means that the
 * nine digits never form a valid number. Synthetic numbers are drawn only from 999 000 0000 to 999 999
 * 9999, the range NHS England uses for test data, so they can never identify a real person.
 *
 * <p>All methods are static, side-effect free and thread-safe. Arguments must not be {@code null} unless
 * stated otherwise.
 */
public final class NhsNumber {

    /** The FHIR identifier system of NHS numbers. */
    public static final String SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

    /** The three leading digits of every synthetic NHS number. */
    public static final String SYNTHETIC_PREFIX = "999";

    private NhsNumber() {
    }

    /**
     * Tells whether {@code candidate} is a valid NHS number: exactly ten ASCII digits (no spaces) whose
     * last digit is the modulus 11 check digit of the first nine.
     *
     * @param candidate the text to test; {@code null} is allowed and is not valid
     * @return {@code true} when the candidate is a valid NHS number
     */
    public static boolean isValid(String candidate) {
        if (candidate == null || candidate.length() != 10 || !allAsciiDigits(candidate)) {
            return false;
        }
        OptionalInt expected = checkDigit(candidate.substring(0, 9));
        return expected.isPresent() && expected.getAsInt() == candidate.charAt(9) - '0';
    }

    /**
     * Computes the check digit of nine leading digits.
     *
     * @param firstNineDigits exactly nine ASCII digits
     * @return the check digit, or empty when the nine digits cannot start a valid NHS number (the
     *     computation gives 10)
     * @throws IllegalArgumentException when the argument is not nine ASCII digits
     */
    public static OptionalInt checkDigit(String firstNineDigits) {
        Objects.requireNonNull(firstNineDigits, "firstNineDigits");
        if (firstNineDigits.length() != 9 || !allAsciiDigits(firstNineDigits)) {
            throw new IllegalArgumentException("An NHS number check digit needs exactly nine digits, got '"
                    + firstNineDigits + "'");
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (firstNineDigits.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            return OptionalInt.of(0);
        }
        if (check == 10) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(check);
    }

    /**
     * Draws a valid NHS number from the synthetic 999 range; nine-digit stems whose check digit would be
     * 10 are skipped and drawn again.
     *
     * @param random the source of randomness; the same sequence gives the same numbers
     * @return ten digits starting with {@value #SYNTHETIC_PREFIX}
     */
    public static String randomSynthetic(RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        while (true) {
            String stem = SYNTHETIC_PREFIX + String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000));
            OptionalInt check = checkDigit(stem);
            if (check.isPresent()) {
                return stem + check.getAsInt();
            }
        }
    }

    /**
     * Tells whether {@code nhsNumber} is valid and lies in the synthetic 999 range.
     *
     * @param nhsNumber the text to test; {@code null} is allowed and gives {@code false}
     * @return {@code true} for a valid synthetic NHS number
     */
    public static boolean isSynthetic(String nhsNumber) {
        return isValid(nhsNumber) && nhsNumber.startsWith(SYNTHETIC_PREFIX);
    }

    /**
     * Formats ten digits the way people write NHS numbers, {@code 999 123 4567}.
     *
     * @param nhsNumber ten ASCII digits (the check digit is not verified)
     * @return the digits grouped 3-3-4 with single spaces
     * @throws IllegalArgumentException when the argument is not ten ASCII digits
     */
    public static String format(String nhsNumber) {
        Objects.requireNonNull(nhsNumber, "nhsNumber");
        if (nhsNumber.length() != 10 || !allAsciiDigits(nhsNumber)) {
            throw new IllegalArgumentException("An NHS number has ten digits, got '" + nhsNumber + "'");
        }
        return nhsNumber.substring(0, 3) + ' ' + nhsNumber.substring(3, 6) + ' ' + nhsNumber.substring(6);
    }

    private static boolean allAsciiDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
