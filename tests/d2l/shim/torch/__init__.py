"""Test shim: ``import torch`` gives gradkit, so the D2L scripts in tests/d2l run unchanged.

Only for tests/d2l/test_chapter2.py, which puts tests/d2l/shim first on PYTHONPATH of a
subprocess. ``torch`` becomes the gradkit module itself (so lazy submodules, dir() and help()
behave as they do for a gradkit user), and any ``torch.X.Y`` import is answered with the
module ``gradkit.X.Y`` (torch.distributions, torch.distributions.multinomial, torch.nn, ...),
never a second copy of it.
"""
import importlib
import importlib.abc
import importlib.util
import sys

import gradkit


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        module = importlib.import_module(self.target)
        self.saved = module.__spec__, module.__loader__
        return module

    def exec_module(self, module):
        module.__spec__, module.__loader__ = self.saved  # undo what the import system set


class _TorchToGradkit(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if not name.startswith("torch."):
            return None
        real = "gradkit." + name[len("torch."):]
        if importlib.util.find_spec(real) is None:
            return None  # ModuleNotFoundError for torch.X, as for a missing gradkit.X
        return importlib.util.spec_from_loader(name, _AliasLoader(real))


sys.meta_path.insert(0, _TorchToGradkit())
sys.modules[__name__] = gradkit
