package io.punctual.executor.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.punctual.kernel.webhook.WebhookUrlPolicy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every {@code punctual.executor.*} setting with its default, written here once; the settings records the code
 * uses ({@link ExecutorSettings}, {@link DeliverySettings}, {@link RunSettings}) are built from it. Each key is a
 * Micronaut property, so the upper-cased, underscored environment variable overrides it
 * ({@code PUNCTUAL_EXECUTOR_MAX_IN_FLIGHT}). The README's configuration tables list them; {@code ReadmeConfigurationTest}
 * keeps the two in step.
 */
@ConfigurationProperties("punctual.executor")
public class ExecutorConfig {
    /** Consumer group shared by every executor instance. */
    private String groupId = "punctual-executor";
    /** Unique per running instance (it names the transactional producer); empty: host name + random suffix. */
    private String instanceId;
    /** Static group membership (group.instance.id = the instance id), for executors with stable ids (StatefulSet). */
    private boolean staticMembership;
    /** Letta requests in flight at once, over all agents. */
    private int maxInFlight = 64;
    /** How long one request may take before it counts as failed. */
    private Duration requestTimeout = Duration.ofSeconds(30);
    /** Most due events one poll (one batch, one transaction) takes: Kafka's max.poll.records. */
    private int maxPollRecords = 500;
    /** Most characters of a synchronous Letta reply kept in the result. */
    private int replyMaxChars = 4000;
    /** Comma-separated Letta base URLs a schedule may name besides the deployment's own. */
    private String lettaAllowedBaseUrls = "";
    private Retry retry = new Retry();
    private Dedup dedup = new Dedup();
    private Runs runs = new Runs();

    /** The executor's own settings; {@code defaultLettaBaseUrl} is the deployment's {@code punctual.letta.base-url}. */
    public ExecutorSettings executorSettings(String defaultLettaBaseUrl) {
        return new ExecutorSettings(groupId, configuredInstanceId().orElseGet(InstanceIds::generate), maxInFlight, requestTimeout,
                defaultLettaBaseUrl);
    }

    public DeliverySettings deliverySettings() {
        return new DeliverySettings(maxPollRecords, retry.baseDelay, retry.maxDelay, replyMaxChars,
                List.copyOf(WebhookUrlPolicy.hostList(lettaAllowedBaseUrls)), dedup.capacity, dedup.restoreWindow);
    }

    public RunSettings runSettings() {
        return new RunSettings(runs.pollInitial, runs.pollMax, runs.followLimit, runs.maxLookupsInFlight, runs.maxWait);
    }

    /** The instance id if one is configured (not blank). */
    public Optional<String> configuredInstanceId() {
        return Optional.ofNullable(instanceId).filter(id -> !id.isBlank());
    }

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public boolean isStaticMembership() {
        return staticMembership;
    }

    public void setStaticMembership(boolean staticMembership) {
        this.staticMembership = staticMembership;
    }

    public int getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public int getMaxPollRecords() {
        return maxPollRecords;
    }

    public void setMaxPollRecords(int maxPollRecords) {
        this.maxPollRecords = maxPollRecords;
    }

    public int getReplyMaxChars() {
        return replyMaxChars;
    }

    public void setReplyMaxChars(int replyMaxChars) {
        this.replyMaxChars = replyMaxChars;
    }

    public String getLettaAllowedBaseUrls() {
        return lettaAllowedBaseUrls;
    }

    public void setLettaAllowedBaseUrls(String lettaAllowedBaseUrls) {
        this.lettaAllowedBaseUrls = lettaAllowedBaseUrls;
    }

    public Retry getRetry() {
        return retry;
    }

    public void setRetry(Retry retry) {
        this.retry = retry;
    }

    public Dedup getDedup() {
        return dedup;
    }

    public void setDedup(Dedup dedup) {
        this.dedup = dedup;
    }

    public Runs getRuns() {
        return runs;
    }

    public void setRuns(Runs runs) {
        this.runs = runs;
    }

    /** {@code punctual.executor.retry.*}: exponential backoff with full jitter (the delay is drawn in [0, step]). */
    @ConfigurationProperties("retry")
    public static class Retry {
        /** First step of the backoff. */
        private Duration baseDelay = Duration.ofSeconds(1);
        /** Cap of one backoff step. */
        private Duration maxDelay = Duration.ofMinutes(5);

        public Duration getBaseDelay() {
            return baseDelay;
        }

        public void setBaseDelay(Duration baseDelay) {
            this.baseDelay = baseDelay;
        }

        public Duration getMaxDelay() {
            return maxDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }
    }

    /** {@code punctual.executor.dedup.*}: the finished fire ids remembered, so a due event seen again is not delivered again. */
    @ConfigurationProperties("dedup")
    public static class Dedup {
        /** Fire ids (with attempt) remembered as finished. */
        private int capacity = 100_000;
        /** How far back punctual.results is read at start to restore them. */
        private Duration restoreWindow = Duration.ofHours(1);

        public int getCapacity() {
            return capacity;
        }

        public void setCapacity(int capacity) {
            this.capacity = capacity;
        }

        public Duration getRestoreWindow() {
            return restoreWindow;
        }

        public void setRestoreWindow(Duration restoreWindow) {
            this.restoreWindow = restoreWindow;
        }
    }

    /** {@code punctual.executor.runs.*}: how Letta runs are followed, and how long a fire waits for its agent's previous run. */
    @ConfigurationProperties("runs")
    public static class Runs {
        /** First wait before a followed run is looked up; the wait doubles up to {@code poll-max}. */
        private Duration pollInitial = Duration.ofSeconds(1);
        /** Longest wait between two look-ups of one followed run. */
        private Duration pollMax = Duration.ofSeconds(30);
        /** How long a run is followed before it is recorded as unknown. */
        private Duration followLimit = Duration.ofMinutes(30);
        /** Most run look-ups in flight at once (per executor). */
        private int maxLookupsInFlight = 64;
        /** How long a fire waits for its agent's previous run before it is delivered anyway (marked overlapped). */
        private Duration maxWait = Duration.ofMinutes(10);

        public Duration getPollInitial() {
            return pollInitial;
        }

        public void setPollInitial(Duration pollInitial) {
            this.pollInitial = pollInitial;
        }

        public Duration getPollMax() {
            return pollMax;
        }

        public void setPollMax(Duration pollMax) {
            this.pollMax = pollMax;
        }

        public Duration getFollowLimit() {
            return followLimit;
        }

        public void setFollowLimit(Duration followLimit) {
            this.followLimit = followLimit;
        }

        public int getMaxLookupsInFlight() {
            return maxLookupsInFlight;
        }

        public void setMaxLookupsInFlight(int maxLookupsInFlight) {
            this.maxLookupsInFlight = maxLookupsInFlight;
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }
    }
}
