package org.disclosureguard.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class NhsNumberTest {

    @ParameterizedTest
    @ValueSource(strings = {"9000000009", "9000000017", "9000000025", "9000000033", "9434765919", "4010232137"})
    void nhsNumber_withCorrectCheckDigit_isAccepted(String valid) {
        assertThat(NhsNumber.isValid(valid)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"9000000008", "9000000010", "9434765918", "4010232138", "9000000015"})
    void nhsNumber_withWrongCheckDigit_isRejected(String invalid) {
        assertThat(NhsNumber.isValid(invalid)).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"900000000", "90000000099", "900 000 0009", "900000000X", "９０００００００09", "-900000009"})
    void nhsNumber_thatIsNotTenAsciiDigits_isRejected(String malformed) {
        assertThat(NhsNumber.isValid(malformed)).isFalse();
    }

    @Test
    void checkDigit_ofEleven_becomesZero() {
        // Digits 1 and 4 in the last two places weigh 3 and 2: 3 + 8 = 11, remainder 0, 11 - 0 = 11 -> 0.
        assertThat(NhsNumber.checkDigit("000000014")).hasValue(0);
        assertThat(NhsNumber.isValid("0000000140")).isTrue();
    }

    @Test
    void checkDigit_ofTen_meansTheStemCanNeverBeValid() {
        // 000000006: 6 * 2 = 12, 12 mod 11 = 1, 11 - 1 = 10.
        assertThat(NhsNumber.checkDigit("000000006")).isEmpty();
        for (int last = 0; last <= 9; last++) {
            assertThat(NhsNumber.isValid("000000006" + last)).isFalse();
        }
    }

    @Test
    void checkDigit_ofSomethingOtherThanNineDigits_isRefused() {
        assertThatThrownBy(() -> NhsNumber.checkDigit("12345678")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nine digits");
        assertThatThrownBy(() -> NhsNumber.checkDigit("12345678a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void randomSynthetic_forThousandsOfDraws_givesOnlyValidNumbersInThe999Range() {
        SplittableRandom random = new SplittableRandom(7);
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String number = NhsNumber.randomSynthetic(random);
            assertThat(number).hasSize(10).startsWith("999");
            assertThat(NhsNumber.isValid(number)).as(number).isTrue();
            assertThat(NhsNumber.isSynthetic(number)).isTrue();
            distinct.add(number);
        }
        assertThat(distinct).hasSizeGreaterThan(19_000);
    }

    @Test
    void randomSynthetic_withTheSameSeed_givesTheSameSequence() {
        SplittableRandom first = new SplittableRandom(99);
        SplittableRandom second = new SplittableRandom(99);
        for (int i = 0; i < 100; i++) {
            assertThat(NhsNumber.randomSynthetic(first)).isEqualTo(NhsNumber.randomSynthetic(second));
        }
    }

    @Test
    void isSynthetic_forARealFormatNumberOutsideThe999Range_isFalse() {
        assertThat(NhsNumber.isSynthetic("9000000009")).isFalse();
        assertThat(NhsNumber.isSynthetic(null)).isFalse();
    }

    @Test
    void format_groupsDigitsThreeThreeFour() {
        assertThat(NhsNumber.format("9991234560")).isEqualTo("999 123 4560");
        assertThatThrownBy(() -> NhsNumber.format("999 123 4560")).isInstanceOf(IllegalArgumentException.class);
    }
}
