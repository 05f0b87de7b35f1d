package io.punctual.bench.headline;

/** A step of the headline benchmarks that may throw: a benchmark, one round of a warm-up, or what runs when a measured part begins. */
@FunctionalInterface
interface Step {
    void run() throws Exception;
}
