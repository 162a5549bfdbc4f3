"""Utilities, as in ``torch.utils``: ``gradkit.utils.data`` (datasets and the DataLoader),
``gradkit.utils.checkpoint`` (activation checkpointing)."""


def __getattr__(name):
    # submodules load on first use, so `import gradkit` stays light
    if name in ("data", "checkpoint"):
        import importlib

        module = importlib.import_module(__name__ + "." + name)
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
