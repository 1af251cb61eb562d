"""Finding and reading policy files (the I/O half of `domain.policy`)."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

from sellerhealth.domain.marketplaces import DEFAULT_POLICY
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.policy_inherit import inherit
from sellerhealth.domain.policy_read import policy_from_dict
from sellerhealth.errors import PolicyError

__all__ = ["DEFAULT_POLICY", "load_policy", "policy_digest", "policy_dirs", "policy_path"]


def policy_dirs() -> list[Path]:
    """Installed wheels carry the policies inside the package; a checkout has them at the root."""
    here = Path(__file__).resolve().parent
    return [here / "policies", here.parents[1] / "policies"]


def policy_path(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        return candidate
    for folder in policy_dirs():
        path = folder / f"{name_or_path}.toml"
        if path.exists():
            return path
    known = sorted({p.stem for d in policy_dirs() if d.is_dir() for p in d.glob("*.toml")})
    raise PolicyError(name_or_path, [f"no such policy; known policies: {', '.join(known)}"])


def load_policy(name_or_path: str = DEFAULT_POLICY) -> Policy:
    path = policy_path(name_or_path)
    return policy_from_dict(_resolved(path, ()), origin=str(path))


def _resolved(path: Path, seen: tuple[str, ...]) -> dict[str, Any]:
    """The file's tables, with its `inherits` chain merged in (domain.policy_inherit)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise PolicyError(str(path), ["file not found"]) from None
    raw = copy.deepcopy(_parsed(str(path), stat.st_mtime_ns, stat.st_size))
    meta = raw.get("meta")
    base_name = meta.get("inherits") if isinstance(meta, dict) else None
    if base_name is None:
        return raw
    if not isinstance(base_name, str) or base_name in seen or base_name == path.stem:
        raise PolicyError(str(path), [f"meta.inherits: {base_name!r} makes a loop or is no name"])
    base = _resolved(policy_path(base_name), (*seen, path.stem))
    merged, problems = inherit(raw, base, base_name)
    if problems:
        raise PolicyError(str(path), problems)
    return merged


@functools.lru_cache(maxsize=64)
def _parsed(path: str, mtime_ns: int, size: int) -> dict[str, Any]:
    """The file's TOML, read once per version of it: every import and question reads the
    account's policy, and parsing it costs more than the question (the key holds the file's
    modification time and size, so an edited file is read again)."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(path, ["file not found"]) from None
    except tomllib.TOMLDecodeError as problem:
        raise PolicyError(path, [f"not valid TOML: {problem}"]) from None


def policy_digest(name_or_path: str) -> str:
    """A digest of the policy as read (its file with the files it inherits from): kept
    counters counted under another version of it are not this version's (see
    `store.counters`)."""
    path = policy_path(name_or_path)
    text = json.dumps(_resolved(path, ()), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
