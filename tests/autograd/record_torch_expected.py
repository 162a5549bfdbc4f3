"""Rewrites ``_torch_expected.py`` from PyTorch: run with a Python that has torch,
``python tests/autograd/record_torch_expected.py`` (gradkit itself never imports torch)."""
from __future__ import annotations

import importlib.util
import pathlib
import pprint

import torch

HERE = pathlib.Path(__file__).parent


def main():
    spec = importlib.util.spec_from_file_location("_torch_cases", HERE / "_torch_cases.py")
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)

    def mk(values, requires_grad=False):
        return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)

    expected = {}
    for name, fn in cases.CASES.items():
        out = fn(torch, mk)
        expected[name] = {k: v.tolist() if isinstance(v, torch.Tensor) else v for k, v in out.items()}
    text = (f'"""What PyTorch {torch.__version__} gives for the programs in ``_torch_cases.py`` (written by '
            f'record_torch_expected.py)."""\n\nEXPECTED = {pprint.pformat(expected, width=110, sort_dicts=True)}\n')
    (HERE / "_torch_expected.py").write_text(text)


if __name__ == "__main__":
    main()
