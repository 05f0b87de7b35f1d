package io.punctual.cadence;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;

/**
 * The DST rule of the schedule model, for every cadence expressed in local time: a local time that does not exist
 * (spring forward) is the first instant after the gap, i.e. the transition itself; a local time that exists twice
 * (fall back) is its first occurrence, so it fires once.
 */
final class LocalTimes {
    private LocalTimes() {
    }

    static Instant toInstant(LocalDateTime local, ZoneId zone) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition == null) {
            return local.atZone(zone).toInstant();
        }
        if (transition.isGap()) {
            // java.time would move the local time forward by the gap's length (02:30 to 03:30); the rule says 03:00.
            return transition.getInstant();
        }
        return local.atOffset(transition.getOffsetBefore()).toInstant();
    }
}
