package org.disclosureguard.gateway;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The servlet response HAPI writes to, which the guard can close for good once it has written its own answer.
 * After {@link #seal()}, status, header and body changes are ignored, so that nothing HAPI does afterwards
 * (its default exception handler writing a second OperationOutcome, for example) can change or extend the
 * answer that left. One instance per request; not thread-safe, like the response it wraps.
 *
 * <p>Why it exists: a {@code SERVER_HANDLE_EXCEPTION} hook that answers itself and returns {@code false} makes
 * HAPI FHIR 8.8 log the already answered exception as an ERROR with its stack trace
 * ({@code HAPI-2544}), one per refused request. With the answer sealed, the hook returns {@code true} and HAPI's
 * own handling runs against a response that no longer accepts anything.
 */
final class AnsweredResponse extends HttpServletResponseWrapper {

    private boolean sealed;

    AnsweredResponse(HttpServletResponse response) {
        super(response);
    }

    /** Ignores every later change to this response. */
    void seal() {
        sealed = true;
    }

    /** Whether the guard has answered. */
    boolean sealed() {
        return sealed;
    }

    /** Seals a response if it is one of these; any other response is left as it is. */
    static void seal(HttpServletResponse response) {
        if (response instanceof AnsweredResponse answered) {
            answered.seal();
        }
    }

    @Override
    public void setStatus(int status) {
        if (!sealed) {
            super.setStatus(status);
        }
    }

    @Override
    public void sendError(int status) throws IOException {
        if (!sealed) {
            super.sendError(status);
        }
    }

    @Override
    public void sendError(int status, String message) throws IOException {
        if (!sealed) {
            super.sendError(status, message);
        }
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        if (!sealed) {
            super.sendRedirect(location);
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if (!sealed) {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (!sealed) {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        if (!sealed) {
            super.setIntHeader(name, value);
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        if (!sealed) {
            super.addIntHeader(name, value);
        }
    }

    @Override
    public void setDateHeader(String name, long value) {
        if (!sealed) {
            super.setDateHeader(name, value);
        }
    }

    @Override
    public void addDateHeader(String name, long value) {
        if (!sealed) {
            super.addDateHeader(name, value);
        }
    }

    @Override
    public void setContentType(String type) {
        if (!sealed) {
            super.setContentType(type);
        }
    }

    @Override
    public void setContentLength(int length) {
        if (!sealed) {
            super.setContentLength(length);
        }
    }

    @Override
    public void setContentLengthLong(long length) {
        if (!sealed) {
            super.setContentLengthLong(length);
        }
    }

    @Override
    public void setCharacterEncoding(String charset) {
        if (!sealed) {
            super.setCharacterEncoding(charset);
        }
    }

    @Override
    public void setLocale(Locale locale) {
        if (!sealed) {
            super.setLocale(locale);
        }
    }

    @Override
    public void setBufferSize(int size) {
        if (!sealed) {
            super.setBufferSize(size);
        }
    }

    @Override
    public void reset() {
        if (!sealed) {
            super.reset();
        }
    }

    @Override
    public void resetBuffer() {
        if (!sealed) {
            super.resetBuffer();
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        return sealed ? Discarding.INSTANCE : super.getOutputStream();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        return sealed ? new PrintWriter(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8)
                : super.getWriter();
    }

    /** The body of a sealed response: accepts bytes and drops them. */
    private static final class Discarding extends ServletOutputStream {

        static final Discarding INSTANCE = new Discarding();

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            throw new IllegalStateException("The guard's answer has been written; asynchronous writes are not used.");
        }

        @Override
        public void write(int b) {
            // dropped: the answer has left
        }

        @Override
        public void write(byte[] b, int off, int len) {
            // dropped: the answer has left
        }
    }
}
