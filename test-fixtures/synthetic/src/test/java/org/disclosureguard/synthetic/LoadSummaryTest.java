package org.disclosureguard.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadSummaryTest {

    @Test
    void countByStatusCode_groupsStatusLinesByTheirCode() {
        LoadSummary summary = new LoadSummary(3, 200, List.of("201 Created", "200 OK", "200 OK"));

        assertThat(summary.countByStatusCode()).containsExactly(Map.entry("200", 2), Map.entry("201", 1));
        assertThat(summary.allSucceeded()).isTrue();
    }

    @Test
    void allSucceeded_withAFailedOrMissingEntry_isFalse() {
        assertThat(new LoadSummary(2, 200, List.of("201 Created", "400 Bad Request")).allSucceeded()).isFalse();
        assertThat(new LoadSummary(2, 200, List.of("201 Created")).allSucceeded()).isFalse();
    }

    @Test
    void entryStatuses_areCopiedAndUnmodifiable() {
        List<String> statuses = new ArrayList<>(List.of("201 Created"));
        LoadSummary summary = new LoadSummary(1, 200, statuses);
        statuses.add("500 Internal Server Error");

        assertThat(summary.entryStatuses()).containsExactly("201 Created");
        assertThatThrownBy(() -> summary.entryStatuses().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
