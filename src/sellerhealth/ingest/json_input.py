"""Loading a JSON input (the Orders API's and the performance report's): every way it can be
broken reported as a row error on the file, never raised.

Besides malformed JSON that means: nesting deeper than any Amazon document (10,000 levels
overflow the parser's stack), NaN and Infinity (not JSON, and nothing a metric can use),
numbers too long to convert, and strings no store can keep (NUL, a lone surrogate such as
`"\\ud800"`), each named by its path in the document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sellerhealth.errors import RowError
from sellerhealth.ingest.base import ReadResult
from sellerhealth.ingest.text import read_text
from sellerhealth.ingest.values import check_text

MAX_DEPTH = 64  # Amazon's documents nest under ten levels


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; write a number or null")


def load_json(path: Path, result: ReadResult, encoding: str | None = None) -> tuple[Any, str]:
    """The parsed document and its text, or (None, text) after recording what is wrong."""
    text = read_text(path, encoding)
    name = str(path)
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as problem:
        where = f"{problem.msg} at column {problem.colno}"
        result.errors.append(RowError(name, problem.lineno, "json", f"invalid JSON: {where}"))
        return None, text
    except RecursionError:
        problem_text = f"nested more than {MAX_DEPTH} levels deep; this is no Amazon document"
        result.errors.append(RowError(name, 1, "json", problem_text))
        return None, text
    except ValueError as problem:  # NaN, or a number of more than 4,300 digits
        result.errors.append(RowError(name, 1, "json", f"invalid JSON: {problem}"))
        return None, text
    found = next(_problems(document), None)
    if found is not None:
        result.errors.append(RowError(name, 1, *found))
        return None, text
    return document, text


def _problems(document: Any) -> Iterator[tuple[str, str]]:
    """(path, problem) for the first node too deep or a string that cannot be stored."""
    stack: list[tuple[Any, str, int]] = [(document, "json", 1)]
    while stack:
        node, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            yield where, f"nested more than {MAX_DEPTH} levels deep; this is no Amazon document"
            return
        if isinstance(node, dict):
            for key, value in node.items():
                try:
                    check_text(key)
                except ValueError as problem:
                    yield where, f"a key {problem}"
                    return
                stack.append((value, f"{where}.{key}" if where != "json" else key, depth + 1))
        elif isinstance(node, list):
            stack.extend((value, f"{where}[{i}]", depth + 1) for i, value in enumerate(node))
        elif isinstance(node, str):
            try:
                check_text(node)
            except ValueError as problem:
                yield where, str(problem)
                return
