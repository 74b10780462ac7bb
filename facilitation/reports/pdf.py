"""A tagged PDF next to the Word report, made from the same .docx by LibreOffice headless.

LibreOffice writes a tagged PDF (structure tree, headings, lists, tables, the pictures' alternative text,
the document's title and language) that claims PDF/UA and PDF/A-2b. It is an optional program on the
server: without it, `available()` is False, the pages say so instead of offering the button, and the
routes answer 503 with that message.

Each conversion gets its own LibreOffice user profile in a temporary folder: two downloads at once would
otherwise share one profile, and the second soffice would hand its work to the first and exit without a
file. At most `MAX_PARALLEL` conversions run at once per process (each takes a core for a few seconds),
and one that hangs is killed after `TIMEOUT_SECONDS`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

TIMEOUT_SECONDS = 120
MAX_PARALLEL = 2
_slots = threading.BoundedSemaphore(MAX_PARALLEL)

#: LibreOffice's PDF export options (filter data as JSON, LibreOffice 7.4 and later)
EXPORT_OPTIONS = {
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "PDFUACompliance": {"type": "boolean", "value": "true"},
    # 2 = PDF/A-2b; LibreOffice embeds the fonts and an sRGB output intent for it
    "SelectPdfVersion": {"type": "long", "value": "2"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    # a PDF reader's title bar shows the document title from the properties, not the file name
    "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
}


class PdfUnavailable(RuntimeError):
    """No converter is installed, or it failed; the message says which, in English for the log."""


def converter() -> str | None:
    """The LibreOffice program, from FACILITATION_SOFFICE or the PATH."""
    configured = os.environ.get("FACILITATION_SOFFICE")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return converter() is not None


def from_docx(content: bytes) -> bytes:
    """The PDF of a .docx file, or PdfUnavailable."""
    office = converter()
    if office is None:
        raise PdfUnavailable("LibreOffice (soffice) is not installed on the server")
    with _slots, tempfile.TemporaryDirectory(prefix="report-pdf-") as folder:
        work = Path(folder)
        source = work / "report.docx"
        source.write_bytes(content)
        command = [
            office,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export:" + json.dumps(EXPORT_OPTIONS, separators=(",", ":")),
            "--outdir",
            str(work),
            str(source),
        ]
        _run(command, work)
        result = work / "report.pdf"
        if not result.exists():
            raise PdfUnavailable("LibreOffice made no PDF")
        return result.read_bytes()


def _run(command: list[str], work: Path) -> None:
    """Run soffice in a process group of its own: `soffice` is a launcher that starts soffice.bin, so on a
    timeout the whole group is killed, not only the launcher (which would leave soffice.bin running)."""
    with subprocess.Popen(
        command, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    ) as process:
        try:
            process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfUnavailable(f"LibreOffice took longer than {TIMEOUT_SECONDS} s") from exc
