#!/usr/bin/env bash
# metrics_doc.sh <docs/metrics.md> <section> [hubble]: the metric families
# documented in the tables under the "## <section>..." headings (a heading
# that starts with <section>: "flowd" takes "flowd" and "flowd: ..."), one
# "<name> <type>" per line, sorted. With "hubble", the names of the last
# column (--metrics-prefix hubble) instead of the first.
# The one reader of docs/metrics.md: the C++ doc tests and the shell tests
# (dashboards, the sandbox's live scrape) all use it.
set -euo pipefail
doc=${1:?usage: metrics_doc.sh <docs/metrics.md> <section> [hubble]}
section=${2:?usage: metrics_doc.sh <docs/metrics.md> <section> [hubble]}
column=${3:-}
[[ -r $doc ]] || { echo "metrics_doc.sh: cannot read $doc" >&2; exit 2; }
awk -v want="$section" -v hubble="$column" '
  /^## / { insec = index(substr($0, 4), want) == 1; next }
  insec && /^\| *`/ {
    n = split($0, c, "|")
    name = hubble == "hubble" ? c[n - 1] : c[2]
    type = c[3]
    gsub(/[` ]/, "", name)
    gsub(/ /, "", type)
    print name, type
  }
' "$doc" | sort
