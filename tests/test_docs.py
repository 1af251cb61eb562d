"""The project's own docs (issue 11): the CLI and API references match the code, every
command, endpoint, input kind, metric, policy section and cited source is documented, every
example file imports as its kind, and the README sends users to docs/, not to files they do
not have."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from sellerhealth.cli import reference
from sellerhealth.domain.history import METRIC_NAMES
from sellerhealth.domain.states import ASSESSMENTS
from sellerhealth.ingest.base import ReadOptions, TabularImporter
from sellerhealth.ingest.registry import IMPORTERS, detect_kind
from sellerhealth.policy_files import load_policy
from sellerhealth.vocabulary import METRIC_STATUSES, held

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
POLICY = ROOT / "policies" / "amazon-us-2026.toml"
REGENERATE = "run `python -m sellerhealth.cli.reference docs` and commit the result"


def text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "build"), [("cli.md", reference.cli_reference), ("api.md", reference.api_reference)]
)
def test_the_references_are_generated_from_the_code(name, build):
    assert text(name) == build(), f"docs/{name} is out of date: {REGENERATE}"


def test_every_cli_command_is_documented():
    documented = set(re.findall(r"^## (.+)$", text("cli.md"), re.M))
    names = {name for name, _ in reference.commands()}
    assert names <= documented
    assert {"report", "import", "watch", "serve", "account set", "appeal update"} <= names


def test_every_api_endpoint_and_page_is_documented():
    documented = set(re.findall(r"^## GET (\S+)$", text("api.md"), re.M))
    from sellerhealth.web import api, pages

    routes = {
        route.path
        for route in (*api.router.routes, *pages.router.routes)
        if "GET" in (getattr(route, "methods", None) or ())
    }
    assert routes and routes <= documented
    assert "/api/accounts/{account}/report" in routes and "/" in routes


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda i: i.kind)
def test_every_input_kind_is_documented_with_an_example_that_imports(importer, tmp_path):
    inputs = text("inputs.md")
    row = next(line for line in inputs.splitlines() if line.startswith(f"| `{importer.kind}`"))
    example = re.search(r"\]\((examples/[^)]+)\)", row)
    assert example, f"no example file for {importer.kind}"
    path = DOCS / example.group(1)
    assert detect_kind(path).kind == importer.kind
    result = importer.read(path, ReadOptions(account="acme"))
    assert result.records and not result.rejected
    if isinstance(importer, TabularImporter) and not importer.kind.startswith("amazon-"):
        bold = set(re.findall(r"\*\*(\w+)\*\*", row))
        assert bold == set(importer.required()), importer.kind


def test_every_metric_is_documented_with_its_rule_window_and_source():
    metrics = text("metrics.md")
    for name in METRIC_NAMES:
        row = next((line for line in metrics.splitlines() if f"(`{name}`" in line), None)
        assert row is not None, name
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 5 and all(cells), name  # metric, rule, window, target, source


def test_every_source_the_policy_cites_is_in_the_docs():
    raw = POLICY.read_text(encoding="utf-8")
    cited = {
        part.strip()
        for value in re.findall(r'source = "([^"]+)"', raw)
        for part in value.split(",")
    }
    sections = set(re.findall(r"^### (\d+\.\d+) ", text("sources.md"), re.M))
    assert cited and cited <= sections, cited - sections
    assert "amazon-policy.md" not in raw and "shared/" not in raw


def test_every_policy_setting_is_in_the_policy_format():
    policy_doc = text("policy.md")
    raw = tomllib.loads(POLICY.read_text(encoding="utf-8"))
    for section, keys in raw.items():
        if section in ("meta", "decisions"):
            continue
        assert f"| `{section}` |" in policy_doc, section
        if section in ("radar", "states"):
            continue  # summarised: `policy show` lists them
        for key in keys:
            assert f"`{key}`" in policy_doc, f"{section}.{key}"


def test_the_state_vocabulary_is_documented():
    states = text("states.md")
    policy = load_policy()
    rules = policy.states
    levels = {
        "no risk found": rules.capabilities_healthy,
        "at risk of a growth review": rules.capabilities_under_review_growth,
        "at risk of review": rules.capabilities_under_review_risk,
        "at risk of suspension": rules.capabilities_suspended,
        "at risk of deactivation": rules.capabilities_deactivated,
    }
    assert set(levels) == set(ASSESSMENTS.values())
    names = ("can_sell", "can_receive_disbursements", "can_appeal", "can_log_in")
    for phrase, granted in levels.items():
        row = next(line for line in states.splitlines() if f"| {phrase} |" in line)
        stops = row.strip().strip("|").split("|")[-1].strip()
        expected = held({n: n in granted for n in names}) if phrase != "no risk found" else ""
        assert stops == (expected or "nothing"), phrase
    for status in METRIC_STATUSES:
        assert f"| `{status}` |" in states


def test_the_readme_links_the_docs_and_no_file_users_do_not_have():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/" in readme
    for linked in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / linked).exists(), linked
    for gone in ("SPEC section", "reference/", "amazon-policy.md", "/work/shared"):
        assert gone not in readme, gone
    for page in DOCS.glob("*.md"):
        body = page.read_text(encoding="utf-8")
        assert "amazon-policy.md" not in body and "SPEC" not in body, page.name
        for linked in re.findall(r"\]\(([^)#:]+)", body):
            assert (page.parent / linked).exists(), f"{page.name}: {linked}"
