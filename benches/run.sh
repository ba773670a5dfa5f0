#!/usr/bin/env bash
# Runs every benchmark once in a short configuration and prints a summary table.
#
#   benches/run.sh            # short run (about 5 minutes on 2 cores)
#   FAQBOT_BENCH_QUICK=1 benches/run.sh  # skip criterion timing of the 15,000-intent build
#   benches/run.sh --summary  # only reprint the table of the last run
#
# Criterion medians come from target/criterion/**/new/estimates.json (per iteration,
# divided by the benchmark's element count for the per-message figure); p50/p99 of single
# messages, accuracies, index sizes and allocation counts come from the `SUMMARY` lines
# the benches print. CLINC150 figures need benches/data/clinc150.jsonl; without it they
# are skipped and shown as n/a.
set -euo pipefail

cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
out="$target/bench-run"
mkdir -p "$out"
log="$out/log.txt"
stamp="$out/stamp"
if [[ "${1:-}" != --summary ]]; then
: >"$log"
touch "$stamp"
# Criterion's files must be newer than the stamp; some filesystems have 1 s resolution.
sleep 1

short=(--warm-up-time 1 --measurement-time 3)
for bench in compile answer scale; do
    echo "== cargo bench --bench $bench" >&2
    cargo bench --bench "$bench" -- "${short[@]}" 2>&1 | tee -a "$log" >&2
done
echo "== cargo bench --bench alloc" >&2
cargo bench --bench alloc 2>&1 | tee -a "$log" >&2
fi

# full_id <TAB> nanoseconds per element (per iteration when there is no throughput).
medians="$out/medians.tsv"
: >"$medians"
while IFS= read -r bj; do
    dir="$(dirname "$bj")"
    # `|| true`: a benchmark without throughput has no "Elements" (and set -e is on).
    id="$(grep -o '"full_id":"[^"]*"' "$bj" | sed 's/"full_id":"//; s/"$//' || true)"
    elems="$(grep -o '"Elements":[0-9]*' "$bj" | sed 's/.*://' || true)"
    median="$(grep -oE '"median":\{"confidence_interval":\{[^}]*\},"point_estimate":[0-9.eE+-]+' \
        "$dir/estimates.json" | sed 's/.*"point_estimate"://' || true)"
    printf '%s\t%s\t%s\n' "$id" "$median" "${elems:-1}" >>"$medians"
done < <(find "$target/criterion" -path '*/new/benchmark.json' -newer "$stamp" | sort)

grep '^SUMMARY ' "$log" | awk '{print $2 "\t" $3 "\t" $4}' >"$out/summary.tsv" || true

awk -F '\t' '
function fmt(ns) {
    if (ns == "") return "n/a";
    if (ns < 1e3) return sprintf("%.0f ns", ns);
    if (ns < 1e6) return sprintf("%.2f us", ns / 1e3);
    if (ns < 1e9) return sprintf("%.2f ms", ns / 1e6);
    return sprintf("%.2f s", ns / 1e9);
}
function us(key) { return (key in s) ? fmt(s[key] * 1e3) : "n/a"; }
function val(key, unit) { return (key in s) ? sprintf("%.3g%s", s[key], unit) : "n/a"; }
function mb(key) { return (key in s) ? sprintf("%.1f MB", s[key] / 1e6) : "n/a"; }
FNR == NR { m[$1] = $2 / $3; order[++n] = $1; next }
{ s[$1] = $2 }
END {
    printf "\n%-44s %14s %12s %12s\n", "benchmark", "median/msg", "p50 (1 msg)", "p99 (1 msg)";
    for (i = 1; i <= n; i++) {
        id = order[i]; p50 = ""; p99 = "";
        if (id ~ /^answer_clinc\//) { p50 = us("answer.clinc.p50"); p99 = us("answer.clinc.p99") }
        if (id ~ /^answer_naive\//) { p50 = us("answer.naive.p50") }
        if (id ~ /^scale_answer\/intents_/) {
            k = id; sub(/.*intents_/, "", k);
            p50 = us("scale." k ".p50"); p99 = us("scale." k ".p99");
        }
        printf "%-44s %14s %12s %12s\n", id, fmt(m[id]), p50, p99;
    }
    bot = m["answer_clinc/bot_200_questions"]; naive = m["answer_naive/levenshtein_10_questions"];
    a = m["scale_answer/intents_150"]; b = m["scale_answer/intents_15000"];
    printf "\n%-44s %s\n", "bundled, all 20 cases: p50 / p99",
        us("answer.bundled.all.p50") " / " us("answer.bundled.all.p99");
    printf "%-44s %s\n", "CLINC speed-up vs naive (criterion medians)",
        (bot > 0 && naive > 0) ? sprintf("%.0fx", naive / bot) : "n/a";
    printf "%-44s %s\n", "CLINC speed-up vs naive (single-message p50)", val("answer.speedup_p50", "x");
    printf "%-44s %s\n", "CLINC top-1 accuracy: bot / naive",
        val("answer.clinc.top1_accuracy", "") " / " val("answer.naive.top1_accuracy", "");
    printf "%-44s %s\n", "answer growth 150 -> 15,000 intents",
        ((a > 0 && b > 0) ? sprintf("%.1fx", b / a) : "n/a") " (criterion medians), " \
        val("scale.growth_interleaved", "x") " (p50, interleaved)";
    printf "%-44s %s\n", "compile bundled intents/ (criterion)", fmt(m["compile/bundled_from_dir"]);
    printf "%-44s %s\n", "compile CLINC150 (criterion)", fmt(m["compile/clinc150_from_content"]);
    split("150 1500 15000", sizes, " ");
    for (i = 1; i <= 3; i++) {
        k = sizes[i]; c = m["scale_compile/intents_" k];
        printf "%-44s %s\n", "compile " k " intents x 100 examples",
            ((c != "") ? fmt(c) " (criterion), " : "") \
            (("scale." k ".compile_once" in s) ? fmt(s["scale." k ".compile_once"] * 1e9) " (once)" : "n/a");
    }
    printf "%-44s %s\n", "index bytes: bundled / CLINC150",
        mb("compile.bundled.index_bytes") " / " mb("compile.clinc.index_bytes");
    printf "%-44s %s\n", "index bytes: 150 / 1,500 / 15,000 intents",
        mb("scale.150.index_bytes") " / " mb("scale.1500.index_bytes") " / " mb("scale.15000.index_bytes");
    printf "%-44s %s\n", "allocations per message: bundled (mean/max)",
        val("alloc.bundled.mean", "") " / " val("alloc.bundled.max", "");
    printf "%-44s %s\n", "allocations per message: CLINC (mean/max)",
        val("alloc.clinc.mean", "") " / " val("alloc.clinc.max", "");
}' "$medians" "$out/summary.tsv"
