package io.punctual.gateway;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * Every {@code punctual.gateway.*} setting with its default, written here once (the schedule size limits the planner
 * checks too are in {@code SharedConfig.ScheduleLimits}). Each key is a Micronaut property, so the upper-cased,
 * underscored environment variable overrides it ({@code PUNCTUAL_GATEWAY_RATE_LIMIT_PER_SECOND}). The README's
 * configuration tables list them; {@code ReadmeConfigurationTest} keeps the two in step.
 */
@ConfigurationProperties("punctual.gateway")
public class GatewayConfig {
    /** How long a write waits for the planner's result. */
    private Duration commandTimeout = Duration.ofSeconds(10);
    /** How long an Idempotency-Key of a create is remembered. */
    private Duration idempotencyTtl = Duration.ofHours(24);
    /** Most Idempotency-Keys a gateway instance remembers (least used evicted first). */
    private long idempotencyMaxEntries = 200_000;
    /** Directory of the read views (RocksDB), kept across restarts so a restart resumes, not replays; empty: a temporary one. */
    private String stateDir;
    private Auth auth = new Auth();
    private RateLimit rateLimit = new RateLimit();
    private Runs runs = new Runs();
    private ReadBarrier readBarrier = new ReadBarrier();

    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    public Duration getIdempotencyTtl() {
        return idempotencyTtl;
    }

    public void setIdempotencyTtl(Duration idempotencyTtl) {
        this.idempotencyTtl = idempotencyTtl;
    }

    public long getIdempotencyMaxEntries() {
        return idempotencyMaxEntries;
    }

    public void setIdempotencyMaxEntries(long idempotencyMaxEntries) {
        this.idempotencyMaxEntries = idempotencyMaxEntries;
    }

    public String getStateDir() {
        return stateDir;
    }

    public void setStateDir(String stateDir) {
        this.stateDir = stateDir;
    }

    public Auth getAuth() {
        return auth;
    }

    public void setAuth(Auth auth) {
        this.auth = auth;
    }

    public RateLimit getRateLimit() {
        return rateLimit;
    }

    public void setRateLimit(RateLimit rateLimit) {
        this.rateLimit = rateLimit;
    }

    public Runs getRuns() {
        return runs;
    }

    public void setRuns(Runs runs) {
        this.runs = runs;
    }

    public ReadBarrier getReadBarrier() {
        return readBarrier;
    }

    public void setReadBarrier(ReadBarrier readBarrier) {
        this.readBarrier = readBarrier;
    }


    /** {@code punctual.gateway.auth.*}: how Letta keys are verified and their verdicts remembered. */
    @ConfigurationProperties("auth")
    public static class Auth {
        /** How long a key Letta accepted is trusted before it is checked again. */
        private Duration validTtl = Duration.ofMinutes(5);
        /** How long a key Letta refused is refused without asking again. */
        private Duration invalidTtl = Duration.ofSeconds(30);
        /** Most accepted keys (tenants) whose verdict an instance remembers. */
        private long maxAcceptedKeys = 100_000;
        /** Most refused keys whose verdict an instance remembers. */
        private long maxRefusedKeys = 10_000;
        private UnknownKeys unknownKeys = new UnknownKeys();

        public Duration getValidTtl() {
            return validTtl;
        }

        public void setValidTtl(Duration validTtl) {
            this.validTtl = validTtl;
        }

        public Duration getInvalidTtl() {
            return invalidTtl;
        }

        public void setInvalidTtl(Duration invalidTtl) {
            this.invalidTtl = invalidTtl;
        }

        public long getMaxAcceptedKeys() {
            return maxAcceptedKeys;
        }

        public void setMaxAcceptedKeys(long maxAcceptedKeys) {
            this.maxAcceptedKeys = maxAcceptedKeys;
        }

        public long getMaxRefusedKeys() {
            return maxRefusedKeys;
        }

        public void setMaxRefusedKeys(long maxRefusedKeys) {
            this.maxRefusedKeys = maxRefusedKeys;
        }

        public UnknownKeys getUnknownKeys() {
            return unknownKeys;
        }

        public void setUnknownKeys(UnknownKeys unknownKeys) {
            this.unknownKeys = unknownKeys;
        }


        /** {@code punctual.gateway.auth.unknown-keys.*}: the budget of Letta checks of keys not verified yet. */
        @ConfigurationProperties("unknown-keys")
        public static class UnknownKeys {
            /** Checks per second over all clients (token bucket refill; 0: no global budget). */
            private double perSecond = 20;
            /** Burst of such checks over all clients. */
            private double burst = 100;
            /** Checks per second from one client address (0: no per-address budget). */
            private double perAddressPerSecond = 1;
            /** Burst of such checks from one client address. */
            private double perAddressBurst = 10;

            public double getPerSecond() {
                return perSecond;
            }

            public void setPerSecond(double perSecond) {
                this.perSecond = perSecond;
            }

            public double getBurst() {
                return burst;
            }

            public void setBurst(double burst) {
                this.burst = burst;
            }

            public double getPerAddressPerSecond() {
                return perAddressPerSecond;
            }

            public void setPerAddressPerSecond(double perAddressPerSecond) {
                this.perAddressPerSecond = perAddressPerSecond;
            }

            public double getPerAddressBurst() {
                return perAddressBurst;
            }

            public void setPerAddressBurst(double perAddressBurst) {
                this.perAddressBurst = perAddressBurst;
            }
        }
    }

    /** {@code punctual.gateway.rate-limit.*}: a token bucket per tenant, per gateway replica. */
    @ConfigurationProperties("rate-limit")
    public static class RateLimit {
        /** Sustained requests per second one tenant may make (refill rate; 0 turns the limit off). */
        private double perSecond = 100;
        /** Requests one tenant may make in a burst (bucket size). */
        private double burst = 200;
        /** Most rate-limit buckets (tenants, client addresses) a gateway instance keeps. */
        private long maxBuckets = 100_000;

        public double getPerSecond() {
            return perSecond;
        }

        public void setPerSecond(double perSecond) {
            this.perSecond = perSecond;
        }

        public double getBurst() {
            return burst;
        }

        public void setBurst(double burst) {
            this.burst = burst;
        }

        public long getMaxBuckets() {
            return maxBuckets;
        }

        public void setMaxBuckets(long maxBuckets) {
            this.maxBuckets = maxBuckets;
        }
    }

    /** {@code punctual.gateway.runs.*}: how much run history the gateway's view keeps. */
    @ConfigurationProperties("runs")
    public static class Runs {
        /** How long runs are kept (by their scheduled time). */
        private Duration maxAge = Duration.ofDays(30);
        /** Most runs (attempts) kept per schedule. */
        private int maxPerSchedule = 500;
        /** How often the run history is swept for runs past their age or count. */
        private Duration sweepInterval = Duration.ofMinutes(5);

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }

        public int getMaxPerSchedule() {
            return maxPerSchedule;
        }

        public void setMaxPerSchedule(int maxPerSchedule) {
            this.maxPerSchedule = maxPerSchedule;
        }

        public Duration getSweepInterval() {
            return sweepInterval;
        }

        public void setSweepInterval(Duration sweepInterval) {
            this.sweepInterval = sweepInterval;
        }
    }

    /** {@code punctual.gateway.read-barrier.*}: how a read waits for the view to reach the topic's end. */
    @ConfigurationProperties("read-barrier")
    public static class ReadBarrier {
        /**
         * Least time between two end-offset look-ups (reads in between share the next one). A read waits for up to
         * this plus two look-ups: at 5 ms a lone GET took 6 ms at the median, at 1 ms under 4 ms.
         */
        private Duration interval = Duration.ofMillis(1);
        /** Longest a read waits before answering 503. */
        private Duration timeout = Duration.ofSeconds(5);

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }
}
