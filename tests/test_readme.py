"""README's two set-up commands are the contract with new users and CI: keep them true."""

from __future__ import annotations

import re

from conftest import ROOT


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Set up and run", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.+?)\n```", section)


def test_readme_has_two_setup_commands_and_ci_runs_the_test_one() -> None:
    commands = _commands()
    assert len(commands) == 2
    main_job, tests = commands
    assert "annotator gui" in main_job and "seeds/" in main_job
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert tests in ci


def test_seeds_are_the_shared_corpus() -> None:
    shared = ROOT.parent / "shared" / "seeds"
    ours = sorted(p.name for p in (ROOT / "seeds").iterdir())
    assert len(ours) == 5
    if shared.is_dir():
        for name in ours:
            assert (ROOT / "seeds" / name).read_bytes() == (shared / name).read_bytes()


def test_every_package_is_in_the_wheel() -> None:
    """pyproject.toml lists packages by name (resources/ installs as annotator.resources):
    a new subpackage missing there would be left out of wheels, unseen in a checkout."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
            "packages"
        ]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "annotator").rglob("__init__.py")
    }
    assert found <= listed, sorted(found - listed)
    assert "annotator.resources" in listed


def test_readme_and_docs_point_only_inside_the_repository() -> None:
    """Issue 11.12: a clone (or a wheel's long description) has no ../shared beside it."""
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text("utf-8")
        assert "../" not in re.sub(r"```.*?```", "", text, flags=re.DOTALL), page.name
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            resolved = (page.parent / target).resolve()
            assert resolved.is_relative_to(ROOT) and resolved.exists(), (page.name, target)
    assert "(docs/architecture.md)" in (ROOT / "README.md").read_text("utf-8")


def test_architecture_doc_is_kept_in_step_with_the_shared_one() -> None:
    ours = ROOT / "docs" / "architecture.md"
    shared = ROOT.parent / "shared" / "ARCHITECTURE.md"
    assert ours.read_text("utf-8").startswith("# annotator: architecture")
    if shared.is_file():
        assert ours.read_text("utf-8") == shared.read_text("utf-8"), (
            "docs/architecture.md and ../shared/ARCHITECTURE.md differ: copy the newer over"
        )
