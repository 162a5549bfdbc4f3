"""Rewrites ``_torch_expected.py`` from PyTorch: run with a Python that has torch,
``python tests/reliability/record_torch_expected.py`` (gradkit itself never imports torch)."""
from __future__ import annotations

import importlib.util
import pathlib
import pprint
import warnings

import torch
import torch.func
import torch.nn as nn
from torch.autograd import functional as AF

HERE = pathlib.Path(__file__).parent


def main():
    spec = importlib.util.spec_from_file_location("_torch_cases", HERE / "_torch_cases.py")
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    warnings.simplefilter("ignore")
    torch.manual_seed(0)
    groups = {"functional": cases.functional_cases(torch, AF, torch.func, "cpu"),
              "hooks": cases.hook_cases(torch, nn, "cpu"),
              "edge": cases.edge_cases(torch, "cpu")}
    expected = {g: {name: cases.encode(fn()) for name, fn in group.items()} for g, group in groups.items()}
    text = (f'"""What PyTorch {torch.__version__} gives for the programs in ``_torch_cases.py`` (written by '
            f'record_torch_expected.py)."""\nfrom math import inf, nan  # noqa: F401  (recorded values)\n\n'
            f'EXPECTED = {pprint.pformat(expected, width=118, sort_dicts=True)}\n')
    (HERE / "_torch_expected.py").write_text(text)


if __name__ == "__main__":
    main()
