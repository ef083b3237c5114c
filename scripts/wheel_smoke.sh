#!/usr/bin/env bash
# Install vnsearch the way users do and check that it works there: build the sdist and the
# wheel, install the wheel into a fresh virtual environment outside the checkout, then run the
# demo (crawl + index of the bundled sample), fetch a page, a static file and the API, and
# search from the command line. An editable install hides files missing from the wheel; this
# does not.
#
# usage: scripts/wheel_smoke.sh [PYTHON]   (PYTHON has the `build` package; default python3)
set -euo pipefail

PYTHON=${1:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
DEMO=""
cleanup() {
    if [ -n "$DEMO" ]; then kill "$DEMO" 2>/dev/null || true; wait "$DEMO" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "wheel smoke test: $*" >&2; exit 1; }

echo "building the sdist and the wheel"
"$PYTHON" -m build --outdir "$WORK/dist" "$ROOT" >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; fail "the build failed"; }
if grep -q "would be ignored" "$WORK/build.log"; then
    grep -B2 -A6 "would be ignored" "$WORK/build.log" | head -40 >&2
    fail "setuptools warns that data directories would be ignored"
fi

echo "installing the wheel into a fresh environment in $WORK"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$WORK"/dist/*.whl
cd "$WORK"  # nothing of the checkout is importable from here
"$WORK/venv/bin/python" - <<'EOF'
import webui, crawler
for module in (webui, crawler):
    assert "site-packages" in module.__file__, f"{module.__name__} comes from {module.__file__}"
EOF

echo "running the demo"
"$WORK/venv/bin/vnsearch" demo --port 0 --data-dir "$WORK/data" >"$WORK/demo.log" 2>&1 &
DEMO=$!
URL=""
for _ in $(seq 1 240); do
    URL=$(sed -n 's/^vnsearch demo: open \(http[^ ]*\) .*/\1/p' "$WORK/demo.log")
    [ -n "$URL" ] && break
    kill -0 "$DEMO" 2>/dev/null || { cat "$WORK/demo.log" >&2; fail "the demo stopped"; }
    sleep 0.5
done
[ -n "$URL" ] || { cat "$WORK/demo.log" >&2; fail "the demo did not start serving"; }

"$WORK/venv/bin/python" - "$URL" <<'EOF'
import json, sys, urllib.request

base = sys.argv[1].rstrip("/")

def get(path):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return response.status, response.headers["Content-Type"], response.read().decode()

status, kind, page = get("/search?q=d%C3%A2n+v%E1%BA%ADn")
assert status == 200 and kind.startswith("text/html"), (status, kind)
assert "/static/style.css" in page and "dân vận" in page.lower(), page[:500]
status, kind, _ = get("/static/style.css")
assert status == 200 and kind.startswith("text/css"), (status, kind)
status, kind, body = get("/api/search?q=dan+van")
result = json.loads(body)
assert status == 200 and result["total"] > 0, result
print(f"page, stylesheet and API answer; the API finds {result['total']} article(s)")
EOF

"$WORK/venv/bin/vnsearch" search "dan van" --limit 1 --data-dir "$WORK/data/demo" >"$WORK/search.txt" \
    || fail "vnsearch search failed"
grep -q "article(s)" "$WORK/search.txt" || fail "vnsearch search printed no result line"
echo "wheel smoke test passed"
