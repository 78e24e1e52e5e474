package org.disclosureguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** An answer held in pieces writes, hashes and copies out exactly the bytes of its pieces, in order. */
class AnswerBodyTest {

    private static final Random RANDOM = new Random(20261123L);

    @RepeatedTest(20)
    void pieces_writeHashAndCopyOutTheirBytesInOrder_seed20261123() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<AnswerBody.Piece> pieces = new ArrayList<>();
        for (int i = RANDOM.nextInt(6); i >= 0; i--) {
            byte[] bytes = new byte[RANDOM.nextInt(70_000)];
            RANDOM.nextBytes(bytes);
            int offset = bytes.length == 0 ? 0 : RANDOM.nextInt(bytes.length);
            int length = RANDOM.nextInt(bytes.length - offset + 1);
            pieces.add(new AnswerBody.Piece(bytes, offset, length));
            expected.write(bytes, offset, length);
        }
        AnswerBody body = AnswerBody.of(pieces);

        ByteArrayOutputStream written = new ByteArrayOutputStream();
        body.writeTo(written);
        assertThat(written.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(body.bytes()).isEqualTo(expected.toByteArray());
        assertThat(body.length()).isEqualTo(expected.size());
        assertThat(body.sha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(expected.toByteArray())));
    }

    @Test
    void aWholeArray_isHandedBackItself_notCopied() {
        byte[] bytes = "{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(AnswerBody.of(bytes).bytes()).isSameAs(bytes);
    }
}
