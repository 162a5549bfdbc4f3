"""Bags of embedding rows: nn.EmbeddingBag's sum and mean as one op, and its gradient op.

The forward gathers the bags' rows and sums each bag in its own order (as PyTorch does);
the gradient gives each index's row its bag's gradient (scaled by 1 / count for the mean).
Both are linear, each the other's adjoint, so the gradient op's own gradient is the bag op
again: higher orders come free.
"""
from __future__ import annotations

from ..._tensor import Tensor
from ...autograd.node import Node
from .._gradient import GradientOp


class EmbeddingBag(Node):
    """Sums (``mean``: means) over bags of ``weight``'s rows (num_weights, dim): bag b holds
    the rows at ``indices[starts[b]:starts[b + 1]]``, the last bag running to the end of
    ``indices``, less the rows at ``padding_idx`` (-1: none); an empty bag gives zeros.
    ``device`` is the tensors' gradkit device (the kernels' scatter-add needs it)."""
    _backward_name = "EmbeddingBagBackward0"

    def forward(self, backend, weight, indices, starts, mean, padding_idx, device):
        out, counts = backend.embedding_bag(weight, indices, starts, mean, padding_idx, device)
        self.params = {"indices": indices, "starts": starts, "counts": counts, "mean": mean,
                       "padding_idx": padding_idx, "num_weights": weight.shape[0], "device": device}
        return out

    def backward(self, g):
        return EmbeddingBagGrad.run(g, None, self.params), None, None


class EmbeddingBagGrad(GradientOp):
    """EmbeddingBag's gradient in the weight, from the bags' gradient g (bags, dim)."""
    kernel = "embedding_bag_backward"
    _backward_name = "EmbeddingBagBackwardBackward0"

    def backward(self, u):
        p = self.params
        indices = self._as_tensor(p["indices"])
        starts = self._as_tensor(p["starts"])
        if not p["mean"]:
            return EmbeddingBag.apply(u, indices, starts, mean=False, padding_idx=p["padding_idx"],
                                      device=p["device"])
        # the adjoint of g -> (g / count) spread over the rows: the bags' sums, / count
        sums = EmbeddingBag.apply(u, indices, starts, mean=False, padding_idx=p["padding_idx"], device=p["device"])
        counts = self._as_tensor(p["counts"])
        return sums * (1 / counts.clamp(min=1.0)).unsqueeze(1)

    def _as_tensor(self, array):
        return Tensor._make(array, self.params["device"])
