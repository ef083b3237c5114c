"""The raw responses behind stored articles, kept as WARC so that articles can be extracted again
with better rules without crawling the sites again.

Each crawl run appends to its own ``crawl-<run id>-<timestamp>.warc.gz`` in the captures
directory (``DATA/warc`` unless ``--captures DIR`` says; crawlers on several machines share one
directory, and run ids from their shared store keep the names apart). A record is on disk
(fsynced) before the store commits the article that points at it, so a reference never dangles.
"""

from __future__ import annotations

import os
from contextlib import suppress
from datetime import datetime, timezone
from http.client import responses
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# The body is stored as decoded by the client; these would describe bytes that are not there.
TRANSPORT_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def captures_dir(data_dir: str | Path, captures: str | Path | None = None) -> Path:
    """Where captures go: ``captures`` when given, else ``DATA/warc``."""
    return Path(captures) if captures else Path(data_dir) / "warc"


class CaptureWriter:
    """Opens its file at the first record, so that runs without articles leave no empty file."""

    def __init__(self, directory: str | Path, run_id: int):
        self.dir = Path(directory)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.name = f"crawl-{run_id}-{stamp}.warc.gz"
        self._file = None
        self._writer = None

    def write(self, url: str, status: int, headers, content: bytes) -> str:
        """Append one response record; returns its reference ``"<file name>:<offset>"``."""
        if self._file is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._file = open(self.dir / self.name, "ab")  # noqa: SIM115 - open across writes
            self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        kept = [(k, v) for k, v in headers.items() if k.lower() not in TRANSPORT_HEADERS]
        kept.append(("Content-Length", str(len(content))))
        status_line = f"{status} {responses.get(status, '')}".strip()
        http_headers = StatusAndHeaders(status_line, kept, protocol="HTTP/1.1")
        record = self._writer.create_warc_record(
            url, "response", payload=BytesIO(content), http_headers=http_headers
        )
        offset = self._file.tell()
        try:
            self._writer.write_record(record)
            self._file.flush()
            os.fsync(self._file.fileno())
        except BaseException:
            self._cut_at(offset)
            raise
        return f"{self.name}:{offset}"

    def _cut_at(self, offset: int) -> None:
        """Drop a record the disk had no room for, so the file stays a valid WARC of whole
        records; the next write opens it again."""
        path = Path(self._file.name)
        with suppress(OSError):
            self._file.close()  # flushing what is still buffered fails again on a full disk
        self._file = self._writer = None
        with suppress(OSError):
            if offset:
                os.truncate(path, offset)
            else:
                path.unlink()

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None


def read_capture(directory: str | Path, ref: str) -> tuple[str, dict[str, str], bytes]:
    """``(url, HTTP headers, body)`` of the record that ``ref`` points at, in the captures
    ``directory``."""
    name, _, offset = ref.rpartition(":")
    path = Path(directory) / name
    if not name or not offset.isdigit() or Path(name).name != name:
        raise ValueError(f"bad capture reference {ref!r}: expected '<file name>:<offset>'")
    if not path.exists():
        raise FileNotFoundError(f"capture file {path} is missing; restore the captures directory")
    with open(path, "rb") as stream:
        stream.seek(int(offset))
        record = next(iter(ArchiveIterator(stream)), None)
        if record is None or record.rec_type != "response":
            raise ValueError(f"no response record at {ref}; the capture file may be truncated")
        url = record.rec_headers.get_header("WARC-Target-URI")
        headers = dict(record.http_headers.headers)
        return url, headers, record.content_stream().read()
