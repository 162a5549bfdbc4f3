"""``gradkit.data``: a short name for ``gradkit.utils.data`` (the same classes and
functions: ``gradkit.data.DataLoader is gradkit.utils.data.DataLoader``)."""
from .utils.data import *  # noqa: F401,F403
from .utils.data import __all__  # noqa: F401
