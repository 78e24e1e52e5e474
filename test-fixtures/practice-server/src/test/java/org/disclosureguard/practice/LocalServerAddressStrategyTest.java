package org.disclosureguard.practice;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalServerAddressStrategyTest {

    @Test
    void hostFor_clientUsingLocalhost_keepsLocalhost() {
        assertThat(LocalServerAddressStrategy.hostFor("LocalHost", "127.0.0.1")).isEqualTo("localhost");
    }

    @Test
    void hostFor_clientUsingLoopbackAddress_getsThatAddress() {
        assertThat(LocalServerAddressStrategy.hostFor("127.0.0.1", "127.0.0.1")).isEqualTo("127.0.0.1");
    }

    @Test
    void hostFor_forgedHostHeader_isReplacedByTheLocalAddress() {
        assertThat(LocalServerAddressStrategy.hostFor("evil.example", "127.0.0.1"))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void hostFor_ipv6LocalAddress_isBracketed() {
        assertThat(LocalServerAddressStrategy.hostFor(null, "0:0:0:0:0:0:0:1"))
                .isEqualTo("[0:0:0:0:0:0:0:1]");
    }
}
