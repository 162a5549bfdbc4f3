"""The planted-bug check (tests/plant_bugs.py): every plant still finds its site in the
source (fast, always run: code that moved between modules shows up here first), and the
full check, which plants each bug in a copy of the tree and runs the tests that must catch
it (slow: ``pytest -m slow tests/test_plant_bugs.py`` or ``GRADKIT_SLOW=1``)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import plant_bugs


@pytest.mark.parametrize("plant", plant_bugs.PLANTS, ids=[p.name for p in plant_bugs.PLANTS])
def test_every_plant_finds_its_site(plant):
    if plant.applicable_only_where_found:
        return  # its site exists in some versions of gradkit only
    for edit in plant.edits:
        if not edit.optional:
            assert plant_bugs.find_site(plant_bugs.ROOT, edit) is not None, (
                f"{plant.name}: {edit.what} not found; update its patterns in tests/plant_bugs.py")


def test_every_plant_names_tests_that_exist():
    for plant in plant_bugs.PLANTS:
        for target in plant.tests:
            if target.startswith("-") or not target.startswith("tests"):
                continue  # a pytest option (-k cuda) or its value
            assert os.path.exists(os.path.join(plant_bugs.ROOT, target.split("::")[0])), (plant.name, target)


@pytest.mark.slow
def test_planted_bugs_are_caught():
    proc = subprocess.run([sys.executable, os.path.join(plant_bugs.ROOT, "tests", "plant_bugs.py")],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
