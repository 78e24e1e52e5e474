package org.disclosureguard.practice;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PracticeServerConfigTest {

    @Test
    void h2Url_withoutFile_isAPrivateInMemoryDatabase() {
        assertThat(PracticeServerConfig.h2Url(" ")).startsWith("jdbc:h2:mem:practice-")
                .isNotEqualTo(PracticeServerConfig.h2Url(null));
    }

    @Test
    void h2Url_relativeFile_isMadeAbsolute() {
        String url = PracticeServerConfig.h2Url("target/practice-db");

        assertThat(url).startsWith("jdbc:h2:file:/").contains("/target/practice-db;");
    }
}
