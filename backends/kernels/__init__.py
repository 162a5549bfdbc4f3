"""The kernel families, one module each: a class of kernels written once against the array
API standard (``self.xp``), mixed into ``backends.base.Backend``. NumPy and CuPy override
the kernels where a native form pays, in their own backend modules."""
