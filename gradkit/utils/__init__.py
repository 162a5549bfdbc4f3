"""Utilities, as in ``torch.utils``: ``gradkit.utils.data`` (datasets and the DataLoader)."""


def __getattr__(name):
    # gradkit.utils.data loads on first use, so `import gradkit` stays light
    if name == "data":
        import importlib

        module = importlib.import_module(__name__ + ".data")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
