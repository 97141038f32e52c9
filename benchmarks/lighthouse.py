"""Lighthouse (mobile) scores of every page of the built book, served gzip-compressed on 127.0.0.1.

    make lighthouse          # installs Lighthouse 12.2.3 into .venv/lighthouse with npm, then runs this
    .venv/bin/python benchmarks/lighthouse.py book/momentum book/api   # only these pages
    BOOK_HTML=/tmp/other/_build/html LIGHTHOUSE_KEEP=/tmp/reports .venv/bin/python benchmarks/lighthouse.py

Lighthouse's performance score is a timing measurement of this machine (simulated mobile CPU and network), so it
lives here and not in the tests. Goals per page: performance >= 0.9, accessibility 1.0, best practices >= 0.95,
SEO >= 0.9. Prints one row per page (scores, then the metrics behind the performance score and the bytes
Lighthouse counted), and the pages that miss a goal, with the audits that cost the most.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
KEEP = Path(os.environ["LIGHTHOUSE_KEEP"]) if os.environ.get("LIGHTHOUSE_KEEP") else None  # keep the JSON reports
LIGHTHOUSE = ROOT / ".venv" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
GOALS = {"performance": 0.9, "accessibility": 1.0, "best-practices": 0.95, "seo": 0.9}
METRICS = {"first-contentful-paint": ("FCP", 1000, "s"), "largest-contentful-paint": ("LCP", 1000, "s"),
           "total-blocking-time": ("TBT", 1, "ms"), "cumulative-layout-shift": ("CLS", 1, ""),
           "speed-index": ("SI", 1000, "s"), "total-byte-weight": ("kB", 1000, ""), "dom-size": ("DOM", 1, "")}
TEXT = {".html", ".css", ".js", ".svg", ".json", ".txt", ".xml", ".map"}
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files as GitHub Pages does: text compressed with gzip, with a cache lifetime."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in TEXT or not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        import io

        return io.BytesIO(body)


def pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def audit(url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"}
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", f"--chrome-flags={CHROME_FLAGS}",
                    "--only-categories=performance,accessibility,best-practices,seo",
                    "--output=json", f"--output-path={out}"], env=env, check=True, capture_output=True)
    return json.loads(out.read_text())


def metrics(report: dict) -> str:
    out = []
    for key, (name, scale, unit) in METRICS.items():
        value = report["audits"].get(key, {}).get("numericValue")
        if value is not None:
            out.append(f"{name}={value / scale:.{2 if scale == 1000 or name == 'CLS' else 0}f}{unit}")
    return " ".join(out)


def main() -> int:
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `make lighthouse`")
        return 2
    handler = functools.partial(GzipHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    misses = []
    print(f"{'page':<28}" + "".join(f"{k:>16}" for k in GOALS))
    with tempfile.TemporaryDirectory() as tmp:
        for page in sys.argv[1:] or pages():
            report = audit(f"{base}/{page}.html", Path(tmp) / "report.json")
            if KEEP:
                KEEP.mkdir(parents=True, exist_ok=True)
                shutil.copy(Path(tmp) / "report.json", KEEP / f"{page.replace('/', '-')}.json")
            scores = {k: report["categories"][k]["score"] for k in GOALS}
            print(f"{page:<28}" + "".join(f"{scores[k]:>16.2f}" for k in GOALS) + "   " + metrics(report),
                  flush=True)
            for k, goal in GOALS.items():
                if scores[k] < goal:
                    refs = {r["id"]: r.get("weight", 0) for r in report["categories"][k]["auditRefs"]}
                    worst = sorted(
                        (a for a in report["audits"].values()
                         if a["id"] in refs and a.get("score") is not None and a["score"] < 1
                         and a.get("scoreDisplayMode") in ("numeric", "binary", "metricSavings")),
                        key=lambda a: (-refs[a["id"]] * (1 - a["score"]), a["score"]))[:4]
                    misses.append(f"{page} {k} {scores[k]:.2f} < {goal}: "
                                  + "; ".join(f"{a['id']} {a.get('displayValue', '')}".strip() for a in worst))
    httpd.shutdown()
    print("\n".join(["", "missed goals:"] + misses) if misses else "\nevery page meets every goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
