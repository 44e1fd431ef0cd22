"""Docs that are code: the README's Swift quickstart is the Swift test `QuickstartTests.swift` word
for word (the pytest quickstart is run by scripts/test-wheel, in a fresh folder against the
installed wheel), and docs/testing.md carries the Python package's README unchanged."""

from __future__ import annotations

import re

from interop_support import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def code_block(heading: str, language: str) -> str:
    """The first fenced block in `language` after the line `heading`."""
    section = README.split("\n" + heading + "\n", 1)[1]
    blocks = re.findall(r"```" + language + r"\n(.*?)```", section, flags=re.S)
    return max(blocks, key=len)


def test_the_swift_quickstart_is_the_swift_test_word_for_word():
    source = (REPO / "Tests" / "MockRouterTestingTests" / "QuickstartTests.swift").read_text(encoding="utf-8")
    without_note = "\n".join(line for line in source.splitlines() if not line.startswith("// The README")) + "\n"
    assert code_block("### Swift Testing", "swift") == re.sub(r"\n\n\n", "\n\n", without_note)



def test_docs_testing_carries_the_python_package_readme():
    readme = (REPO / "clients" / "python" / "README.md").read_text(encoding="utf-8")
    body = "## Install\n" + readme.split("\n## Install\n", 1)[1]
    demoted = "\n".join("#" + line if line.startswith("## ") else line for line in body.splitlines()).strip()
    docs = (REPO / "docs" / "testing.md").read_text(encoding="utf-8")
    copied = docs.split("<!-- begin clients/python/README.md -->\n", 1)[1].split("\n<!-- end clients/python/README.md -->", 1)[0]
    assert copied == demoted, "docs/testing.md section 2 differs from clients/python/README.md: copy it over"
