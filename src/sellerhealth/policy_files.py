"""Finding and reading policy files (the I/O half of `domain.policy`)."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from sellerhealth.domain.policy import Policy, policy_from_dict
from sellerhealth.errors import PolicyError

DEFAULT_POLICY = "amazon-us-2026"


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
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(str(path), ["file not found"]) from None
    except tomllib.TOMLDecodeError as problem:
        raise PolicyError(str(path), [f"not valid TOML: {problem}"]) from None
    return policy_from_dict(raw, origin=str(path))


def policy_digest(name_or_path: str) -> str:
    """A digest of the policy file's text: kept counters counted under another version of the
    file are not this version's (see `store.counters`)."""
    path = policy_path(name_or_path)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except FileNotFoundError:
        raise PolicyError(str(path), ["file not found"]) from None
