package org.disclosureguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How the gateway reads the practice server's JSON: anything it cannot read back and write is not FHIR JSON. */
class FhirJsonTest {

    private final FhirJson json = new FhirJson();

    private ObjectNode read(String number) throws IOException {
        return json.readResource(("{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":" + number + "}}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aNumberWhoseExponentJacksonCannotHold_isNotFhirJson_notARuntimeException() {
        // Found by RedactionFuzzTest: a NumberFormatException escaped, and the gateway answered 500 DG-1500.
        assertThatThrownBy(() -> read("999999E999999999999999999")).isInstanceOf(IOException.class)
                .hasMessageContaining("number");
    }

    @Test
    void aNumberBeyondTheScaleLimit_isNotFhirJson_soItIsNeverWrittenOutInFull() {
        assertThatThrownBy(() -> read("1E999999999")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read("1E-1001")).isInstanceOf(IOException.class);
    }

    @Test
    void numbersWithinTheLimit_areReadAndWrittenBack() throws IOException {
        assertThat(new String(json.write(read("1E1000")), StandardCharsets.UTF_8)).contains("1" + "0".repeat(1000));
        assertThat(new String(json.write(read("172.5")), StandardCharsets.UTF_8)).contains("\"value\":172.5");
        assertThat(new String(json.write(read("0.0000001")), StandardCharsets.UTF_8)).contains("0.0000001");
    }
}
