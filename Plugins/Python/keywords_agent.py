#!/usr/bin/env python3
"""keywords: an example command agent in Python (manifest: Examples/polyglot/keywords.json).

Reads the drafted article (``blog_content.markdown``) and, when present, the Rust agent's
digest, and answers ``{"keywords": {"top": [...], "lead": ..., "title": ...}}``: the most
frequent content words, by count, ties broken alphabetically.
"""

import re
from collections import Counter

from agenthost_agent import serve

STOP_WORDS = set(
    """a an and are as at be but by can do does for from has have how if in into is it its more most
    not of on or our so such than that the their them then there these they this those to was we were
    what when which while who will with would you your per also each other over about up out all any""".split()
)


def find(inputs, key):
    """The first dependency output holding ``key``."""
    for output in inputs.values():
        if isinstance(output, dict) and key in output:
            return output[key]
    return None


def keywords(agent_input, host):
    inputs = agent_input.get("inputs", {})
    content = find(inputs, "blog_content") or {}
    markdown = content.get("markdown", "")
    if not markdown:
        raise ValueError("no input holds blog_content.markdown; depend on an agent with content_creation")
    host.progress(0.2, "counting words")
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]+", markdown)]
    counts = Counter(w for w in words if w not in STOP_WORDS and len(w) > 2)
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:10]
    digest = find(inputs, "digest") or {}
    host.log(f"{len(counts)} distinct content words; top: {top[0][0] if top else 'none'}")
    host.progress(1.0)
    return {
        "keywords": {
            "top": [{"word": word, "count": count} for word, count in top],
            "distinct": len(counts),
            "title": digest.get("title"),
            "lead": digest.get("lead"),
            "language": "python",
        }
    }


if __name__ == "__main__":
    serve(keywords)
