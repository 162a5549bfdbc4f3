"""``cupy.cuda.compiler`` of the double: the exception CuPy raises when NVRTC fails."""


class CompileException(Exception):
    pass
