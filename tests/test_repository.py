"""The contributor-facing files say what the code does."""

from __future__ import annotations

import re

import click
import yaml

from afkb.cli import main
from afkb.fieldtypes import field_specs
from afkb.schema import Entry
from afkb.taxonomy import load_taxonomy
from conftest import ROOT


def afkb_commands_in(text: str) -> set[str]:
    return set(re.findall(r"\bafkb ([a-z][a-z-]+(?: [a-z]+)?)", text))


def command_exists(words: str) -> bool:
    group: click.Command = main
    for word in words.split():
        if not isinstance(group, click.Group):
            return True
        if word not in group.commands:
            return False
        group = group.commands[word]
    return True


def test_every_afkb_command_named_in_the_docs_exists() -> None:
    for name in ["README.md", "CONTRIBUTING.md", "entries/README.md", "SECURITY.md", ".pre-commit-config.yaml"]:
        text = (ROOT / name).read_text(encoding="utf-8")
        for words in afkb_commands_in(text):
            first = words.split()[0]
            if first in {"tools", "is", "plugin"}:
                continue
            assert command_exists(words), f"{name}: afkb {words}"


def test_entries_readme_documents_every_field_and_relation() -> None:
    text = (ROOT / "entries" / "README.md").read_text(encoding="utf-8")
    for name in field_specs(Entry):
        assert f"| `{name}` |" in text, f"entries/README.md does not document `{name}`"
    for relation in load_taxonomy().relations:
        assert f"| `{relation}` |" in text, f"entries/README.md does not document relation `{relation}`"


def test_workflows() -> None:
    test = yaml.safe_load((ROOT / ".github/workflows/test.yml").read_text())
    assert "pull_request" in test[True]  # YAML 1.1 reads the key `on` as True
    steps = [s.get("run", "") for s in test["jobs"]["test"]["steps"]]
    assert "make test" in steps
    assert ".venv/bin/afkb validate --format github" in steps
    pages = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text())
    build_steps = pages["jobs"]["build"]["steps"]
    assert {"run": "make build", "name": "Build the site (validates first)"} in build_steps
    assert any(s.get("with", {}).get("path") == "site" for s in build_steps)
    assert pages["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_weekly_tracking_workflow() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/tracking.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert [s["cron"] for s in triggers["schedule"]] == ["23 5 * * 1"]
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    job = workflow["jobs"]["track"]
    steps = job["steps"]
    runs = [s.get("run", "") for s in steps]
    check = next(i for i, r in enumerate(runs) if r.startswith(".venv/bin/afkb check --apply"))
    radar = next(i for i, r in enumerate(runs) if r == ".venv/bin/afkb radar")
    validate = runs.index(".venv/bin/afkb validate")
    pull_request = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("peter-evans/create-pull-request@"))
    assert check < radar < validate < pull_request  # one pull request, after everything is validated
    assert steps[radar]["env"] == {
        "AFKB_OPENALEX_KEY": "${{ secrets.AFKB_OPENALEX_KEY }}",
        "AFKB_S2_KEY": "${{ secrets.AFKB_S2_KEY }}",
    }
    assert job["env"]["AFKB_CONTACT"] == "${{ vars.AFKB_CONTACT }}"
    assert not any("secrets." in r for r in runs)  # keys reach commands only through the environment
    assert "--format markdown --output" in runs[check]
    options = steps[pull_request]["with"]
    assert options["branch"] == "tracking/weekly"
    assert options["body-path"].endswith("/body.md")
    assert sorted(options["add-paths"].split()) == ["entries/*.yaml", "tracking/radar.yaml"]


def test_pre_commit_hooks_run_afkb() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    entries = {hook["id"]: hook["entry"] for repo in config["repos"] for hook in repo["hooks"]}
    assert entries == {
        "afkb-fmt": ".venv/bin/afkb fmt --check",
        "afkb-validate": ".venv/bin/afkb validate",
        "afkb-schema": ".venv/bin/afkb schema --check",
    }


def test_issue_form_and_pull_request_template() -> None:
    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/suggest-paper.yml").read_text())
    kinds = next(item for item in form["body"] if item["id"] == "kind")["attributes"]["options"]
    assert kinds == list(load_taxonomy().kinds)
    template = (ROOT / ".github/pull_request_template.md").read_text()
    assert template.count("- [ ]") >= 8


def test_changelog_has_unreleased_section() -> None:
    assert "\n## Unreleased\n" in (ROOT / "CHANGELOG.md").read_text()


def test_the_readme_says_to_serve_the_site_not_to_open_it_from_disk() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    about = (ROOT / "docs" / "about.md").read_text(encoding="utf-8")
    assert "python3 -m http.server -d site" in readme
    assert "Opening `site/index.html` from disk is not supported" in readme
    assert "python3 -m http.server -d site" in about
