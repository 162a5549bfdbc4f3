"""Writes tests/nn/_rnn_ref.py: PyTorch's results for the recurrent layers' parity cases
(tests/nn/_rnn_case.py). Not a test, and not run by the suite (gradkit never imports
torch). Run it with a PyTorch install to refresh the numbers:

    /path/to/torch-venv/bin/python tests/nn/make_rnn_ref.py

The numbers in _rnn_ref.py come from PyTorch 2.13.0 (CPU), one thread.
"""
import os
import pprint
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _rnn_case as C  # noqa: E402

torch.set_num_threads(1)
FINGERPRINTS = {C.case_id(spec): C.fingerprint(C.run_case(torch, **spec)) for spec in C.GRID}
FULL = {C.case_id(spec): C.run_case(torch, **spec) for spec in C.FULL}
CELLS = {C.case_id(spec): C.run_cell_case(torch, **spec) for spec in C.CELLS}



def literal(value):
    """``value`` as Python source, floats to 12 significant digits (float64 rounding is far
    below the tests' tolerance)."""
    if isinstance(value, float):
        return format(value, ".12g")
    if isinstance(value, (list, tuple)):
        inner = ", ".join(literal(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_rnn_ref.py")
with open(path, "w") as f:
    f.write('"""Reference values computed with PyTorch 2.13.0 (CPU) by tests/nn/make_rnn_ref.py; do not edit."""\n')
    f.write("# flake8: noqa\n")
    for name, table in (("FINGERPRINTS", FINGERPRINTS), ("FULL", FULL), ("CELLS", CELLS)):
        f.write(f"{name} = {{\n")
        for key, value in table.items():
            f.write(f"    {key!r}: {{\n")
            for field, v in value.items():
                f.write(f"        {field!r}: {literal(v)},\n")
            f.write("    },\n")
        f.write("}\n")
