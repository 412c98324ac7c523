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
