package io.jrunc.state;

/**
 * RFC 3339 UTC timestamps with nanoseconds ("2026-11-24T17:00:09.123456789Z", Go's RFC3339Nano without
 * trailing-zero trimming). Hand-rolled: java.time's formatter loads ~80 classes on every CLI call.
 */
public final class Times {
    private Times() {}

    public static String now() {
        java.time.Instant t = java.time.Instant.now();
        return format(t.getEpochSecond(), t.getNano());
    }

    public static String format(long epochSecond, int nanos) {
        long days = Math.floorDiv(epochSecond, 86400);
        long secs = Math.floorMod(epochSecond, 86400);
        // civil_from_days (H. Hinnant): proleptic Gregorian date of a day count since 1970-01-01
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        if (m <= 2) y++;
        StringBuilder sb = new StringBuilder(30);
        pad(sb, y, 4).append('-');
        pad(sb, m, 2).append('-');
        pad(sb, d, 2).append('T');
        pad(sb, secs / 3600, 2).append(':');
        pad(sb, secs / 60 % 60, 2).append(':');
        pad(sb, secs % 60, 2).append('.');
        pad(sb, nanos, 9).append('Z');
        return sb.toString();
    }

    private static StringBuilder pad(StringBuilder sb, long v, int width) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) sb.append('0');
        return sb.append(s);
    }
}
