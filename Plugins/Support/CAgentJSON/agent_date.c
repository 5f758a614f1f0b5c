/*
 * agent_date.c — civil date arithmetic (Howard Hinnant's days_from_civil algorithms).
 */
#include "agent_date.h"

#include <stdio.h>
#include <string.h>

long agent_date_days_from_civil(int year, int month, int day)
{
    long y = (long)year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void agent_date_civil_from_days(long z, int *year, int *month, int *day)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(y + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

static int agent_date_month_length(int year, int month)
{
    static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : lengths[month - 1];
}

int agent_date_parse(const char *text, long *days)
{
    int y, m, d;
    char extra;
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-') return -1;
    if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3) return -1;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > agent_date_month_length(y, m)) return -1;
    *days = agent_date_days_from_civil(y, m, d);
    return 0;
}

void agent_date_format(long days, char *out)
{
    int y, m, d;
    agent_date_civil_from_days(days, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m, d);
}

void agent_date_format_compact(long days, char *out)
{
    int y, m, d;
    agent_date_civil_from_days(days, &y, &m, &d);
    snprintf(out, 9, "%04d%02d%02d", y % 10000, m, d);
}

int agent_date_weekday(long days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    long w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

const char *agent_date_weekday_name(long days)
{
    static const char *names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    return names[agent_date_weekday(days)];
}
