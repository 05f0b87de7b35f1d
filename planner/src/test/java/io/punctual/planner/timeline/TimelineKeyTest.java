package io.punctual.planner.timeline;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NotEmpty;
import org.apache.kafka.common.utils.Bytes;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The scan relies on byte order of keys being time order, and on its upper bound splitting due from not due. */
class TimelineKeyTest {
    private static final long YEAR_3000 = 32_503_680_000_000L;

    @Property
    void roundTrips(@ForAll @LongRange(min = 0, max = YEAR_3000) long millis, @ForAll @NotEmpty String id) {
        TimelineKey key = new TimelineKey(Instant.ofEpochMilli(millis), id);

        assertThat(TimelineKey.fromBytes(key.toBytes())).isEqualTo(key);
    }

    @Property
    void bytesSortByTimeFirst(@ForAll @LongRange(min = 0, max = YEAR_3000) long a, @ForAll @NotEmpty String idA,
                              @ForAll @LongRange(min = 0, max = YEAR_3000) long b, @ForAll @NotEmpty String idB) {
        Bytes keyA = new TimelineKey(Instant.ofEpochMilli(a), idA).toBytes();
        Bytes keyB = new TimelineKey(Instant.ofEpochMilli(b), idB).toBytes();

        if (a != b) {
            assertThat(Integer.signum(keyA.compareTo(keyB))).isEqualTo(Long.signum(a - b));
        }
    }

    @Property
    void theScanBoundsHoldExactlyTheDueKeys(@ForAll @LongRange(min = 0, max = YEAR_3000) long fireAt, @ForAll @NotEmpty String id,
                                            @ForAll @LongRange(min = 0, max = YEAR_3000) long now) {
        Bytes key = new TimelineKey(Instant.ofEpochMilli(fireAt), id).toBytes();
        boolean inRange = key.compareTo(TimelineKey.start()) >= 0 && key.compareTo(TimelineKey.endOfMillisecond(Instant.ofEpochMilli(now))) <= 0;

        assertThat(inRange).isEqualTo(fireAt <= now);
    }

    @Property
    void theScanBoundsHoldTheKeysOfTheSameMillisecond(@ForAll @LongRange(min = 0, max = YEAR_3000) long now, @ForAll @NotEmpty String id) {
        Bytes key = new TimelineKey(Instant.ofEpochMilli(now), id).toBytes();

        assertThat(key.compareTo(TimelineKey.endOfMillisecond(Instant.ofEpochMilli(now)))).isNegative();
        assertThat(new TimelineKey(Instant.ofEpochMilli(now + 1), id).toBytes().compareTo(TimelineKey.endOfMillisecond(Instant.ofEpochMilli(now))))
                .isPositive();
    }
}
