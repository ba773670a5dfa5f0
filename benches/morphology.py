#!/usr/bin/env python3
"""Measure the stemmers against a lemma dictionary, weighted by real word frequencies.

    python3 benches/morphology.py [--langs pl,en,lv,ru] [--top 30000] [--skip 1000]
                                  [--show 30] [--content]

For every language: take its `--top` most frequent words (wordfreq's lists, built from
Wikipedia, subtitles, news, web and social text), leave out the `--skip` most frequent
ones (function words and irregular verbs, which no stemmer merges and which a FAQ bot
marks as stop words anyway), give each word its lemma (simplemma's dictionaries) and its
stem (faqbot's analyser, through `examples/stems.rs`). Then, each word weighted by its
frequency:

- merged: of the words whose lemma has two or more forms in the list, the share on the
  stem that carries most of their lemma's weight (understemming is 100 minus this);
- mixed: of all words, the share on a stem whose weight comes mostly from another
  lemma (overstemming; it also counts derivations a FAQ bot gains from merging, such as
  "plan"/"plan to", and the words diacritic folding makes equal).

A rule that raises `merged` without raising `mixed` by as much merges inflections and
little else. `--content` reads the words as a bot would whose content used all of them
(the oblique forms of content words, `Analyzer::with_content_words`): the most such
forms can merge. `--show N` prints the N lemmas that lose most weight off their main stem
and the N stems that mix most.

Needs `pip install simplemma wordfreq` (both from PyPI; their data is read, never copied
into this repository). Nothing here runs in `cargo test`.
"""

import argparse
import collections
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORD = re.compile(r"^[^\W\d_]{3,}$")


def stems(words_by_lang, content):
    """faqbot's stems, one call of the example for every (lang, word)."""
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "--example", "stems"],
        cwd=ROOT,
        check=True,
    )
    pairs = [(lang, w) for lang, words in words_by_lang.items() for w in words]
    text = "".join(f"{lang}\t{w}\n" for lang, w in pairs)
    out = subprocess.run(
        [os.path.join(ROOT, "target", "release", "examples", "stems")]
        + (["--content"] if content else []),
        input=text,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return {pair: s for pair, s in zip(pairs, out)}


def measure(lang, words, freq, lemma, stem, show):
    by_lemma = collections.defaultdict(list)
    for w in words:
        by_lemma[lemma[w]].append(w)
    on_main = multi = 0.0
    lost = []
    for lem, forms in by_lemma.items():
        if len(forms) < 2:
            continue
        weight = collections.Counter()
        for f in forms:
            weight[stem[(lang, f)]] += freq[f]
        main, main_w = weight.most_common(1)[0]
        total = sum(weight.values())
        on_main += main_w
        multi += total
        if main_w < total:
            lost.append((total - main_w, lem, {f: stem[(lang, f)] for f in forms}))
    by_stem = collections.defaultdict(collections.Counter)
    for w in words:
        by_stem[stem[(lang, w)]][lemma[w]] += freq[w]
    mixed = 0.0
    mixes = []
    for s, weight in by_stem.items():
        rest = sum(weight.values()) - weight.most_common(1)[0][1]
        mixed += rest
        if rest > 0:
            mixes.append((rest, s, [l for l, _ in weight.most_common(4)]))
    total = sum(freq[w] for w in words)
    print(
        f"{lang}  {len(words):6} words  {len(by_lemma):6} lemmas  "
        f"merged {100 * on_main / multi:6.2f}%  mixed {100 * mixed / total:6.2f}%"
    )
    if show:
        lost.sort(key=lambda x: -x[0])
        mixes.sort(key=lambda x: -x[0])
        print("  lemmas losing most weight off their main stem:")
        for _, lem, forms in lost[:show]:
            print(f"    {lem}: {forms}")
        print("  stems mixing most lemmas:")
        for _, s, lems in mixes[:show]:
            print(f"    {s}: {lems}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--langs", default="pl,en,lv,ru")
    ap.add_argument("--top", type=int, default=30000)
    ap.add_argument("--skip", type=int, default=1000)
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--content", action="store_true")
    args = ap.parse_args()
    try:
        from simplemma.strategies.dictionaries.dictionary_factory import (
            DefaultDictionaryFactory,
        )
        from wordfreq import top_n_list, word_frequency
    except ImportError:
        sys.exit("needs simplemma and wordfreq: pip install simplemma wordfreq")
    factory = DefaultDictionaryFactory()
    langs = args.langs.split(",")
    data = {}
    for lang in langs:
        dictionary = factory.get_dictionary(lang)
        words, lemma = [], {}
        for w in top_n_list(lang, args.top)[args.skip :]:
            if not WORD.match(w):
                continue
            lem = dictionary.get(w) or dictionary.get(w.capitalize())
            if lem is None:
                continue
            words.append(w)
            lemma[w] = lem.lower()
        data[lang] = (words, {w: word_frequency(w, lang) for w in words}, lemma)
    stem = stems({lang: d[0] for lang, d in data.items()}, args.content)
    for lang in langs:
        words, freq, lemma = data[lang]
        measure(lang, words, freq, lemma, stem, args.show)


if __name__ == "__main__":
    main()
