"""nn's ops: one graph node each, forward on backend arrays through the backend's kernels,
backward through gradient ops (each an op itself, so that higher orders come free).

A hot op's gradient is an op whose forward is a backend kernel (ReluGrad, GeluGrad,
LinearGradInput, LinearGradWeight, LinearGradBias, SoftmaxGrad, LogSoftmaxGrad,
CrossEntropyGrad, NLLPickGrad; their base is ``ops._gradient.GradientOp``): in a plain
``backward()``, where grad mode is off, it is its kernel on the arrays; with
``create_graph=True`` the same op is recorded, and its own backward is made of ops again.
"""
from .activation import GeluExact, GeluGrad, LogSigmoid, Relu, ReluGrad, relu
from .linear import Linear, LinearGradBias, LinearGradInput, LinearGradWeight
from .loss import BinaryCrossEntropy, CrossEntropy, CrossEntropyGrad, MseLoss, NLLPick, NLLPickGrad
from .softmax import LogSoftmax, LogSoftmaxGrad, Softmax, SoftmaxGrad

__all__ = ["GeluExact", "GeluGrad", "LogSigmoid", "Relu", "ReluGrad", "relu", "Linear",
           "LinearGradBias", "LinearGradInput", "LinearGradWeight", "BinaryCrossEntropy", "CrossEntropy",
           "CrossEntropyGrad", "MseLoss", "NLLPick", "NLLPickGrad", "LogSoftmax", "LogSoftmaxGrad", "Softmax",
           "SoftmaxGrad"]
