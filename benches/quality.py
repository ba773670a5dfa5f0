#!/usr/bin/env python3
"""Measure understanding on every dataset the way the quality goals are stated.

    python3 benches/quality.py [--datasets ../shared/datasets] [--baselines]

Runs `faqbot eval` (release build) on:

- CLINC150 (`benches/data/clinc150.jsonl`): `val` and `test`, thresholds tuned on `val`;
- BANKING77 (`benches/data/banking77.jsonl`) and ru_chatbot_intents (read from the shared
  datasets folder, never copied here): `test`, and a `dev` split held out of `train`
  for choosing anything by hand, since these two have no `val`. The dev split is the same
  on every machine: per intent, the train questions whose SHA-1 ends lowest (15 %, at
  least one, never the intent's only question) are held out.

Prints one table (top-1, in-scope answered right, out-of-scope recall, recall@2,
median time). With `--baselines`, and scikit-learn installed, it also trains the
reference classifiers of the datasets README on the same splits (a linear SVM on TF-IDF
character 2–5-grams, the same with word 1–2-grams added, multinomial naive Bayes), so
that faqbot and the trained systems are compared on identical questions. Nothing here
runs in `cargo test`.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEV_SHARE = 0.15


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def with_dev_split(records):
    """The records with a deterministic `dev` split held out of `train`."""
    by_intent = {}
    for i, r in enumerate(records):
        if r["split"] == "train":
            by_intent.setdefault(r["intent"], []).append(i)
    held = set()
    for idx in by_intent.values():
        if len(idx) < 2:
            continue
        ranked = sorted(idx, key=lambda i: hashlib.sha1(records[i]["text"].encode()).hexdigest())
        held.update(ranked[: max(1, round(DEV_SHARE * len(idx)))])
    out = []
    for i, r in enumerate(records):
        r = dict(r)
        if i in held:
            r["split"] = "dev"
        out.append(r)
    return out


def write(records, path):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def faqbot_eval(binary, path, split, tune):
    args = [binary, "eval", path, "--json", "--split", split]
    if tune:
        args.append("--tune")
    v = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    return {
        "top1": v["top1_accuracy"],
        "inscope": v["inscope_accuracy"],
        "oos_recall": v["oos_recall"],
        "recall2": v["recall_at"]["2"],
        "median_us": v["median_us"],
    }


def baselines(records, train, split):
    """Top-1 accuracy of the README's trained reference classifiers (in-scope only)."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.svm import LinearSVC

    tr = [r for r in records if r["split"] == train and r["intent"] != "oos"]
    ev = [r for r in records if r["split"] == split and r["intent"] != "oos"]
    x_tr, y_tr = [r["text"] for r in tr], [r["intent"] for r in tr]
    x_ev, y_ev = [r["text"] for r in ev], [r["intent"] for r in ev]

    def char():
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)

    def word():
        return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)

    out = {}
    for name, vecs, model in [
        ("svm char 2-5", [char()], LinearSVC(C=1.0)),
        ("svm char + word", [char(), word()], LinearSVC(C=1.0)),
        ("naive bayes char + word", [char(), word()], MultinomialNB(alpha=0.05)),
    ]:
        a = hstack([v.fit_transform(x_tr) for v in vecs]).tocsr()
        b = hstack([v.transform(x_ev) for v in vecs]).tocsr()
        model.fit(a, y_tr)
        pred = model.predict(b)
        out[name] = sum(p == y for p, y in zip(pred, y_ev)) / max(1, len(y_ev))
    return out


def pct(x):
    return "–" if x is None else f"{100 * x:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", default=os.path.join(ROOT, "..", "shared", "datasets"))
    ap.add_argument("--faqbot", default=os.path.join(ROOT, "target", "release", "faqbot"))
    ap.add_argument("--baselines", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(args.faqbot):
        subprocess.run(
            ["cargo", "build", "--release", "--features", "cli", "--quiet"], cwd=ROOT, check=True
        )

    clinc = os.path.join(ROOT, "benches", "data", "clinc150.jsonl")
    banking = os.path.join(ROOT, "benches", "data", "banking77.jsonl")
    ru = os.path.join(args.datasets, "ru_chatbot_intents", "data.jsonl")
    tmp = tempfile.mkdtemp(prefix="faqbot-quality-")
    runs = [("clinc150", clinc, ["val", "test"], True)]
    for name, path in [("banking77", banking), ("ru_chatbot_intents", ru)]:
        if not os.path.exists(path):
            print(f"({name}: {path} not found, skipped)", file=sys.stderr)
            continue
        dev = os.path.join(tmp, name + "_dev.jsonl")
        write(with_dev_split(read(path)), dev)
        runs.append((name + " (train minus dev)", dev, ["dev"], False))
        runs.append((name, path, ["test"], False))

    print(f"{'dataset':<37} {'split':<5} {'top-1':>6} {'in-scope':>8} {'oos rec':>7} "
          f"{'r@2':>6} {'median':>8}")
    rows = []
    for name, path, splits, tune in runs:
        for split in splits:
            m = faqbot_eval(args.faqbot, path, split, tune)
            print(f"{name:<37} {split:<5} {pct(m['top1']):>6} {pct(m['inscope']):>8} "
                  f"{pct(m['oos_recall']):>7} {pct(m['recall2']):>6} {m['median_us']:>6.1f}µs",
                  flush=True)
            rows.append((name, path, split))
    if args.baselines:
        try:
            import sklearn  # noqa: F401
        except ImportError:
            print("--baselines needs scikit-learn (pip install scikit-learn)", file=sys.stderr)
            return 1
        print("\ntrained reference classifiers, top-1 on the same questions:")
        for name, path, split in rows:
            res = baselines(read(path), "train", split)
            cells = "  ".join(f"{k} {pct(v)}" for k, v in res.items())
            print(f"{name:<37} {split:<5} {cells}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
