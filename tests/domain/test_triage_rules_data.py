"""Feedback triage, the rules are data: a spelling added to the data files is understood,
one-typo corrections, broken rules reported all at once, a missing file a policy error."""

from __future__ import annotations

import shutil
import tomllib

import pytest
from tests.domain.triage_cases import AFN, triage

from sellerhealth.domain.triage import Verdict, classify, rules_from_dict
from sellerhealth.errors import PolicyError
from sellerhealth.ingest.triage_rules import TRIAGE_FILES, load_triage_rules, triage_data_dir


def raw_rules() -> dict:
    folder = triage_data_dir()
    return {name: tomllib.loads((folder / f"{name}.toml").read_text()) for name in TRIAGE_FILES}


def test_a_misspelling_added_to_the_data_is_understood():
    raw = raw_rules()
    # Two typos away from "package": beyond the automatic correction, so it takes an entry.
    before = classify("pakkaje nevr kame", 1, AFN, False, rules_from_dict(raw))
    raw["normalization"]["spelling"] |= {"pakkaje": "package", "kame": "came"}
    after = classify("pakkaje nevr kame", 1, AFN, False, rules_from_dict(raw))
    assert (before.verdict, after.verdict) == (Verdict.NEITHER, Verdict.STRIKE_THROUGH)


def test_one_typo_from_a_lexicon_word_is_read_as_that_word(rules):
    # "Prodcut" (swapped), "dayz" (wrong letter), "quailty" (swapped): no spelling entries.
    result = triage(rules, "Prodcut stoped workng after 2 dayz, quailty is horible", AFN)
    assert result.verdict == Verdict.REMOVABLE


def test_a_real_word_of_another_language_is_not_corrected(rules):
    # The Spanish "perro" (dog) is one letter from the Italian "perso" (lost): not corrected,
    # so a product complaint about the dog chewing it is not made a lost parcel.
    from sellerhealth.domain.triage_text import _words

    assert "perro" in _words("mi perro lo rompió", rules).words
    assert "perso" in _words("mi pacco e perrso", rules).words


def test_broken_rules_are_reported_all_at_once():
    raw = raw_rules()
    raw["product"]["review"]["phrases"].append("{no_such_class} broke")
    raw["delivery"]["delay"]["topic"] = "weather"
    with pytest.raises(ValueError, match="no_such_class") as problem:
        rules_from_dict(raw)
    assert "unknown topic 'weather'" in str(problem.value)


def test_a_missing_data_file_is_a_policy_error(tmp_path):
    shutil.copytree(triage_data_dir(), tmp_path / "triage")
    (tmp_path / "triage" / "profanity.toml").unlink()
    with pytest.raises(PolicyError, match=r"profanity\.toml: file not found"):
        load_triage_rules(tmp_path / "triage")
