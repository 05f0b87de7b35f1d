package io.punctual.gateway.v1;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class IsoInstantsTest {

    @Property(tries = 5000)
    void writesWhatInstantToStringWrites(@ForAll @LongRange(min = -100_000_000_000L, max = 300_000_000_000L) long seconds,
                                         @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
                                         @ForAll @IntRange(min = 0, max = 3) int precision) {
        // Whole milli- and microseconds and whole seconds are the common cases; keep them as likely as any nanosecond.
        int rounded = precision == 0 ? 0 : precision == 1 ? nanos / 1_000_000 * 1_000_000 : precision == 2 ? nanos / 1000 * 1000 : nanos;
        Instant time = Instant.ofEpochSecond(seconds, rounded);
        assertThat(IsoInstants.format(time)).isEqualTo(time.toString());
    }

    @Test
    void edges() {
        for (Instant time : new Instant[]{Instant.EPOCH, Instant.ofEpochSecond(0, 1), Instant.ofEpochSecond(951_782_400L),
                Instant.parse("2000-02-29T23:59:59.999Z"), Instant.parse("2024-12-31T23:59:59.999999Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.ofEpochSecond(-1), Instant.MIN, Instant.MAX}) {
            assertThat(IsoInstants.format(time)).isEqualTo(time.toString());
        }
        assertThat(IsoInstants.format(null)).isNull();
    }
}
