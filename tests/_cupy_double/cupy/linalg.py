"""``cupy.linalg`` of the double: NumPy's, wrapped as the main namespace is."""
import numpy

from . import _namespace

globals().update(_namespace.build("cupy.linalg", numpy.linalg, {}))
LinAlgError = numpy.linalg.LinAlgError
__all__ = sorted(_namespace._signatures.namespace("cupy.linalg")["functions"])
