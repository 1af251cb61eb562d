"""An input file's bytes as text: what the file is (gzip, zip, UTF-16, plain) and its encoding.

Amazon hands reports over gzip-compressed as often as not, and Seller Central's downloads of
older marketplaces are Windows-1252, so neither may be misread: a gzip file is read through
its decompressor, and a file that is not valid UTF-8 (checked over the whole file, not just
its start, before a row is read) is read as Windows-1252, the encoding Amazon's Western
reports use, whose letters Latin-1 files share. A zip archive is named as one, not guessed at.
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from sellerhealth.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
CHUNK = 1 << 20
# Windows-1252 leaves five bytes undefined; a file with one of them is read as Latin-1.
_CP1252_HOLES = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_NO_BOM = "{path} looks like UTF-16 text without a byte order mark; save it as UTF-8"
# A UTF-8 multi-byte character; Windows-1252 text almost never holds one by chance.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}


def _open_raw(path: Path) -> BinaryIO:
    handle = path.open("rb")
    if handle.read(2) == GZIP_MAGIC:
        handle.seek(0)
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    handle.seek(0)
    return handle


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


@contextmanager
def _guarded(path: Path) -> Iterator[None]:
    """A damaged gzip stream or an unreadable file as one clear error."""
    try:
        yield
    except (gzip.BadGzipFile, EOFError, zlib.error) as problem:
        raise InputError(f"{path} is a damaged gzip file ({problem}); download it again") from None
    except OSError as problem:
        raise InputError(f"{path}: cannot read the file: {problem.strerror or problem}") from None


def _refuse_containers(path: Path, start: bytes) -> None:
    if start.startswith(ZIP_MAGICS):
        raise InputError(
            f"{path} is a zip archive (an Excel workbook is one too), not a report; "
            "extract the report file (or save the sheet as CSV) and import that"
        )
    if start.startswith(UTF32_BOMS):
        raise InputError(f"{path} is UTF-32 text; save it as UTF-8 and import that")
    if start.startswith(GZIP_MAGIC):
        raise InputError(f"{path} is gzip-compressed twice; decompress it once (gunzip)")


def _looks_utf16(start: bytes) -> bool:
    """UTF-16 without a byte order mark: ASCII text with a zero byte beside every letter."""
    sample = start[:200]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return even.count(0) > len(even) * 0.8 or odd.count(0) > len(odd) * 0.8


def encoding_of(path: Path) -> str:
    """The Python codec to read `path` with; InputError when it is no text sellerhealth reads.

    Not UTF-8 throughout means Windows-1252, unless the file is UTF-8 elsewhere: then it is
    damaged or mixes encodings, and reading it either way would misread part of it."""
    with _guarded(path), _open_raw(path) as raw:
        start = raw.read(CHUNK)
        _refuse_containers(path, start)
        if start.startswith(UTF16_BOMS):
            return "utf-16"
        if _looks_utf16(start):
            raise InputError(_NO_BOM.format(path=path))
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        holes = utf8_seen = False
        bad_line = lines = 0
        block = start
        while block:
            if block.isascii():  # the common case, checked at memory speed
                lines += block.count(b"\n")
                block = raw.read(CHUNK)
                continue
            holes = holes or any(hole in block for hole in _CP1252_HOLES)
            utf8_seen = utf8_seen or _UTF8_MULTIBYTE.search(block) is not None
            if not bad_line:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as problem:
                    bad_line = lines + block[: max(problem.start, 0)].count(b"\n") + 1
            lines += block.count(b"\n")
            block = raw.read(CHUNK)
        if not bad_line:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise InputError(
                    f"{path}:{lines + 1}: *: the file ends inside a UTF-8 character; "
                    "it looks cut off (download it again)"
                ) from None
            return "utf-8-sig"
    if utf8_seen:
        raise InputError(
            f"{path}:{bad_line}: *: not valid UTF-8, though the file is UTF-8 elsewhere "
            "(a damaged file, or two encodings mixed); fix the line, or pass --encoding"
        )
    return "latin-1" if holes else "cp1252"


@contextmanager
def open_text(path: Path, encoding: str | None = None) -> Iterator[TextIO]:
    """`path` as text lines for the csv module (newlines untranslated), decompressed."""
    chosen = encoding or encoding_of(path)
    with _guarded(path), _open_raw(path) as raw:
        # errors="strict": the encoding was checked over the whole file; one given with
        # --encoding that does not fit is reported, not papered over with U+FFFD.
        text = io.TextIOWrapper(raw, encoding=chosen, errors="strict", newline="")
        try:
            yield text
        except UnicodeDecodeError as problem:
            raise InputError(
                f"{path} is not {chosen} text ({problem.reason} at byte {problem.start}); "
                "pass the right --encoding"
            ) from None
        finally:
            text.detach()


def read_text(path: Path, encoding: str | None = None) -> str:
    """The whole of `path` as one string, decompressed and decoded as `open_text` does."""
    with open_text(path, encoding) as handle:
        return handle.read().lstrip("\ufeff")


def head_text(path: Path, size: int) -> str:
    """The first `size` bytes of `path` (decompressed), decoded for telling its kind."""
    with _guarded(path), _open_raw(path) as raw:
        start = raw.read(size)
    _refuse_containers(path, start)
    if start.startswith(UTF16_BOMS):
        return start.decode("utf-16", errors="replace")
    if _looks_utf16(start):
        raise InputError(_NO_BOM.format(path=path))
    # A multi-byte character cut at the boundary must not make the head unreadable.
    return start.decode("utf-8", errors="replace").lstrip("\ufeff")


def encoding_label(encoding: str) -> str:
    return ENCODING_NAMES.get(encoding, encoding)
