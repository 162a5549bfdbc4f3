"""nn's ops: one graph node each, forward on backend arrays through the backend's kernels,
backward through gradient ops (each an op itself, so that higher orders come free).

A hot op's gradient is an op whose forward is a backend kernel (ReluGrad, LinearGradInput,
LinearGradWeight, LinearGradBias, SoftmaxGrad, LogSoftmaxGrad, CrossEntropyGrad): plain
``backward()`` runs with grad mode off, so ``Node.apply`` runs the kernel and records
nothing; ``create_graph=True`` records the same op, whose own backward is again made of ops.
"""
from .activation import Erf, GeluExact, LogSigmoid, Relu, ReluGrad, erf, relu
from .linear import Linear, LinearGradBias, LinearGradInput, LinearGradWeight
from .loss import BinaryCrossEntropy, CrossEntropy, CrossEntropyGrad, MseLoss, NLLPick
from .softmax import LogSoftmax, LogSoftmaxGrad, Softmax, SoftmaxGrad

__all__ = ["Erf", "GeluExact", "LogSigmoid", "Relu", "ReluGrad", "erf", "relu", "Linear", "LinearGradBias",
           "LinearGradInput", "LinearGradWeight", "BinaryCrossEntropy", "CrossEntropy", "CrossEntropyGrad", "MseLoss",
           "NLLPick", "LogSoftmax", "LogSoftmaxGrad", "Softmax", "SoftmaxGrad"]
