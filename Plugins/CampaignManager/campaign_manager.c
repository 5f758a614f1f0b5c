/*
 * campaign_manager.c — the `campaign_manager` agent (C): turns the planner's calendar into
 * an iCalendar file of publishing events (with the post texts from social_media), and
 * writes a campaign summary that checks every asset the schedule needs is present.
 *
 * Implementation notes: no clock is read. DTSTAMP is the campaign's start date at 00:00 UTC
 * and UIDs derive from the slug, the kind and the date, so re-running a campaign replaces
 * its events in a calendar client instead of duplicating them. An asset counts as present
 * when a dependency listed it among its artifacts and, when there is an artifacts folder,
 * the file exists there. The checks also carry the SEO agent's own checks (one failed SEO
 * check fails `seo_checks`) and every `worked_without` entry of the run (an agent that ran
 * without a failed dependency fails `dependencies`), so the summary never reads "all
 * passed" over a failure reported upstream.
 */
#include "agent_plugin.h"
#include "agent_date.h"
#include "agent_json.h"
#include "agent_plugin_support.h"
#include "ics.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define CM_MAX_CHECKS 64

typedef struct cm_check {
    char name[64];
    int passed;
    char detail[1024];
} cm_check;

typedef struct cm_state {
    const agent_json_value *input;
    const agent_json_value *inputs;
    const char *artifacts_dir;
    cm_check checks[CM_MAX_CHECKS];
    int check_count;
} cm_state;

static void cm_add_check(cm_state *st, const char *name, int passed, const char *detail)
{
    if (st->check_count >= CM_MAX_CHECKS) return;
    cm_check *c = &st->checks[st->check_count++];
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->detail, sizeof c->detail, "%s", detail);
    agent_json_utf8_trim(c->detail);
    c->passed = passed;
}

/* The output of dependency `name`, or NULL when absent or failed. */
static const agent_json_value *cm_dependency(const cm_state *st, const char *name)
{
    const agent_json_value *v = agent_json_get(st->inputs, name);
    if (!agent_json_is(v, AGENT_JSON_OBJECT) || agent_json_get(v, "error")) return NULL;
    return v;
}

/* Which dependency listed `asset` among its artifacts (NULL when none did). */
static const char *cm_asset_owner(const cm_state *st, const char *asset)
{
    for (size_t i = 0; i < agent_json_count(st->inputs); i++) {
        const agent_json_value *dep = st->inputs->items[i];
        if (agent_json_get(dep, "error")) continue;
        const agent_json_value *artifacts = agent_json_get(dep, "artifacts");
        for (size_t k = 0; k < agent_json_count(artifacts); k++)
            if (strcmp(agent_json_string(agent_json_at(artifacts, k), ""), asset) == 0) return st->inputs->keys[i];
    }
    return NULL;
}

/* Whether `asset` is present: produced by a dependency and, with a folder, on disk. */
static int cm_asset_present(const cm_state *st, const char *asset, char *detail, size_t size)
{
    const char *owner = cm_asset_owner(st, asset);
    if (!owner) {
        snprintf(detail, size, "%s was not produced by any dependency", asset);
        return 0;
    }
    if (st->artifacts_dir) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", st->artifacts_dir, asset);
        if (stat(path, &sb) != 0 || sb.st_size == 0) {
            snprintf(detail, size, "%s is listed by %s but missing or empty in the artifacts folder", asset, owner);
            return 0;
        }
    }
    snprintf(detail, size, "%s produced by %s", asset, owner);
    return 1;
}

/* Describes what to post for a social event of `kind`, from the social_media output. */
static void cm_social_description(agent_json_buffer *d, const agent_json_value *social, const char *kind)
{
    const agent_json_value *posts = agent_json_get(social, "posts");
    if (strcmp(kind, "social_thread") == 0) {
        const agent_json_value *thread = agent_json_get(social, "thread");
        for (size_t i = 0; i < agent_json_count(thread); i++) {
            agent_json_buffer_puts(d, agent_json_string(agent_json_get(agent_json_at(thread, i), "text"), ""));
            agent_json_buffer_puts(d, "\n\n");
        }
        return;
    }
    for (size_t i = 0; i < agent_json_count(posts); i++) {
        const agent_json_value *post = agent_json_at(posts, i);
        const char *platform = agent_json_string(agent_json_get(post, "platform"), "");
        if (strcmp(kind, "social_reminder") == 0 && strcmp(platform, "linkedin") != 0) continue;
        agent_json_buffer_printf(d, "[%s]\n%s\n\n", platform, agent_json_string(agent_json_get(post, "text"), ""));
    }
}

/* The SEO agent's own checks as one check: passed only when every one of them passed, the
 * failed ones named with their detail. Returns 0 when seo reported no checks. */
static int cm_seo_checks(cm_state *st, const agent_json_value *seo)
{
    const agent_json_value *checks = agent_json_get(seo, "checks");
    size_t total = agent_json_count(checks), passed = 0;
    if (total == 0) return 0;
    agent_json_buffer failed = {0};
    for (size_t i = 0; i < total; i++) {
        const agent_json_value *c = agent_json_at(checks, i);
        if (agent_json_bool(agent_json_get(c, "passed"), 0)) {
            passed++;
            continue;
        }
        agent_json_buffer_printf(&failed, "%s%s (%s)", failed.length ? "; " : "", agent_json_string(agent_json_get(c, "check"), "?"),
                                 agent_json_string(agent_json_get(c, "detail"), ""));
    }
    char detail[1024];
    if (passed == total)
        snprintf(detail, sizeof detail, "%zu of %zu SEO checks passed", passed, total);
    else
        snprintf(detail, sizeof detail, "%zu of %zu SEO checks passed; failed: %s", passed, total, failed.data ? failed.data : "");
    agent_json_buffer_free(&failed);
    cm_add_check(st, "seo_checks", passed == total, detail);
    return 1;
}

/* Appends to `list` the "agent without dependency (error)" of every `worked_without` entry
 * among the inputs and of every failed soft dependency of this agent; returns how many. The
 * entries are also written to `w` as this agent's own `worked_without`. */
static int cm_degradations(const cm_state *st, agent_json_buffer *list, agent_json_writer *w)
{
    int count = 0;
    agent_json_key(w, "worked_without");
    agent_json_begin_array(w);
    for (size_t i = 0; i < agent_json_count(st->inputs); i++) {
        const agent_json_value *dep = st->inputs->items[i];
        const agent_json_value *error = agent_json_get(dep, "error");
        if (error) {
            const char *text = agent_json_string(error, "failed");
            agent_json_buffer_printf(list, "%scampaign_manager worked without %s (%s)", count ? "; " : "", st->inputs->keys[i], text);
            agent_json_begin_object(w);
            agent_json_put_string(w, "agent", "campaign_manager");
            agent_json_put_string(w, "dependency", st->inputs->keys[i]);
            agent_json_put_string(w, "error", text);
            agent_json_put_string(w, "effect", "scheduled and checked the campaign without its output");
            agent_json_end_object(w);
            count++;
            continue;
        }
        const agent_json_value *entries = agent_json_get(dep, "worked_without");
        for (size_t k = 0; k < agent_json_count(entries); k++) {
            const agent_json_value *e = agent_json_at(entries, k);
            const char *agent = agent_json_string(agent_json_get(e, "agent"), "?");
            const char *without = agent_json_string(agent_json_get(e, "dependency"), "?");
            /* The same entry reaches us through several dependencies: list it once. */
            char needle[256];
            snprintf(needle, sizeof needle, "%s worked without %s ", agent, without);
            if (list->data && strstr(list->data, needle)) continue;
            agent_json_buffer_printf(list, "%s%s worked without %s (%s)", count ? "; " : "", agent, without,
                                     agent_json_string(agent_json_get(e, "error"), "failed"));
            agent_json_copy_value(w, e);
            count++;
        }
    }
    agent_json_end_array(w);
    return count;
}

static agent_status cm_error(agent_output *output, agent_json_value *input, const char *message)
{
    agent_json_free(input);
    agent_output_set_error(output, message);
    return AGENT_STATUS_ERROR;
}

static agent_status cm_run(void *state, const agent_host *host, const char *input_json, size_t input_length,
                           agent_output *output)
{
    (void)state;
    char message[4400];
    agent_json_value *input = agent_input_parse_object(input_json, input_length, "campaign_manager", output);
    if (!input) return AGENT_STATUS_ERROR;
    cm_state st;
    memset(&st, 0, sizeof st);
    st.input = input;
    st.inputs = agent_json_get(input, "inputs");
    st.artifacts_dir = agent_json_string(agent_json_get(input, "artifacts_dir"), NULL);
    const agent_json_value *campaign = agent_json_get(input, "campaign");
    const agent_json_value *planner = cm_dependency(&st, "planner");
    const agent_json_value *calendar = agent_json_get(planner, "calendar");
    if (agent_json_count(calendar) == 0)
        return cm_error(output, input, "campaign_manager: no calendar among the inputs (expected inputs.planner.calendar)");
    const agent_json_value *seo = agent_json_get(cm_dependency(&st, "seo"), "optimized_content");
    const agent_json_value *social = agent_json_get(cm_dependency(&st, "social_media"), "social_posts");
    const agent_json_value *image = agent_json_get(cm_dependency(&st, "image"), "cover_image");
    const char *title = agent_json_string(agent_json_get(seo, "seo_title"),
                                          agent_json_string(agent_json_path(planner, "content_strategy.title"),
                                                            agent_json_string(agent_json_get(campaign, "title"), "Campaign")));
    const char *slug = agent_json_string(agent_json_get(seo, "slug"), "campaign");
    const char *url = agent_json_string(agent_json_get(seo, "url"), NULL);
    long start;
    if (agent_date_parse(agent_json_string(agent_json_get(planner, "start_date"), "2025-03-03"), &start) != 0)
        return cm_error(output, input, "campaign_manager: inputs.planner.start_date is not a date of the form YYYY-MM-DD");
    char stamp[32], day[16];
    agent_date_format_compact(start, day);
    snprintf(stamp, sizeof stamp, "%sT000000Z", day);

    /* The calendar. */
    agent_json_buffer ics = {0};
    agent_ics_line(&ics, "BEGIN", "VCALENDAR");
    agent_ics_line(&ics, "VERSION", "2.0");
    agent_ics_line(&ics, "PRODID", "-//AgentHost//campaign_manager 1.0//EN");
    agent_ics_line(&ics, "CALSCALE", "GREGORIAN");
    agent_ics_line(&ics, "METHOD", "PUBLISH");
    agent_ics_text(&ics, "X-WR-CALNAME", title);
    size_t events = agent_json_count(calendar);
    int missing_assets = 0;
    agent_json_writer w = {0};
    agent_json_begin_object(&w);
    agent_json_key(&w, "campaign_schedule");
    agent_json_begin_object(&w);
    agent_json_put_string(&w, "title", title);
    if (url) agent_json_put_string(&w, "url", url);
    agent_json_put_string(&w, "calendar_file", "calendar.ics");
    agent_json_key(&w, "events");
    agent_json_begin_array(&w);
    agent_json_buffer table = {0};
    for (size_t i = 0; i < events; i++) {
        const agent_json_value *e = agent_json_at(calendar, i);
        const char *date = agent_json_string(agent_json_get(e, "date"), "");
        const char *kind = agent_json_string(agent_json_get(e, "kind"), "event");
        const char *channel = agent_json_string(agent_json_get(e, "channel"), "");
        const char *item = agent_json_string(agent_json_get(e, "item"), "Campaign event");
        const char *asset = agent_json_string(agent_json_get(e, "asset"), "");
        long d;
        if (agent_date_parse(date, &d) != 0) {
            snprintf(message, sizeof message, "campaign_manager: inputs.planner.calendar[%zu].date \"%.20s\" is not YYYY-MM-DD", i,
                     date);
            agent_json_buffer_free(&ics);
            agent_json_buffer_free(&table);
            agent_json_buffer_free(&w.buffer);
            return cm_error(output, input, message);
        }
        char detail[512], from[16], to[16], uid[256], summary[512];
        int ready = strcmp(kind, "review") == 0 ? 1 : cm_asset_present(&st, asset, detail, sizeof detail);
        if (!ready) missing_assets++;
        agent_date_format_compact(d, from);
        agent_date_format_compact(d + 1, to);
        snprintf(uid, sizeof uid, "%s-%s-%s@agenthost", slug, kind, from);
        snprintf(summary, sizeof summary, "%s: %s", item, title);
        agent_json_utf8_trim(uid);
        agent_json_utf8_trim(summary);
        agent_json_buffer desc = {0};
        agent_json_buffer_printf(&desc, "%s (%s channel). Asset: %s%s.\n", item, channel, asset, ready ? "" : " (not ready)");
        if (url && (strcmp(kind, "publish") == 0 || strncmp(kind, "social", 6) == 0))
            agent_json_buffer_printf(&desc, "Link: %s\n", url);
        if (strcmp(kind, "publish") == 0 && image)
            agent_json_buffer_printf(&desc, "Cover: %s (alt: %s)\n", agent_json_string(agent_json_get(image, "file"), ""),
                                     agent_json_string(agent_json_get(image, "alt_text"), ""));
        if (strncmp(kind, "social", 6) == 0 && social) {
            agent_json_buffer_puts(&desc, "\n");
            cm_social_description(&desc, social, kind);
        }
        agent_ics_line(&ics, "BEGIN", "VEVENT");
        agent_ics_line(&ics, "UID", uid);
        agent_ics_line(&ics, "DTSTAMP", stamp);
        agent_ics_line(&ics, "DTSTART;VALUE=DATE", from);
        agent_ics_line(&ics, "DTEND;VALUE=DATE", to);
        agent_ics_text(&ics, "SUMMARY", summary);
        agent_ics_text(&ics, "DESCRIPTION", desc.data ? desc.data : "");
        agent_ics_text(&ics, "CATEGORIES", channel);
        if (url && strcmp(kind, "publish") == 0) agent_ics_line(&ics, "URL", url);
        agent_ics_line(&ics, "TRANSP", "TRANSPARENT");
        agent_ics_line(&ics, "END", "VEVENT");
        agent_json_buffer_free(&desc);

        agent_json_begin_object(&w);
        agent_json_put_string(&w, "date", date);
        agent_json_put_string(&w, "weekday", agent_date_weekday_name(d));
        agent_json_put_string(&w, "channel", channel);
        agent_json_put_string(&w, "kind", kind);
        agent_json_put_string(&w, "item", item);
        agent_json_put_string(&w, "asset", asset);
        agent_json_put_bool(&w, "asset_ready", ready);
        agent_json_put_string(&w, "uid", uid);
        agent_json_end_object(&w);
        agent_json_buffer_printf(&table, "| %s | %s | %s | %s | %s |\n", date, channel, item, asset, ready ? "ready" : "missing");
        if (host && host->is_cancelled && host->is_cancelled(host)) {
            agent_json_buffer_free(&ics);
            agent_json_buffer_free(&table);
            agent_json_buffer_free(&w.buffer);
            cm_error(output, input, "campaign_manager: cancelled by the host");
            return AGENT_STATUS_CANCELLED;
        }
    }
    agent_json_end_array(&w);
    agent_ics_line(&ics, "END", "VCALENDAR");

    /* Checks. */
    char detail[512];
    int present = cm_asset_present(&st, "article.md", detail, sizeof detail);
    cm_add_check(&st, "article_markdown", present, detail);
    present = cm_asset_present(&st, "article.html", detail, sizeof detail);
    cm_add_check(&st, "article_html", present, detail);
    const agent_json_value *types = agent_json_get(campaign, "content_types");
    int wants_image = agent_json_bool(agent_json_get(campaign, "include_images"), 0);
    int wants_social = 0;
    for (size_t i = 0; i < agent_json_count(types); i++) {
        const char *t = agent_json_string(agent_json_at(types, i), "");
        if (strcmp(t, "image") == 0) wants_image = 1;
        if (strcmp(t, "social_media") == 0) wants_social = 1;
    }
    if (wants_image || image) {
        present = cm_asset_present(&st, "cover.svg", detail, sizeof detail);
        cm_add_check(&st, "cover_image", present, detail);
    }
    if (wants_social || social) {
        present = cm_asset_present(&st, "social.json", detail, sizeof detail);
        cm_add_check(&st, "social_posts", present, detail);
        int within = agent_json_bool(agent_json_get(social, "all_within_limits"), 0);
        cm_add_check(&st, "social_limits", within,
                     within ? "every post within its platform's limit" : "a post exceeds its platform's limit, or no posts");
    }
    snprintf(detail, sizeof detail, "%zu events; %d with a missing asset", events, missing_assets);
    cm_add_check(&st, "scheduled_assets", missing_assets == 0, detail);
    cm_seo_checks(&st, seo);
    agent_json_buffer degraded = {0};
    int degraded_count = cm_degradations(&st, &degraded, &w);
    if (degraded_count == 0)
        cm_add_check(&st, "dependencies", 1, "every agent had the outputs of all its dependencies");
    else {
        char text[1024];
        snprintf(text, sizeof text, "%s", degraded.data ? degraded.data : "");
        agent_json_utf8_trim(text);
        cm_add_check(&st, "dependencies", 0, text);
    }
    agent_json_buffer_free(&degraded);
    int passed_count = 0;
    for (int i = 0; i < st.check_count; i++) passed_count += st.checks[i].passed;
    int all_passed = passed_count == st.check_count;

    /* The summary for people. */
    agent_json_buffer md = {0};
    agent_json_buffer_printf(&md, "# Campaign summary: %s\n\n", title);
    if (url) agent_json_buffer_printf(&md, "Article: %s  \n", url);
    if (all_passed)
        agent_json_buffer_printf(&md, "Calendar: calendar.ics (%zu events)  \nChecks: all %d passed\n\n## Schedule\n\n", events,
                                 st.check_count);
    else
        agent_json_buffer_printf(&md, "Calendar: calendar.ics (%zu events)  \nChecks: %d of %d passed, %d failed\n\n## Schedule\n\n",
                                 events, passed_count, st.check_count, st.check_count - passed_count);
    agent_json_buffer_puts(&md, "| Date | Channel | Item | Asset | Status |\n|---|---|---|---|---|\n");
    agent_json_buffer_puts(&md, table.data ? table.data : "");
    agent_json_buffer_puts(&md, "\n## Checks\n\n");
    for (int i = 0; i < st.check_count; i++)
        agent_json_buffer_printf(&md, "- [%s] %s: %s\n", st.checks[i].passed ? "x" : " ", st.checks[i].name, st.checks[i].detail);
    agent_json_buffer_free(&table);

    agent_json_key(&w, "checks");
    agent_json_begin_array(&w);
    for (int i = 0; i < st.check_count; i++) {
        agent_json_begin_object(&w);
        agent_json_put_string(&w, "check", st.checks[i].name);
        agent_json_put_bool(&w, "passed", st.checks[i].passed);
        agent_json_put_string(&w, "detail", st.checks[i].detail);
        agent_json_end_object(&w);
    }
    agent_json_end_array(&w);
    agent_json_put_bool(&w, "all_checks_passed", all_passed);
    snprintf(detail, sizeof detail, "%zu scheduled events from %s; %d of %d checks passed", events,
             agent_json_string(agent_json_get(planner, "start_date"), "2025-03-03"), passed_count, st.check_count);
    agent_json_put_string(&w, "summary", detail);

    int wrote = 0;
    if (st.artifacts_dir) {
        if (ics.failed || md.failed || agent_json_write_file(st.artifacts_dir, "calendar.ics", ics.data, ics.length) != 0 ||
            agent_json_write_file(st.artifacts_dir, "campaign_summary.md", md.data, md.length) != 0) {
            snprintf(message, sizeof message, "campaign_manager: cannot write calendar.ics or campaign_summary.md in %s: %s",
                     st.artifacts_dir, strerror(errno));
            agent_json_buffer_free(&ics);
            agent_json_buffer_free(&md);
            agent_json_buffer_free(&w.buffer);
            return cm_error(output, input, message);
        }
        wrote = 1;
    }
    agent_json_put_string(&w, "ics", ics.data ? ics.data : "");
    agent_json_end_object(&w);
    agent_json_key(&w, "artifacts");
    agent_json_begin_array(&w);
    if (wrote) {
        agent_json_string_value(&w, "calendar.ics");
        agent_json_string_value(&w, "campaign_summary.md");
    }
    agent_json_end_array(&w);
    agent_json_end_object(&w);
    agent_json_buffer_free(&ics);
    agent_json_buffer_free(&md);
    agent_json_free(input);

    return agent_output_take_buffer(output, &w.buffer, "campaign_manager");
}

AGENT_PLUGIN_DEFINE("campaign_manager", "1.0.0",
                    "Schedules the campaign as an iCalendar file and checks that every asset is present", NULL, cm_run,
                    agent_output_release, NULL)
