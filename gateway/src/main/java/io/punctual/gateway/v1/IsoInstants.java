package io.punctual.gateway.v1;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * {@link Instant#toString()} without its formatter: the same text (ISO-8601 in UTC, fractions in groups of three
 * digits, none when zero) written straight into a char array. A page of 50 schedules renders about 600 times, and
 * {@code Instant.toString} was the largest allocation of the read path (a formatter context and builder per call).
 * Years outside 1970–9999 take {@code Instant.toString} itself.
 */
final class IsoInstants {
    /** 10000-01-01T00:00:00Z: from here on {@code Instant.toString} writes a sign and more digits. */
    private static final long YEAR_10000 = 253_402_300_800L;

    private IsoInstants() {
    }

    /** Longest text {@link #write} produces: 2026-01-01T00:00:00.123456789Z. */
    static final int MAX_LENGTH = 30;

    static @Nullable String format(@Nullable Instant time) {
        if (time == null) {
            return null;
        }
        char[] out = new char[MAX_LENGTH];
        int length = write(time, out);
        return length < 0 ? time.toString() : new String(out, 0, length);
    }

    /**
     * Writes the text into {@code out} (at least {@link #MAX_LENGTH} long) and returns its length, or -1 for a year
     * outside 1970–9999 (take {@code Instant.toString}). A page's writer reuses one array for all its instants.
     */
    static int write(Instant time, char[] out) {
        long seconds = time.getEpochSecond();
        if (seconds < 0 || seconds >= YEAR_10000) {
            return -1;
        }
        int nanos = time.getNano();
        int fraction = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1000 == 0 ? 6 : 9;
        long days = seconds / 86_400;
        int secondOfDay = (int) (seconds % 86_400);
        // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted), for days >= 0.
        long z = days + 719_468;
        long era = z / 146_097;
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthIndex = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        int at = 19;
        if (fraction > 0) {
            out[at++] = '.';
            digits(out, at, nanos / pow10(9 - fraction), fraction);
            at += fraction;
        }
        out[at] = 'Z';
        return at + 1;
    }

    private static int pow10(int n) {
        return n == 0 ? 1 : n == 3 ? 1000 : 1_000_000;
    }

    /** Writes {@code value} as exactly {@code width} decimal digits, zero-padded, at {@code from}. */
    private static void digits(char[] out, int from, int value, int width) {
        for (int i = from + width - 1; i >= from; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
