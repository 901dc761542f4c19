"""Every comment, docstring and README line points inside the repository: outside `docs/`, no file names a design or
domain document the repository does not hold, nor "the issue" it came from (docs/design.md, "Where the code is")."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = re.compile(r"\bdomain\.md|DESIGN\.md|\bstack\.md|(?i:\bthe issue\b)|\.\./shared")


def tracked() -> list[str]:
    """The repository's tracked .py, .md and .html files outside docs/."""
    out = subprocess.run(["git", "ls-files", "*.py", "*.md", "*.html", "*.txt"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    return [name for name in out if not name.startswith("docs/")]


def test_no_pointer_outside_the_repository():
    found = [f"{name}:{number}: {line.strip()}"
             for name in tracked() if (ROOT / name).exists()
             for number, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1)
             if OUTSIDE.search(line) and name != "tests/test_docs_inside.py"]
    assert found == []


def test_every_docs_link_resolves():
    """A `docs/<name>.md` named anywhere exists."""
    named = {match for name in tracked() + [f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")]
             if (ROOT / name).exists()
             for match in re.findall(r"docs/[\w.-]+\.md", (ROOT / name).read_text(encoding="utf-8"))}
    assert named and sorted(name for name in named if not (ROOT / name).exists()) == []
