/*
 * text_stats.c — TextStats, a small plain C text-statistics library (no AgentHost ABI).
 *
 * Its functions become agents through manifests of kind "c-function" alone
 * (AgentManifests/word_count.json): the host calls them through libffi. A word is a maximal
 * run of bytes that are not ASCII whitespace; a sentence ends at '.', '!' or '?' followed by
 * whitespace or the end of the text. Input is UTF-8; lengths count bytes of the words.
 * Every exported symbol carries the `text_stats_` prefix, except the classic names kept for
 * readability in manifests (word_count, average_word_length).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_STATS_EXPORT __attribute__((visibility("default")))

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* The number of words in `text`; 0 for NULL. */
TEXT_STATS_EXPORT int64_t word_count(const char *text)
{
    int64_t words = 0;
    int in_word = 0;
    if (!text) return 0;
    for (; *text; text++) {
        if (is_space((unsigned char)*text)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
    }
    return words;
}

/* The mean byte length of the words of `text`; 0.0 when it has none. */
TEXT_STATS_EXPORT double average_word_length(const char *text)
{
    int64_t words = word_count(text);
    int64_t letters = 0;
    if (words == 0) return 0.0;
    for (; *text; text++) {
        if (!is_space((unsigned char)*text)) letters++;
    }
    return (double)letters / (double)words;
}

/* The number of sentences in `text`: terminators ('.', '!', '?') followed by whitespace or the
 * end, counting a run such as "?!" once. */
TEXT_STATS_EXPORT int64_t text_stats_sentence_count(const char *text)
{
    int64_t sentences = 0;
    if (!text) return 0;
    for (; *text; text++) {
        int terminator = *text == '.' || *text == '!' || *text == '?';
        unsigned char next = (unsigned char)text[1];
        int next_is_terminator = next == '.' || next == '!' || next == '?';
        if (terminator && !next_is_terminator && (next == 0 || is_space(next))) sentences++;
    }
    return sentences;
}

/* A malloc'ed summary "W words, S sentences, A.A letters per word"; release it with
 * text_stats_free. */
TEXT_STATS_EXPORT char *text_stats_summary(const char *text)
{
    char *summary = malloc(96);
    if (!summary) return NULL;
    snprintf(summary, 96, "%lld words, %lld sentences, %.1f letters per word", (long long)word_count(text),
             (long long)text_stats_sentence_count(text), average_word_length(text));
    return summary;
}

/* Releases a string returned by text_stats_summary. */
TEXT_STATS_EXPORT void text_stats_free(char *text) { free(text); }
