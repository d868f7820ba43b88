"""Reading a file into text, or saying exactly why it cannot be analysed."""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass

from prodgate.core.discovery import SourceFile
from prodgate.core.finding import Diagnostic

BINARY_PROBE = 8192


@dataclass(frozen=True, slots=True)
class SourceText:
    file: SourceFile
    data: bytes
    text: str


def decode(file: SourceFile, data: bytes) -> SourceText | Diagnostic:
    if b"\x00" in data[:BINARY_PROBE]:
        return Diagnostic(file.relative, "binary", "binary file (contains NUL bytes); not analysed")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError) as exc:
        return Diagnostic(file.relative, "decode-error", f"cannot determine the encoding: {exc}")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Diagnostic(file.relative, "decode-error", f"not valid {exc.encoding}: {exc.reason} at byte {exc.start}", line)
    if text.startswith("\ufeff"):
        text = text[1:]
    return SourceText(file, data, text)


def read(file: SourceFile, max_size: int) -> SourceText | Diagnostic:
    try:
        size = file.absolute.stat().st_size
        if max_size and size > max_size:
            return Diagnostic(file.relative, "too-large", f"{size:,} bytes is over max-file-size ({max_size:,}); not analysed")
        data = file.absolute.read_bytes()
    except OSError as exc:
        return Diagnostic(file.relative, "unreadable", f"cannot read: {exc.strerror or exc}")
    return decode(file, data)
