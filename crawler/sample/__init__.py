"""The bundled sample archive: three small provincial news sites written for vnsearch.

``sites/<key>/`` holds the static pages of each site, ``truth.json`` what a perfect crawl
and extraction of them yields, and which of the articles carry the same story (reprints of one
report across the sites) or only look alike (notices of one template with other facts). :func:`serve_sample` (in :mod:`crawler.sample.server`)
serves every site on its own local port, with the behaviour a real site adds to its files
(redirects, a one-time 503, conditional GET, a calendar trap, a wrong charset header).
"""

from __future__ import annotations

import json
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent
SITES_DIR = SAMPLE_DIR / "sites"
TRUTH_PATH = SAMPLE_DIR / "truth.json"


def load_truth() -> dict:
    """The ground truth of the sample archive (all text NFC)."""
    return json.loads(TRUTH_PATH.read_text(encoding="utf-8"))


def __getattr__(name: str):
    # Lazy, so that ``python -m crawler.sample.server`` does not import the module twice.
    if name in ("serve_sample", "SampleArchive"):
        from crawler.sample import server

        return getattr(server, name)
    raise AttributeError(name)


__all__ = ["SAMPLE_DIR", "SITES_DIR", "TRUTH_PATH", "SampleArchive", "load_truth", "serve_sample"]
