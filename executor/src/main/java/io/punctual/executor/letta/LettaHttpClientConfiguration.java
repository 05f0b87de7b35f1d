package io.punctual.executor.letta;

import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.runtime.ApplicationConfiguration;
import io.punctual.executor.config.ExecutorSettings;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * The Netty client's settings for Letta calls, derived from the executor's settings so that the pool can
 * hold every request the executor lets into flight and no client-side limit is tighter than ours.
 */
@Singleton
public class LettaHttpClientConfiguration extends HttpClientConfiguration {
    private final ConnectionPoolConfiguration pool = new ConnectionPoolConfiguration();

    public LettaHttpClientConfiguration(ApplicationConfiguration application, ExecutorSettings settings) {
        super(application);
        pool.setEnabled(true);
        pool.setMaxConcurrentHttp1Connections(settings.maxInFlight());
        // Opening connections in parallel matters at start and after an idle period, when a whole batch arrives at once.
        pool.setMaxPendingConnections(settings.maxInFlight());
        // The executor's own limiter queues; the pool must never refuse a request that got past it.
        pool.setMaxPendingAcquires(Integer.MAX_VALUE);
        setConnectTimeout(Duration.ofSeconds(10));
        // The request timeout bounds the whole exchange, connection included. A synchronous Letta call returns
        // when the agent has finished its steps, which may take far longer than the client's default 10 s read
        // timeout, so that one is raised to the same bound.
        setRequestTimeout(settings.requestTimeout());
        setReadTimeout(settings.requestTimeout());
        setConnectionPoolIdleTimeout(Duration.ofSeconds(60));
        // The delivery client has its own event loop (see DeliveryHttpClient): one thread per core, as Micronaut's
        // shared one has, rather than Netty's default of two per core.
        setNumOfThreads(Runtime.getRuntime().availableProcessors());
        // Non-2xx answers are outcomes to record, not errors; and a redirect must not carry the bearer key elsewhere.
        setExceptionOnErrorStatus(false);
        setFollowRedirects(false);
    }

    @Override
    public ConnectionPoolConfiguration getConnectionPoolConfiguration() {
        return pool;
    }
}
