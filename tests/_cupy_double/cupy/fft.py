"""``cupy.fft`` of the double: NumPy's, wrapped as the main namespace is."""
import numpy

from . import _namespace

globals().update(_namespace.build("cupy.fft", numpy.fft, {}))
__all__ = sorted(_namespace._signatures.namespace("cupy.fft")["functions"])
