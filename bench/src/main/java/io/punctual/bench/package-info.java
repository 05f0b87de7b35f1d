/**
 * Benchmarks, by capability: {@code bench.planner}, {@code bench.executor}, {@code bench.gateway}. JMH benchmarks run
 * with {@code java -jar bench/target/benchmarks.jar}; load drivers have their own main classes (see bench/README.md).
 */
package io.punctual.bench;
