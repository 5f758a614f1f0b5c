/*
 * image.c — the `image` agent (C): a cover image for the campaign as SVG (title, theme
 * colours, generated shapes) plus alt text.
 *
 * Implementation notes: everything derives from the campaign. The palette is the first
 * whose theme words match a keyword or key theme (else one picked by hash); the shapes come
 * from an xorshift32 generator seeded with the FNV-1a hash of the title and themes, so the
 * same campaign always gives the same bytes. Text is XML-escaped; the title is wrapped by
 * characters (UTF-8 aware) into at most four lines.
 */
#include "agent_plugin.h"
#include "agent_json.h"
#include "agent_plugin_support.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define IMAGE_WIDTH 1200
#define IMAGE_HEIGHT 630
#define IMAGE_MAX_LINES 4
#define IMAGE_LINE_CHARS 22

typedef struct image_palette {
    const char *name;
    const char *background;
    const char *accent[3];
    const char *text;
    const char *words[10];
} image_palette;

static const image_palette image_palettes[] = {
    {"sunrise", "#FFF4E0", {"#F4A261", "#E76F51", "#E9C46A"}, "#264653",
     {"solar", "sun", "energy", "light", "summer", "power", "heat", "electric", NULL}},
    {"forest", "#EEF5EC", {"#2A9D8F", "#52B788", "#95D5B2"}, "#1B4332",
     {"green", "nature", "climate", "garden", "environment", "sustainab", "tree", "carbon", "farm", NULL}},
    {"ocean", "#EAF4FB", {"#0077B6", "#00B4D8", "#90E0EF"}, "#03045E",
     {"water", "ocean", "sea", "health", "travel", "river", "rain", "swim", NULL}},
    {"dusk", "#F3EEFB", {"#7B2CBF", "#C77DFF", "#E0AAFF"}, "#240046",
     {"data", "software", "digital", "tech", "cloud", "code", "ai", "computer", NULL}},
    {"slate", "#F1F3F5", {"#495057", "#F08C00", "#ADB5BD"}, "#212529", {NULL}},
};
#define IMAGE_PALETTE_COUNT (sizeof image_palettes / sizeof image_palettes[0])

static uint32_t image_fnv1a(uint32_t hash, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
        hash ^= *p;
        hash *= 16777619u;
    }
    return hash;
}

static uint32_t image_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* A deterministic integer in [lo, hi]. */
static int image_between(uint32_t *state, int lo, int hi)
{
    return lo + (int)(image_next(state) % (uint32_t)(hi - lo + 1));
}

/* Whether a lowercased copy of `word` starts with `prefix`. */
static int image_word_matches(const char *word, const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < n; i++) {
        char c = word[i];
        if (!c) return 0;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != prefix[i]) return 0;
    }
    return 1;
}

static const image_palette *image_choose_palette(const agent_json_value *words[], size_t count, uint32_t hash)
{
    for (size_t i = 0; i < count; i++) {
        const char *w = agent_json_string(words[i], "");
        for (size_t p = 0; p < IMAGE_PALETTE_COUNT; p++)
            for (int k = 0; image_palettes[p].words[k]; k++)
                if (image_word_matches(w, image_palettes[p].words[k])) return &image_palettes[p];
    }
    return &image_palettes[hash % IMAGE_PALETTE_COUNT];
}

/* Number of characters (UTF-8 code points) in the first `bytes` bytes of `s`. */
static size_t image_chars(const char *s, size_t bytes)
{
    size_t n = 0;
    for (size_t i = 0; i < bytes && s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

/* Wraps `title` into lines of at most IMAGE_LINE_CHARS characters; returns the count. */
static int image_wrap(const char *title, char lines[IMAGE_MAX_LINES][160])
{
    int count = 0;
    const char *s = title;
    lines[0][0] = 0;
    while (*s) {
        while (*s == ' ') s++;
        const char *end = s;
        while (*end && *end != ' ') end++;
        size_t word = (size_t)(end - s);
        if (!word) break;
        size_t used = strlen(lines[count]);
        size_t chars = image_chars(lines[count], used) + (used ? 1 : 0) + image_chars(s, word);
        if (used && chars > IMAGE_LINE_CHARS) {
            if (count + 1 == IMAGE_MAX_LINES) {
                /* Out of lines: end the last one with an ellipsis. */
                if (used + 4 < 160) strcat(lines[count], "\xE2\x80\xA6");
                return count + 1;
            }
            count++;
            lines[count][0] = 0;
            used = 0;
        }
        if (used + word + 2 < 160) {
            if (used) strcat(lines[count], " ");
            strncat(lines[count], s, word);
        }
        s = end;
    }
    return lines[0][0] ? count + 1 : 0;
}

static agent_status image_run(void *state, const agent_host *host, const char *input_json, size_t input_length,
                              agent_output *output)
{
    (void)state;
    agent_json_value *input = agent_input_parse_object(input_json, input_length, "image", output);
    if (!input) return AGENT_STATUS_ERROR;
    const agent_json_value *campaign = agent_json_get(input, "campaign");
    const agent_json_value *strategy = agent_json_path(input, "inputs.planner.content_strategy");
    const agent_json_value *themes = agent_json_path(input, "inputs.planner.key_themes");
    const agent_json_value *keywords = agent_json_get(campaign, "keywords");
    const char *title = agent_json_string(agent_json_get(strategy, "title"),
                                          agent_json_string(agent_json_get(campaign, "title"), NULL));
    if (!title) {
        agent_json_free(input);
        agent_output_set_error(output, "image: no title to draw (expected inputs.planner.content_strategy.title or campaign.title)");
        return AGENT_STATUS_ERROR;
    }
    const char *audience = agent_json_string(agent_json_get(strategy, "audience"),
                                             agent_json_string(agent_json_get(campaign, "audience"), NULL));

    /* Theme words: keywords, then the planner's themes. */
    const agent_json_value *words[16];
    size_t word_count = 0;
    for (size_t i = 0; i < agent_json_count(keywords) && word_count < 16; i++) words[word_count++] = agent_json_at(keywords, i);
    for (size_t i = 0; i < agent_json_count(themes) && word_count < 16; i++) words[word_count++] = agent_json_at(themes, i);

    uint32_t hash = image_fnv1a(2166136261u, title);
    for (size_t i = 0; i < word_count; i++) hash = image_fnv1a(hash, agent_json_string(words[i], ""));
    const image_palette *palette = image_choose_palette(words, word_count, hash);
    uint32_t rng = hash ? hash : 0x9E3779B9u;

    char lines[IMAGE_MAX_LINES][160];
    memset(lines, 0, sizeof lines);
    int line_count = image_wrap(title, lines);
    /* Largest size at which the longest line (about 0.55 em per character) stays left of the circle. */
    size_t longest = 1;
    for (int i = 0; i < line_count; i++) {
        size_t chars = image_chars(lines[i], strlen(lines[i]));
        if (chars > longest) longest = chars;
    }
    int font = line_count <= 2 ? 72 : (line_count == 3 ? 60 : 52);
    int fit = (int)(680.0 / (0.55 * (double)longest));
    if (fit < font) font = fit < 36 ? 36 : fit;

    agent_json_buffer svg = {0};
    agent_json_buffer alt = {0};
    agent_json_buffer_puts(&alt, "Cover illustration for \xE2\x80\x9C");
    agent_json_buffer_puts(&alt, title);
    agent_json_buffer_printf(&alt, "\xE2\x80\x9D: the title in large type on a %s background", palette->name);
    agent_json_buffer_printf(&alt, " with a large circle, flowing waves and scattered dots in %s tones", palette->name);
    if (audience) {
        agent_json_buffer_puts(&alt, ", subtitled \xE2\x80\x9C""For ");
        agent_json_buffer_puts(&alt, audience);
        agent_json_buffer_puts(&alt, "\xE2\x80\x9D");
    }
    agent_json_buffer_puts(&alt, ".");

    agent_json_buffer_printf(&svg,
                             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                             "role=\"img\" aria-labelledby=\"cover-title cover-desc\">\n",
                             IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_HEIGHT);
    agent_json_buffer_puts(&svg, "  <title id=\"cover-title\">");
    agent_json_buffer_put_xml(&svg, title);
    agent_json_buffer_puts(&svg, "</title>\n  <desc id=\"cover-desc\">");
    agent_json_buffer_put_xml(&svg, alt.data);
    agent_json_buffer_puts(&svg, "</desc>\n");
    agent_json_buffer_printf(&svg, "  <rect width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", IMAGE_WIDTH, IMAGE_HEIGHT,
                             palette->background);

    int shapes = 1;
    /* The large circle, right of the title. */
    agent_json_buffer_printf(&svg, "  <circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\" fill-opacity=\"0.9\"/>\n",
                             image_between(&rng, 860, 1020), image_between(&rng, 150, 250), image_between(&rng, 110, 160),
                             palette->accent[0]);
    /* Scattered dots, kept away from the text column. */
    int dots = image_between(&rng, 6, 10);
    for (int i = 0; i < dots; i++, shapes++)
        agent_json_buffer_printf(&svg, "  <circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\" fill-opacity=\"0.55\"/>\n",
                                 image_between(&rng, 780, 1170), image_between(&rng, 300, 440), image_between(&rng, 6, 22),
                                 palette->accent[2]);
    /* Three waves along the bottom. */
    for (int i = 0; i < 3; i++, shapes++) {
        int base = 470 + i * 45;
        int a1 = image_between(&rng, 20, 60), a2 = image_between(&rng, 20, 60);
        agent_json_buffer_printf(&svg,
                                 "  <path d=\"M0 %d C300 %d 600 %d 900 %d S1200 %d 1200 %d L1200 630 L0 630 Z\" fill=\"%s\" "
                                 "fill-opacity=\"%s\"/>\n",
                                 base, base - a1, base + a2, base, base - a1, base, palette->accent[i % 3],
                                 i == 0 ? "0.35" : (i == 1 ? "0.55" : "0.85"));
    }
    /* Theme label, title lines, subtitle. */
    agent_json_buffer_printf(&svg, "  <g font-family=\"Helvetica, Arial, sans-serif\" fill=\"%s\">\n", palette->text);
    agent_json_buffer_puts(&svg, "    <text x=\"80\" y=\"110\" font-size=\"24\" font-weight=\"bold\" letter-spacing=\"4\">");
    for (size_t i = 0; i < word_count && i < 3; i++) {
        char upper[64];
        snprintf(upper, sizeof upper, "%s", agent_json_string(words[i], ""));
        agent_json_utf8_trim(upper);
        for (char *c = upper; *c; c++)
            if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
        if (i) agent_json_buffer_puts(&svg, " \xC2\xB7 ");
        agent_json_buffer_put_xml(&svg, upper);
    }
    agent_json_buffer_puts(&svg, "</text>\n");
    for (int i = 0; i < line_count; i++) {
        agent_json_buffer_printf(&svg, "    <text x=\"80\" y=\"%d\" font-size=\"%d\" font-weight=\"bold\">", 200 + i * (font + 12),
                                 font);
        agent_json_buffer_put_xml(&svg, lines[i]);
        agent_json_buffer_puts(&svg, "</text>\n");
    }
    if (audience) {
        agent_json_buffer_printf(&svg, "    <text x=\"80\" y=\"%d\" font-size=\"30\">For ", 200 + line_count * (font + 12) + 20);
        agent_json_buffer_put_xml(&svg, audience);
        agent_json_buffer_puts(&svg, "</text>\n");
    }
    agent_json_buffer_puts(&svg, "  </g>\n</svg>\n");
    if (host && host->progress) host->progress(host, 0.8, "cover drawn");

    const char *artifacts_dir = agent_json_string(agent_json_get(input, "artifacts_dir"), NULL);
    int wrote = 0;
    if (artifacts_dir) {
        if (svg.failed || agent_json_write_file(artifacts_dir, "cover.svg", svg.data, svg.length) != 0) {
            char message[4200];
            snprintf(message, sizeof message, "image: cannot write %s/cover.svg: %s", artifacts_dir, strerror(errno));
            agent_json_buffer_free(&svg);
            agent_json_buffer_free(&alt);
            agent_json_free(input);
            agent_output_set_error(output, message);
            return AGENT_STATUS_ERROR;
        }
        wrote = 1;
    }

    agent_json_writer w = {0};
    agent_json_begin_object(&w);
    agent_json_key(&w, "cover_image");
    agent_json_begin_object(&w);
    agent_json_put_string(&w, "file", "cover.svg");
    agent_json_put_string(&w, "format", "image/svg+xml");
    agent_json_put_number(&w, "width", IMAGE_WIDTH);
    agent_json_put_number(&w, "height", IMAGE_HEIGHT);
    agent_json_put_string(&w, "alt_text", alt.data);
    agent_json_key(&w, "palette");
    agent_json_begin_object(&w);
    agent_json_put_string(&w, "name", palette->name);
    agent_json_key(&w, "colors");
    agent_json_begin_array(&w);
    agent_json_string_value(&w, palette->background);
    for (int i = 0; i < 3; i++) agent_json_string_value(&w, palette->accent[i]);
    agent_json_string_value(&w, palette->text);
    agent_json_end_array(&w);
    agent_json_end_object(&w);
    agent_json_key(&w, "title_lines");
    agent_json_begin_array(&w);
    for (int i = 0; i < line_count; i++) agent_json_string_value(&w, lines[i]);
    agent_json_end_array(&w);
    agent_json_put_number(&w, "shapes", shapes);
    agent_json_put_number(&w, "seed", hash);
    agent_json_put_string(&w, "svg", svg.data);
    agent_json_end_object(&w);
    agent_json_key(&w, "artifacts");
    agent_json_begin_array(&w);
    if (wrote) agent_json_string_value(&w, "cover.svg");
    agent_json_end_array(&w);
    agent_json_end_object(&w);
    agent_json_buffer_free(&svg);
    agent_json_buffer_free(&alt);
    agent_json_free(input);

    return agent_output_take_buffer(output, &w.buffer, "image");
}

AGENT_PLUGIN_DEFINE("image", "1.0.0", "Draws a deterministic SVG cover image with alt text from the campaign", NULL,
                    image_run, agent_output_release, NULL)
