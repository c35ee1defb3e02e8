package org.starttls4j.resolvers;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.starttls4j.mtasts.StsPolicy;
import org.starttls4j.mtasts.StsProblem;
import org.starttls4j.text.Parsed;
import org.starttls4j.tlsrpt.ResultType;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} as RFC 8461 §3.3 says: the
 * server's certificate must be valid for {@code mta-sts.<domain>} under the Web PKI (the JDK's
 * trust anchors unless another {@link SSLContext} is given), redirects are not followed, only a
 * {@code 200} with a {@code text/plain} body counts, the body is read up to
 * {@link StsPolicy#MAX_BYTES} and no further, and the whole fetch, connection included, ends after
 * a time limit (60 seconds by default, the RFC's example).
 */
public final class MtaStsFetcher {

    private final HttpClient client;
    private final Duration timeout;
    private final int port;

    private MtaStsFetcher(Builder b) {
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(b.timeout)
                .sslContext(b.sslContext)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.timeout = b.timeout;
        this.port = b.port;
    }

    /**
     * A builder with the RFC's defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The policy URI of a domain.
     *
     * @param domain the recipient domain
     * @return {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (with the port when not 443)
     */
    public URI policyUri(String domain) {
        return URI.create("https://mta-sts." + domain + (port == 443 ? "" : ":" + port) + "/.well-known/mta-sts.txt");
    }

    /**
     * Fetches and parses a domain's policy. Blocks for at most the time limit.
     *
     * @param domain the recipient domain (one trailing dot, as in an absolute name, is left out)
     * @return the policy, or why there is none: {@link ResultType#STS_WEBPKI_INVALID} when the HTTPS
     *         server's certificate was rejected, {@link ResultType#STS_POLICY_INVALID} for a body that is
     *         not a valid policy, {@link ResultType#STS_POLICY_FETCH_ERROR} for everything else (no
     *         connection, a status other than 200, a redirect, a timeout), each with a human-readable detail
     */
    public Parsed<StsPolicy, ResultType> fetch(String domain) {
        URI uri;
        HttpRequest request;
        try {
            // java.net.http refuses a URI without a server-based host (an underscore, a U-label, a
            // bad hyphen) by throwing; a recipient domain is the sender's peer's text, so it is a value here
            String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty");
            }
            uri = policyUri(name.toLowerCase(Locale.ROOT));
            request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "text/plain").GET().build();
        } catch (IllegalArgumentException e) {
            return Parsed.invalid(ResultType.STS_POLICY_FETCH_ERROR, "not a domain name: " + Parsed.excerpt(domain));
        }
        CompletableFuture<HttpResponse<Body>> pending = client.sendAsync(request, response -> new Bounded(StsPolicy.MAX_BYTES));
        HttpResponse<Body> response;
        try {
            response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return Parsed.invalid(ResultType.STS_POLICY_FETCH_ERROR, uri + ": no complete answer within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.cancel(true);
            return Parsed.invalid(ResultType.STS_POLICY_FETCH_ERROR, uri + ": interrupted");
        } catch (ExecutionException e) {
            return failure(uri, e.getCause());
        }
        if (response.statusCode() != 200) {
            String redirect = response.statusCode() / 100 == 3 ? " (redirects are not followed, RFC 8461 §3.3)" : "";
            return Parsed.invalid(ResultType.STS_POLICY_FETCH_ERROR, uri + ": HTTP status " + response.statusCode() + redirect);
        }
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.equals("text/plain") && !type.startsWith("text/plain;") && !type.startsWith("text/plain ")) {
            return Parsed.invalid(ResultType.STS_POLICY_INVALID, uri + ": media type is not text/plain: " + Parsed.excerpt(type));
        }
        Body body = response.body();
        if (body.truncated()) {
            return Parsed.invalid(ResultType.STS_POLICY_INVALID, uri + ": body longer than " + StsPolicy.MAX_BYTES + " bytes");
        }
        Parsed<StsPolicy, StsProblem> policy = StsPolicy.parse(body.bytes());
        if (policy instanceof Parsed.Invalid<StsPolicy, StsProblem> invalid) {
            return Parsed.invalid(ResultType.STS_POLICY_INVALID, uri + ": " + invalid.problem() + ": " + invalid.detail());
        }
        return Parsed.valid(policy.valid().orElseThrow());
    }

    private static Parsed<StsPolicy, ResultType> failure(URI uri, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                return Parsed.invalid(ResultType.STS_WEBPKI_INVALID, uri + ": " + t.getMessage());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Parsed.invalid(ResultType.STS_POLICY_FETCH_ERROR, uri + ": " + cause);
    }

    /** A body read up to a bound; the rest is cancelled, never buffered. */
    private record Body(byte[] bytes, boolean truncated) {
    }

    private static final class Bounded implements HttpResponse.BodySubscriber<Body> {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Bounded(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                int n = b.remaining();
                if (bytes.size() + n > limit) {
                    subscription.cancel();
                    result.complete(new Body(new byte[0], true));
                    return;
                }
                byte[] chunk = new byte[n];
                b.get(chunk);
                bytes.write(chunk, 0, n);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(new Body(bytes.toByteArray(), false));
        }
    }

    /** Builds a {@link MtaStsFetcher}. */
    public static final class Builder {
        private Duration timeout = Duration.ofSeconds(60);
        private SSLContext sslContext;
        private int port = 443;

        private Builder() {
            try {
                sslContext = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no default SSLContext", e);
            }
        }

        /**
         * The limit on one fetch, connection and body included; default 60 seconds.
         *
         * @param value the limit
         * @return this builder
         */
        public Builder timeout(Duration value) {
            this.timeout = Objects.requireNonNull(value, "timeout");
            return this;
        }

        /**
         * The TLS context whose trust anchors judge the policy server; default the JDK's (the Web
         * PKI). Hostname verification stays on whatever the context.
         *
         * @param value the context
         * @return this builder
         */
        public Builder sslContext(SSLContext value) {
            this.sslContext = Objects.requireNonNull(value, "sslContext");
            return this;
        }

        /**
         * The HTTPS port; 443 unless a test serves policies elsewhere.
         *
         * @param value the port
         * @return this builder
         */
        public Builder port(int value) {
            if (value < 1 || value > 65535) {
                throw new IllegalArgumentException("not a port: " + value);
            }
            this.port = value;
            return this;
        }

        /**
         * The fetcher.
         *
         * @return a new fetcher
         */
        public MtaStsFetcher build() {
            return new MtaStsFetcher(this);
        }
    }
}
