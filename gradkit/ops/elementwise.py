"""Temporary re-exports of the elementwise families (arith, unary, compare, select) for the
nn modules that still import ``gradkit.ops.elementwise``; it goes when they import the
families directly."""
from .arith import *  # noqa: F401,F403
from .compare import *  # noqa: F401,F403
from .select import *  # noqa: F401,F403
from .unary import *  # noqa: F401,F403
