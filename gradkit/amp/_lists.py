"""PyTorch's autocast op lists, by the gradkit op (a Node class) that runs each op.

Per device type, each op is cast to the region's lower-precision dtype ("lower"), to
float32 ("fp32"), to the widest floating dtype among its inputs ("promote"), or refused
("unsafe": binary_cross_entropy on CUDA). An op in no list runs in its inputs' dtypes.

Where one gradkit node serves several PyTorch calls the node follows the commonest call:
MvNode and DotNode run ``matmul`` on 2-D x 1-D and 1-D x 1-D operands (cast, as ``matmul``
is), so ``torch.mv``/``torch.dot`` on the CPU, which PyTorch leaves alone, are cast here too.
Ops gradkit builds from several nodes (l1_loss, kl_div, softplus, normalize,
cosine_similarity, prelu) follow their nodes, not the op's own list entry; layer_norm,
group_norm and instance_norm share one node (NativeLayerNorm), which CUDA runs in float32.
"""
from __future__ import annotations

_MATMUL_LIKE = ("Linear", "MatMul", "MmNode", "BmmNode", "MvNode", "DotNode", "Convolution", "ConvTranspose",
                "Attention")
_LINALG = ("Inv", "Cholesky", "SVD", "QR", "Eigh", "Solve", "Det", "Slogdet", "LU", "SolveTriangular", "MatrixExp")
_PROMOTE = ("Cat", "Atan2", "IndexPut")

POLICIES = {
    "cuda": {
        **dict.fromkeys(_MATMUL_LIKE + ("GRUCell", "LSTMCell", "RNNReluCell", "RNNTanhCell", "RecurrentLayer"),
                        "lower"),
        **dict.fromkeys(("Pow", "Exp", "Log", "Log10", "Log2", "Log1p", "Expm1", "Reciprocal", "Rsqrt", "Acos",
                         "Asin", "Cosh", "Sinh", "Tan", "Erfinv", "Softmax", "LogSoftmax", "Sum", "Prod", "Cumsum",
                         "CrossEntropy", "NLLPick", "MseLoss", "Norm2", "NativeLayerNorm"), "fp32"),
        **dict.fromkeys(_PROMOTE, "promote"),
        "BinaryCrossEntropy": "unsafe",
    },
    # PyTorch's CPU lists: fewer float32 ops (softmax, exp, sum stay in the input dtype) and
    # the recurrent cells are left alone
    "cpu": {
        **dict.fromkeys(_MATMUL_LIKE + ("RecurrentLayer",), "lower"),
        **dict.fromkeys(("CrossEntropy", "NLLPick", "MseLoss", "BinaryCrossEntropy", "Prod") + _LINALG, "fp32"),
        **dict.fromkeys(_PROMOTE, "promote"),
    },
}

UNSAFE_MESSAGE = (
    "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
    "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
    "In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n"
    "or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n"
    "safe to autocast.")
