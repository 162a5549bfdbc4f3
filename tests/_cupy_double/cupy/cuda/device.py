"""``cupy.cuda.device`` of the double (array-api-compat imports Device from here)."""
from . import Device  # noqa: F401
