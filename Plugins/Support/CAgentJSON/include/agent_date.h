/*
 * agent_date.h — proleptic Gregorian calendar dates as day numbers, for the C plugins.
 * No clock is ever read: dates come from the campaign or from fixed defaults.
 */
#ifndef AGENT_DATE_H
#define AGENT_DATE_H

#ifdef __cplusplus
extern "C" {
#endif

/** Days since 1970-01-01 of a civil date (month 1-12, day 1-31). */
long agent_date_days_from_civil(int year, int month, int day);
/** The civil date of a day number since 1970-01-01. */
void agent_date_civil_from_days(long days, int *year, int *month, int *day);
/**
 * Parses "YYYY-MM-DD" into a day number. Returns 0 on success, -1 when `text` is NULL or
 * not a valid date (month 1-12, day within the month).
 */
int agent_date_parse(const char *text, long *days);
/** Formats a day number as "YYYY-MM-DD" into `out` (at least 11 bytes). */
void agent_date_format(long days, char *out);
/** Formats a day number as the iCalendar DATE "YYYYMMDD" into `out` (at least 9 bytes). */
void agent_date_format_compact(long days, char *out);
/** Day of week of a day number: 0 = Monday ... 6 = Sunday. */
int agent_date_weekday(long days);
/** English weekday name ("Monday") of a day number. */
const char *agent_date_weekday_name(long days);

#ifdef __cplusplus
}
#endif

#endif /* AGENT_DATE_H */
