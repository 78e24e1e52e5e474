package org.disclosureguard.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.disclosureguard.redaction.RedactionSupport.DOB;
import static org.disclosureguard.redaction.RedactionSupport.LOCIS;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.disclosureguard.labels.SecurityLabel;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void redactions_withTheSameLabelsAndFlag_areEqual() {
        Redaction a = Redaction.withholding(LOCIS, DOB).suppressingTotals();
        Redaction b = new Redaction(Set.of(DOB, new SecurityLabel(LOCIS.system(), LOCIS.code())), true);

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Redaction.withholding(LOCIS, DOB));
        assertThat(a).isNotEqualTo(Redaction.withholding(LOCIS).suppressingTotals());
    }

    @Test
    void redaction_copiesItsLabels_andCannotBeChangedThroughThem() {
        Set<SecurityLabel> labels = new HashSet<>(List.of(LOCIS));
        Redaction redaction = new Redaction(labels, false);
        labels.add(DOB);

        assertThat(redaction.withheld()).containsExactly(LOCIS);
        assertThatThrownBy(() -> redaction.withheld().add(DOB)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void none_isEmpty_andSuppressingTotalsIsNot() {
        assertThat(Redaction.none().isEmpty()).isTrue();
        assertThat(Redaction.none()).isEqualTo(new Redaction(Set.of(), false));
        assertThat(Redaction.none().suppressingTotals().isEmpty()).isFalse();
        assertThat(Redaction.withholding(LOCIS).isEmpty()).isFalse();
    }

    @Test
    void withholds_answersForItsLabelsOnly() {
        Redaction redaction = Redaction.withholding(LOCIS);

        assertThat(redaction.withholds(LOCIS)).isTrue();
        assertThat(redaction.withholds(DOB)).isFalse();
        assertThat(redaction.match(LOCIS.system(), LOCIS.code())).isEqualTo(LOCIS);
        assertThat(redaction.match(LOCIS.system(), null)).isNull();
        assertThat(redaction.match("", "")).isNull();
    }

    @Test
    void nullLabels_areRejected() {
        assertThatThrownBy(() -> new Redaction(null, false)).isInstanceOf(NullPointerException.class);
    }
}
