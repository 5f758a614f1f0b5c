/*
 * planner.c — the `planner` agent (C): from the campaign's title, brief, audience,
 * keywords and goals it derives the content strategy, key themes, an outline with word
 * targets per section, and a content calendar.
 *
 * Implementation notes: themes are the campaign keywords first, then the brief's most
 * frequent content words (ties broken alphabetically), so the plan is a pure function of
 * the campaign. Dates come only from `campaign.start_date` (default 2025-03-03); weekend
 * dates move to the following Monday.
 */
#include "agent_plugin.h"
#include "agent_date.h"
#include "agent_json.h"
#include "agent_plugin_support.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLANNER_MAX_THEMES 6
#define PLANNER_MAX_BODY 4
#define PLANNER_THEME_LEN 48
#define PLANNER_DEFAULT_START "2025-03-03"
#define PLANNER_DEFAULT_WORDS 1000

typedef struct planner_word {
    char text[PLANNER_THEME_LEN];
    int count;
    int first;
} planner_word;

static const char *const planner_stop_words[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "every", "few", "for",
    "from", "further", "get", "had", "has", "have", "having", "he", "her", "here", "hers", "him",
    "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "like", "make",
    "many", "may", "me", "might", "more", "most", "much", "must", "my", "need", "needs", "no",
    "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our", "ours",
    "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the",
    "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to",
    "too", "under", "until", "up", "use", "very", "want", "was", "we", "well", "were", "what",
    "when", "where", "which", "while", "who", "whom", "why", "will", "with", "without", "would",
    "you", "your", "yours", "explain", "explains", "show", "shows", "help", "helps", "article",
    "post", "readers", "reader", "write", "written", "cover", "covers", "including", "include",
    NULL};

static int planner_is_stop_word(const char *word)
{
    for (int i = 0; planner_stop_words[i]; i++)
        if (strcmp(planner_stop_words[i], word) == 0) return 1;
    return 0;
}

static void planner_lower_copy(char *out, size_t size, const char *in)
{
    size_t i = 0;
    for (; in[i] && i + 1 < size; i++) out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = 0;
    agent_json_utf8_trim(out);
}

/* Length of `word` without a plural "s" (but not "ss"). */
static size_t planner_stem_length(const char *word)
{
    size_t n = strlen(word);
    if (n > 3 && word[n - 1] == 's' && word[n - 2] != 's') return n - 1;
    return n;
}

/* Whether two lowercased words are equal up to a plural "s" ("school", "schools"). */
static int planner_same_stem(const char *a, const char *b)
{
    size_t na = planner_stem_length(a), nb = planner_stem_length(b);
    return na == nb && strncmp(a, b, na) == 0;
}

/* Adds `word` to the theme list unless present; returns the new count. */
static int planner_add_theme(char themes[][PLANNER_THEME_LEN], int count, const char *word)
{
    char lower[PLANNER_THEME_LEN];
    planner_lower_copy(lower, sizeof lower, word);
    if (!lower[0] || count >= PLANNER_MAX_THEMES) return count;
    for (int i = 0; i < count; i++)
        if (planner_same_stem(themes[i], lower)) return count;
    memcpy(themes[count], lower, sizeof lower);
    return count + 1;
}

static int planner_word_order(const void *a, const void *b)
{
    const planner_word *x = a, *y = b;
    if (x->count != y->count) return y->count - x->count;
    return strcmp(x->text, y->text);
}

/* Counts content words of `text` into `words` (capacity `cap`); returns the count. */
static int planner_count_words(const char *text, planner_word *words, int cap)
{
    int n = 0, position = 0;
    const char *s = text;
    while (s && *s) {
        while (*s && !isalnum((unsigned char)*s)) s++;
        const char *start = s;
        while (*s && (isalnum((unsigned char)*s) || *s == '-')) s++;
        size_t len = (size_t)(s - start);
        if (len < 4 || len >= PLANNER_THEME_LEN) continue;
        char word[PLANNER_THEME_LEN];
        memcpy(word, start, len);
        word[len] = 0;
        planner_lower_copy(word, sizeof word, word);
        if (planner_is_stop_word(word) || isdigit((unsigned char)word[0])) continue;
        int found = 0;
        for (int i = 0; i < n; i++)
            if (strcmp(words[i].text, word) == 0) { words[i].count++; found = 1; break; }
        if (!found && n < cap) {
            memcpy(words[n].text, word, len + 1);
            words[n].count = 1;
            words[n].first = position;
            n++;
        }
        position++;
    }
    qsort(words, (size_t)n, sizeof *words, planner_word_order);
    return n;
}

static void planner_title_case_first(char *out, size_t size, const char *in)
{
    snprintf(out, size, "%s", in);
    if (out[0]) out[0] = (char)toupper((unsigned char)out[0]);
}

static int planner_has_string(const agent_json_value *array, const char *wanted)
{
    for (size_t i = 0; i < agent_json_count(array); i++) {
        const char *s = agent_json_string(agent_json_at(array, i), "");
        if (strcmp(s, wanted) == 0) return 1;
    }
    return 0;
}

static long planner_weekday_on_or_after(long day)
{
    int wd = agent_date_weekday(day);
    return wd >= 5 ? day + (7 - wd) : day;
}

static void planner_calendar_entry(agent_json_writer *w, long start, int offset, const char *channel,
                                   const char *kind, const char *item, const char *asset)
{
    char date[11];
    long day = planner_weekday_on_or_after(start + offset);
    agent_date_format(day, date);
    agent_json_begin_object(w);
    agent_json_put_string(w, "date", date);
    agent_json_put_string(w, "weekday", agent_date_weekday_name(day));
    agent_json_put_string(w, "channel", channel);
    agent_json_put_string(w, "kind", kind);
    agent_json_put_string(w, "item", item);
    agent_json_put_string(w, "asset", asset);
    agent_json_end_object(w);
}

typedef struct planner_section {
    char id[64];
    char heading[160];
    char purpose[256];
    char keywords[3][PLANNER_THEME_LEN];
    int keyword_count;
    int target_words;
} planner_section;

static int planner_round10(double x) { return (int)((x + 5.0) / 10.0) * 10; }

static agent_status planner_run(void *state, const agent_host *host, const char *input_json, size_t input_length,
                                agent_output *output)
{
    (void)state;
    agent_json_value *input = agent_input_parse_object(input_json, input_length, "planner", output);
    if (!input) return AGENT_STATUS_ERROR;
    const agent_json_value *campaign = agent_json_get(input, "campaign");
    const agent_json_value *keywords = agent_json_get(campaign, "keywords");
    const char *title = agent_json_string(agent_json_get(campaign, "title"), NULL);
    const char *brief = agent_json_string(agent_json_get(campaign, "brief"), "");
    if (!title && !brief[0] && agent_json_count(keywords) == 0) {
        agent_json_free(input);
        agent_output_set_error(output, "planner: campaign has no title, brief or keywords; at least one is needed to plan");
        return AGENT_STATUS_ERROR;
    }
    if (!title) title = agent_json_string(agent_json_at(keywords, 0), "Untitled campaign");
    const char *audience = agent_json_string(agent_json_get(campaign, "audience"), "general readers");
    const char *tone = agent_json_string(agent_json_get(campaign, "tone"), "informative");
    const char *campaign_type = agent_json_string(agent_json_get(campaign, "campaign_type"), "blog_creation");
    const char *start_text = agent_json_string(agent_json_get(campaign, "start_date"), PLANNER_DEFAULT_START);
    long start;
    if (agent_date_parse(start_text, &start) != 0) {
        char message[256];
        snprintf(message, sizeof message, "planner: campaign.start_date \"%.40s\" is not a valid date of the form YYYY-MM-DD",
                 start_text);
        agent_json_free(input);
        agent_output_set_error(output, message);
        return AGENT_STATUS_ERROR;
    }
    int total_words = (int)agent_json_number(agent_json_get(campaign, "word_count"), PLANNER_DEFAULT_WORDS);
    if (total_words < 300) total_words = 300;
    if (total_words > 5000) total_words = 5000;

    /* Themes: keywords first, then the brief's frequent content words. */
    char themes[PLANNER_MAX_THEMES][PLANNER_THEME_LEN];
    int theme_count = 0;
    for (size_t i = 0; i < agent_json_count(keywords); i++)
        theme_count = planner_add_theme(themes, theme_count, agent_json_string(agent_json_at(keywords, i), ""));
    planner_word words[256];
    int word_count = planner_count_words(brief, words, 256);
    for (int i = 0; i < word_count && theme_count < PLANNER_MAX_THEMES; i++)
        if (words[i].count >= 1) theme_count = planner_add_theme(themes, theme_count, words[i].text);
    if (theme_count == 0) {
        word_count = planner_count_words(title, words, 256);
        for (int i = 0; i < word_count; i++) theme_count = planner_add_theme(themes, theme_count, words[i].text);
    }
    if (theme_count == 0) theme_count = planner_add_theme(themes, theme_count, "overview");
    if (host && host->progress) host->progress(host, 0.3, "themes chosen");

    /* Outline. */
    static const char *const body_templates[] = {"Understanding %s", "%s in practice", "What the evidence says about %s",
                                                  "Getting %s right"};
    planner_section sections[PLANNER_MAX_BODY + 3];
    memset(sections, 0, sizeof sections);
    int body = theme_count < PLANNER_MAX_BODY ? theme_count : PLANNER_MAX_BODY;
    if (body > 3 && total_words < 1200) body = 3;
    int n = 0;
    snprintf(sections[n].id, sizeof sections[n].id, "introduction");
    snprintf(sections[n].heading, sizeof sections[n].heading, "Introduction");
    char title_lower[160];
    snprintf(title_lower, sizeof title_lower, "%s", title);
    agent_json_utf8_trim(title_lower);
    if (title_lower[0] && !isupper((unsigned char)title_lower[1])) title_lower[0] = (char)tolower((unsigned char)title_lower[0]);
    snprintf(sections[n].purpose, sizeof sections[n].purpose, "Set out why %s matters to %s", title_lower, audience);
    for (int k = 0; k < theme_count && k < 2; k++) memcpy(sections[n].keywords[sections[n].keyword_count++], themes[k], PLANNER_THEME_LEN);
    sections[n].target_words = planner_round10(total_words * 0.12);
    n++;
    int body_words = total_words - sections[0].target_words - planner_round10(total_words * 0.14) -
                     planner_round10(total_words * 0.10);
    for (int b = 0; b < body; b++, n++) {
        char cap[PLANNER_THEME_LEN];
        const char *template = body_templates[b % 4];
        if (template[0] == '%') planner_title_case_first(cap, sizeof cap, themes[b]);
        else snprintf(cap, sizeof cap, "%s", themes[b]);
        snprintf(sections[n].id, sizeof sections[n].id, "section-%d", b + 1);
        snprintf(sections[n].heading, sizeof sections[n].heading, template, cap);
        snprintf(sections[n].purpose, sizeof sections[n].purpose, "Explain %s with facts drawn from the sources",
                 themes[b]);
        memcpy(sections[n].keywords[sections[n].keyword_count++], themes[b], PLANNER_THEME_LEN);
        sections[n].target_words = planner_round10((double)body_words / body);
    }
    snprintf(sections[n].id, sizeof sections[n].id, "next-steps");
    snprintf(sections[n].heading, sizeof sections[n].heading, "Next steps for %s", audience);
    snprintf(sections[n].purpose, sizeof sections[n].purpose, "Turn the findings into concrete actions for %s", audience);
    memcpy(sections[n].keywords[sections[n].keyword_count++], themes[0], PLANNER_THEME_LEN);
    snprintf(sections[n].keywords[sections[n].keyword_count++], PLANNER_THEME_LEN, "cost");
    snprintf(sections[n].keywords[sections[n].keyword_count++], PLANNER_THEME_LEN, "plan");
    sections[n].target_words = planner_round10(total_words * 0.14);
    n++;
    snprintf(sections[n].id, sizeof sections[n].id, "conclusion");
    snprintf(sections[n].heading, sizeof sections[n].heading, "Conclusion");
    snprintf(sections[n].purpose, sizeof sections[n].purpose, "Summarise the key points about %s", title_lower);
    for (int k = 0; k < theme_count && k < 3; k++) memcpy(sections[n].keywords[sections[n].keyword_count++], themes[k], PLANNER_THEME_LEN);
    sections[n].target_words = planner_round10(total_words * 0.10);
    n++;
    int outline_total = 0;
    for (int i = 0; i < n; i++) {
        outline_total += sections[i].target_words;
        /* Long campaign text may have been cut inside a UTF-8 sequence. */
        agent_json_utf8_trim(sections[i].heading);
        agent_json_utf8_trim(sections[i].purpose);
    }

    const agent_json_value *content_types = agent_json_get(campaign, "content_types");
    int wants_social = planner_has_string(content_types, "social_media");
    int wants_images = planner_has_string(content_types, "image") || agent_json_bool(agent_json_get(campaign, "include_images"), 0);
    int repurposing = strcmp(campaign_type, "content_repurposing") == 0 || planner_has_string(content_types, "newsletter");
    if (host && host->progress) host->progress(host, 0.6, "outline built");

    agent_json_writer w = {0};
    agent_json_begin_object(&w);
    agent_json_key(&w, "content_strategy");
    agent_json_begin_object(&w);
    agent_json_put_string(&w, "title", title);
    agent_json_put_string(&w, "campaign_type", campaign_type);
    agent_json_put_string(&w, "audience", audience);
    agent_json_put_string(&w, "tone", tone);
    agent_json_key(&w, "goals");
    agent_json_begin_array(&w);
    const agent_json_value *goals = agent_json_get(campaign, "goals");
    if (agent_json_is(goals, AGENT_JSON_STRING)) agent_json_string_value(&w, goals->string);
    for (size_t i = 0; i < agent_json_count(goals); i++) agent_json_copy_value(&w, agent_json_at(goals, i));
    if (agent_json_count(goals) == 0 && !agent_json_is(goals, AGENT_JSON_STRING)) agent_json_string_value(&w, "awareness");
    agent_json_end_array(&w);
    agent_json_key(&w, "channels");
    agent_json_begin_array(&w);
    agent_json_string_value(&w, "blog");
    if (wants_social) agent_json_string_value(&w, "social");
    if (repurposing) agent_json_string_value(&w, "newsletter");
    agent_json_end_array(&w);
    agent_json_put_bool(&w, "include_images", wants_images);
    agent_json_buffer summary = {0};
    agent_json_buffer_printf(&summary, "%s %s, %d-section article of about %d words for %s on \"%s\", built around ",
                             strchr("aeiouAEIOU", tone[0]) ? "An" : "A", tone, n,
                             outline_total, audience, title);
    for (int i = 0; i < theme_count && i < 3; i++)
        agent_json_buffer_printf(&summary, "%s%s", i == 0 ? "" : (i + 1 == theme_count || i == 2 ? " and " : ", "), themes[i]);
    agent_json_buffer_printf(&summary, "%s.", wants_social ? ", then promoted on social media" : "");
    agent_json_put_string(&w, "summary", summary.data);
    agent_json_buffer_free(&summary);
    agent_json_end_object(&w);

    agent_json_key(&w, "key_themes");
    agent_json_begin_array(&w);
    for (int i = 0; i < theme_count; i++) agent_json_string_value(&w, themes[i]);
    agent_json_end_array(&w);

    agent_json_key(&w, "outline");
    agent_json_begin_object(&w);
    agent_json_put_string(&w, "title", title);
    agent_json_put_number(&w, "total_words", outline_total);
    agent_json_key(&w, "sections");
    agent_json_begin_array(&w);
    for (int i = 0; i < n; i++) {
        agent_json_begin_object(&w);
        agent_json_put_string(&w, "id", sections[i].id);
        agent_json_put_string(&w, "heading", sections[i].heading);
        agent_json_put_string(&w, "purpose", sections[i].purpose);
        agent_json_key(&w, "keywords");
        agent_json_begin_array(&w);
        for (int k = 0; k < sections[i].keyword_count; k++) agent_json_string_value(&w, sections[i].keywords[k]);
        agent_json_end_array(&w);
        agent_json_put_number(&w, "target_words", sections[i].target_words);
        agent_json_end_object(&w);
    }
    agent_json_end_array(&w);
    agent_json_end_object(&w);

    char start_formatted[11];
    agent_date_format(start, start_formatted);
    agent_json_put_string(&w, "start_date", start_formatted);
    agent_json_key(&w, "calendar");
    agent_json_begin_array(&w);
    planner_calendar_entry(&w, start, 0, "blog", "publish", "Publish the article", "article.html");
    if (wants_social) {
        planner_calendar_entry(&w, start, 0, "social", "social_launch", "Launch posts on every platform", "social.json");
        planner_calendar_entry(&w, start, 2, "social", "social_thread", "Thread of key points on X", "social.json");
        planner_calendar_entry(&w, start, 7, "social", "social_reminder", "Reminder post on LinkedIn", "social.json");
    }
    if (repurposing) {
        planner_calendar_entry(&w, start, 7, "newsletter", "newsletter", "Send the newsletter", "newsletter.html");
        planner_calendar_entry(&w, start, 14, "slides", "slides", "Present the slide outline", "slides.md");
    }
    planner_calendar_entry(&w, start, 28, "review", "review", "Review campaign results against the goals", "campaign_summary.md");
    agent_json_end_array(&w);

    /* A readable plan for people, beside the JSON. */
    const char *artifacts_dir = agent_json_string(agent_json_get(input, "artifacts_dir"), NULL);
    int wrote = 0;
    if (artifacts_dir) {
        agent_json_buffer md = {0};
        agent_json_buffer_printf(&md, "# Content plan: %s\n\nAudience: %s  \nTone: %s  \nStart: %s\n\n## Key themes\n\n", title,
                                 audience, tone, start_formatted);
        for (int i = 0; i < theme_count; i++) agent_json_buffer_printf(&md, "- %s\n", themes[i]);
        agent_json_buffer_puts(&md, "\n## Outline\n\n");
        for (int i = 0; i < n; i++)
            agent_json_buffer_printf(&md, "%d. %s (about %d words): %s\n", i + 1, sections[i].heading,
                                     sections[i].target_words, sections[i].purpose);
        if (md.failed || agent_json_write_file(artifacts_dir, "content_plan.md", md.data, md.length) != 0) {
            char message[4200];
            snprintf(message, sizeof message, "planner: cannot write %s/content_plan.md: %s", artifacts_dir, strerror(errno));
            agent_json_buffer_free(&md);
            agent_json_buffer_free(&w.buffer);
            agent_json_free(input);
            agent_output_set_error(output, message);
            return AGENT_STATUS_ERROR;
        }
        agent_json_buffer_free(&md);
        wrote = 1;
    }
    agent_json_key(&w, "artifacts");
    agent_json_begin_array(&w);
    if (wrote) agent_json_string_value(&w, "content_plan.md");
    agent_json_end_array(&w);
    agent_json_end_object(&w);
    agent_json_free(input);

    if (agent_output_take_buffer(output, &w.buffer, "planner") != AGENT_STATUS_OK) return AGENT_STATUS_ERROR;
    if (host && host->progress) host->progress(host, 1.0, "plan ready");
    return AGENT_STATUS_OK;
}

AGENT_PLUGIN_DEFINE("planner", "1.0.0", "Plans the content strategy, outline and calendar from the campaign brief", NULL,
                    planner_run, agent_output_release, NULL)
