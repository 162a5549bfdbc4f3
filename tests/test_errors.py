"""Bad calls get PyTorch's exception type and a message that names the op and the shapes,
dtypes or devices involved.

Every entry of the catalogue below was checked against PyTorch 2.x on the CPU: the
exception *type* is PyTorch's exactly (asserted with ``type(exc) is ...``, so a subclass
such as NotImplementedError does not pass for RuntimeError); the message keeps PyTorch's
wording where users search for it, and adds the op name and the offending shapes/dtypes.

Where gradkit deliberately differs from PyTorch, the case says so in its comment (see also
test_deliberate_differences at the end).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

import gradkit as gk


@dataclass(frozen=True)
class Case:
    id: str
    call: Callable  # call(device) -> runs the bad call
    exc: type  # PyTorch's exception type
    match: str  # regex searched in str(exc)

    def param(self):
        return pytest.param(self, id=self.id)


def ones(d, *shape, **kw):
    return gk.ones(*shape, device=d, **kw)


def leaf(d, *shape):
    return gk.ones(*shape, device=d, requires_grad=True)


def ints(d, n=3):
    return gk.arange(n, device=d)


def _setitem(x, key, value):
    x[key] = value


def _iadd(x, y):
    x += y


def _imul(x, y):
    x *= y


def _idiv(x, y):
    x /= y


def _isub(x, y):
    x -= y


def _backward_twice(d):
    x = leaf(d, 3)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _inplace_saved(d):
    # y is saved by MulBackward0 (y * y); changing y afterwards must be caught at backward
    x = leaf(d, 3)
    y = x.exp()
    z = (y * y).sum()
    y.add_(1)
    z.backward()


def _inplace_saved_output(d):
    # sigmoid saves its output; changing the output in place must be caught too
    x = leaf(d, 3)
    y = (x * 2).sigmoid()
    y.mul_(2)
    y.sum().backward()


def _inplace_saved_input(d):
    x = leaf(d, 3)
    y = x * 2
    z = y.sin()
    y.add_(1)
    z.sum().backward()


def _iterate(t):
    for _ in t:
        pass


def _if(t):
    if t:
        pass


def _grad_unused(d):
    x, y = leaf(d, 3), leaf(d, 3)
    gk.autograd.grad((x * 2).sum(), [x, y])


BROADCAST = r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1"
DIM_RANGE = r"Dimension out of range \(expected to be in range of \[-2, 1\], but got {}\)"

# --------------------------------------------------------------------------------------------
# The catalogue: bad calls whose outcome may depend on the device (run on cpu, strict, cuda).
# --------------------------------------------------------------------------------------------
DEVICE_CASES = [
    # -- matrix products --------------------------------------------------------------------
    Case("matmul-shapes", lambda d: gk.matmul(ones(d, 2, 3), ones(d, 4, 5)), RuntimeError,
         r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"),
    Case("matmul-operator", lambda d: ones(d, 2, 3) @ ones(d, 2, 3), RuntimeError,
         r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"),
    Case("matmul-1d", lambda d: gk.matmul(ones(d, 3), ones(d, 4)), RuntimeError,
         r"inconsistent tensor size, expected tensor \[3\] and src \[4\]"),
    Case("matmul-batch-broadcast", lambda d: gk.matmul(ones(d, 2, 2, 3), ones(d, 3, 3, 4)), RuntimeError,
         r"matmul: The size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 0"),
    Case("matmul-0d", lambda d: gk.matmul(gk.tensor(1.0, device=d), ones(d, 3)), RuntimeError,
         r"both arguments to matmul need to be at least 1D, but they are 0D and 1D"),
    Case("matmul-dtypes", lambda d: gk.matmul(ones(d, 2, 3), ones(d, 3, 2, dtype=gk.float64)), RuntimeError,
         r"matmul: expected m1 and m2 to have the same dtype, but got: gradkit\.float32 != gradkit\.float64"),
    Case("mm-shapes", lambda d: gk.mm(ones(d, 2, 3), ones(d, 4, 5)), RuntimeError,
         r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"),
    Case("mm-not-matrix", lambda d: gk.mm(ones(d, 3), ones(d, 3, 3)), RuntimeError,
         r"self must be a matrix \(mm got a 1-D tensor\)"),
    Case("mm-dtypes", lambda d: gk.mm(ones(d, 2, 2, dtype=gk.int64), ones(d, 2, 2)), RuntimeError,
         r"mm: expected m1 and m2 to have the same dtype, but got: gradkit\.int64 != gradkit\.float32"),
    Case("mv-shapes", lambda d: gk.mv(ones(d, 2, 3), ones(d, 4)), RuntimeError,
         r"size mismatch, got input \(2\), mat \(2x3\), vec \(4\)"),
    Case("dot-sizes", lambda d: gk.dot(ones(d, 3), ones(d, 4)), RuntimeError,
         r"inconsistent tensor size, expected tensor \[3\] and src \[4\]"),
    Case("dot-2d", lambda d: gk.dot(ones(d, 3, 3), ones(d, 3)), RuntimeError,
         r"1D tensors expected, but got 2D and 1D tensors"),
    # PyTorch: "Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5]."
    Case("bmm-shapes", lambda d: gk.bmm(ones(d, 2, 3, 4), ones(d, 2, 5, 6)), RuntimeError,
         r"shapes cannot be multiplied \(2x3x4 and 2x5x6\)"),
    Case("bmm-batches", lambda d: gk.bmm(ones(d, 2, 3, 4), ones(d, 3, 4, 6)), RuntimeError,
         r"bmm: batch1 and batch2 must have same number of batches, got 2 and 3"),
    Case("bmm-2d", lambda d: gk.bmm(ones(d, 3, 4), ones(d, 4, 6)), RuntimeError,
         r"batch1 must be a 3D tensor \(got 2D\)"),
    Case("trace-1d", lambda d: gk.trace(ones(d, 3)), RuntimeError,
         r"trace: expected a matrix, but got tensor with dim 1"),
    # -- broadcasting ------------------------------------------------------------------------
    Case("add-broadcast", lambda d: ones(d, 2, 3) + ones(d, 4), RuntimeError,
         rf"add: {BROADCAST}: shapes \[2, 3\] and \[4\] cannot be broadcast together"),
    Case("add-broadcast-grad", lambda d: leaf(d, 2, 3) + ones(d, 4), RuntimeError, rf"add: {BROADCAST}"),
    Case("add-broadcast-int", lambda d: ints(d, 6).reshape(2, 3) + ints(d, 4), RuntimeError, rf"add: {BROADCAST}"),
    Case("sub-broadcast", lambda d: ones(d, 2, 3) - ones(d, 2, 4), RuntimeError,
         rf"sub: {BROADCAST}: shapes \[2, 3\] and \[2, 4\]"),
    Case("mul-broadcast", lambda d: ones(d, 3) * ones(d, 4), RuntimeError,
         r"mul: The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 0"),
    Case("div-broadcast", lambda d: ones(d, 2, 3) / ones(d, 3, 2), RuntimeError,
         r"div: The size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton dimension 1: "
         r"shapes \[2, 3\] and \[3, 2\]"),
    Case("pow-broadcast", lambda d: ones(d, 2, 3) ** ones(d, 4), RuntimeError, rf"pow: {BROADCAST}"),
    Case("maximum-broadcast", lambda d: gk.maximum(ones(d, 2, 3), ones(d, 4)), RuntimeError,
         rf"maximum: {BROADCAST}"),
    Case("lt-broadcast", lambda d: ones(d, 2, 3) < ones(d, 4), RuntimeError, rf"lt: {BROADCAST}"),
    Case("eq-broadcast", lambda d: ones(d, 2, 3) == ones(d, 4), RuntimeError, rf"eq: {BROADCAST}"),
    Case("ge-broadcast", lambda d: gk.ge(ones(d, 2, 3), ones(d, 4)), RuntimeError, rf"ge: {BROADCAST}"),
    Case("where-broadcast", lambda d: gk.where(ones(d, 2, 3) > 0, ones(d, 2, 3), ones(d, 4)), RuntimeError,
         rf"where: {BROADCAST}: shapes \[2, 3\] and \[2, 3\] and \[4\]"),
    Case("where-condition-broadcast", lambda d: gk.where(ones(d, 4, dtype=gk.bool), ones(d, 2, 3), 0.0),
         RuntimeError, r"where: The size of tensor a \(4\) must match the size of tensor b \(3\)"),
    Case("masked_fill-broadcast", lambda d: ones(d, 2, 3).masked_fill(ones(d, 4, dtype=gk.bool), 0.0),
         RuntimeError, r"The size of tensor a \(4\) must match the size of tensor b \(3\)"),
    # -- reshape / view -------------------------------------------------------------------------
    Case("reshape-size", lambda d: ones(d, 2, 3).reshape(4, 2), RuntimeError,
         r"shape '\[4, 2\]' is invalid for input of size 6"),
    Case("view-size", lambda d: ones(d, 2, 3).view(5), RuntimeError, r"shape '\[5\]' is invalid for input of size 6"),
    Case("reshape-two-minus-one", lambda d: ones(d, 2, 3).reshape(-1, -1), RuntimeError,
         r"reshape: only one dimension can be inferred \(shape \[-1, -1\]\)"),
    Case("view-minus-one-indivisible", lambda d: ones(d, 2, 3).view(-1, 4), RuntimeError,
         r"shape '\[-1, 4\]' is invalid for input of size 6"),
    Case("view-negative-size", lambda d: ones(d, 2, 3).view(-2, 3), RuntimeError,
         r"invalid shape dimension -2 in \[-2, 3\]"),
    Case("unflatten-sizes", lambda d: ones(d, 6).unflatten(0, (4, 2)), RuntimeError,
         r"unflatten: Provided sizes \[4, 2\] don't multiply up to the size of dim 0 \(6\) in the input tensor"),
    # -- indexing -------------------------------------------------------------------------------
    Case("index-int", lambda d: ones(d, 3)[3], IndexError, r"index 3 is out of bounds for dimension 0 with size 3"),
    Case("index-negative-int", lambda d: ones(d, 3)[-4], IndexError,
         r"index -4 is out of bounds for dimension 0 with size 3"),
    Case("index-int-dim1", lambda d: ones(d, 2, 3)[:, 5], IndexError,
         r"index 5 is out of bounds for dimension 1 with size 3"),
    Case("index-int-tensor", lambda d: ones(d, 3)[gk.tensor([0, 5], device=d)], IndexError,
         r"index 5 is out of bounds for dimension 0 with size 3"),
    Case("index-negative-int-tensor", lambda d: ones(d, 3)[gk.tensor([-4], device=d)], IndexError,
         r"index -4 is out of bounds for dimension 0 with size 3"),
    Case("index-list", lambda d: ones(d, 3)[[0, 7]], IndexError,
         r"index 7 is out of bounds for dimension 0 with size 3"),
    Case("index-float-tensor", lambda d: ones(d, 3)[gk.tensor([0.0, 1.0], device=d)], IndexError,
         r"tensors used as indices must be long, int, byte or bool tensors \(got gradkit\.float32\)"),
    Case("index-float-0d-tensor", lambda d: ones(d, 3)[gk.tensor(1.0, device=d)], IndexError,
         r"tensors used as indices must be long, int, byte or bool tensors \(got gradkit\.float32\)"),
    Case("index-float", lambda d: ones(d, 3)[1.5], IndexError,
         r"only integers, slices \(`:`\), ellipsis \(`\.\.\.`\), None and long or byte Variables are valid "
         r"indices \(got float\)"),
    Case("index-too-many", lambda d: ones(d, 2, 3)[0, 0, 0], IndexError,
         r"too many indices for tensor of dimension 2 \(got 3\)"),
    Case("index-mask-shape", lambda d: ones(d, 2, 3)[gk.tensor([True, False, True], device=d)], IndexError,
         r"The shape of the mask \[3\] at index 0 does not match the shape of the indexed tensor \[2, 3\]"),
    Case("index-mask-2d-shape", lambda d: ones(d, 2, 3)[ones(d, 3, 2, dtype=gk.bool)], IndexError,
         r"The shape of the mask \[3, 2\] at index 0 does not match the shape of the indexed tensor \[2, 3\]"),
    Case("index-bool-list-shape", lambda d: ones(d, 3)[[True, False]], IndexError,
         r"The shape of the mask \[2\] at index 0 does not match the shape of the indexed tensor \[3\]"),
    Case("setitem-int", lambda d: _setitem(ones(d, 3), 5, 1.0), IndexError,
         r"index 5 is out of bounds for dimension 0 with size 3"),
    Case("setitem-list", lambda d: _setitem(ones(d, 3), [0, 4], 2.0), IndexError,
         r"index 4 is out of bounds for dimension 0 with size 3"),
    # PyTorch: "The expanded size of the tensor (3) must match the existing size (4) ..."
    Case("setitem-value-shape", lambda d: _setitem(ones(d, 2, 3), 0, ones(d, 4)), RuntimeError,
         r"shape mismatch: value tensor of shape \[4\] cannot be broadcast to indexing result of shape \[3\]"),
    Case("setitem-value-shape-recorded", lambda d: _setitem(leaf(d, 2, 3) * 1, 0, ones(d, 4)), RuntimeError,
         r"shape mismatch: value tensor of shape \[4\] cannot be broadcast to indexing result of shape \[3\]"),
    # PyTorch: IndexError "index out of range in self"
    Case("index_select-range", lambda d: gk.index_select(ones(d, 3), 0, gk.tensor([5], device=d)), IndexError,
         r"index 5 is out of bounds for dimension 0 with size 3"),
    Case("index_select-float-index", lambda d: gk.index_select(ones(d, 3), 0, gk.tensor([0.0], device=d)),
         RuntimeError, r"index_select\(\): Expected dtype int32 or int64 for index \(got gradkit\.float32\)"),
    Case("gather-range", lambda d: gk.gather(ones(d, 2, 3), 1, gk.tensor([[0, 5]], device=d)), RuntimeError,
         r"gather\(\): index 5 is out of bounds for dimension 1 with size 3"),
    Case("gather-ndim", lambda d: gk.gather(ones(d, 2, 3), 1, gk.tensor([0, 1], device=d)), RuntimeError,
         r"gather\(\): Index tensor must have the same number of dimensions as input tensor \(1 vs 2\)"),
    Case("scatter_add-range", lambda d: gk.scatter_add(gk.zeros(3, device=d), 0, gk.tensor([5], device=d),
                                                      ones(d, 1)), RuntimeError,
         r"scatter_add\(\): index 5 is out of bounds for dimension 0 with size 3"),
    # PyTorch: IndexError "out of range: tried to access index 7 on a tensor of 6 elements."
    Case("take-range", lambda d: gk.take(ones(d, 2, 3), gk.tensor([7], device=d)), IndexError,
         r"index 7 is out of bounds for dimension 0 with size 6"),
    Case("masked_fill-int-mask", lambda d: ones(d, 3).masked_fill(gk.tensor([1, 0, 1], device=d), 0.0),
         RuntimeError, r"masked_fill_ only supports boolean masks, but got mask with dtype gradkit\.int64"),
    # -- requires_grad on integers ----------------------------------------------------------------
    Case("requires_grad_-int", lambda d: ints(d).requires_grad_(), RuntimeError,
         r"only Tensors of floating point dtype can require gradients \(got gradkit\.int64, shape \[3\]\)"),
    Case("requires_grad-attr-int", lambda d: setattr(ints(d), "requires_grad", True), RuntimeError,
         r"only Tensors of floating point dtype can require gradients \(got gradkit\.int64"),
    Case("tensor-int-requires_grad", lambda d: gk.tensor([1, 2], device=d, requires_grad=True), RuntimeError,
         r"only Tensors of floating point dtype can require gradients \(got gradkit\.int64, shape \[2\]\)"),
    Case("zeros-int64-requires_grad", lambda d: gk.zeros(3, dtype=gk.int64, device=d, requires_grad=True),
         RuntimeError, r"only Tensors of floating point dtype can require gradients \(got gradkit\.int64"),
    Case("ones-bool-requires_grad", lambda d: gk.ones(3, dtype=gk.bool, device=d, requires_grad=True),
         RuntimeError, r"only Tensors of floating point dtype can require gradients \(got gradkit\.bool"),
    # -- backward ---------------------------------------------------------------------------------
    Case("backward-non-scalar", lambda d: (leaf(d, 3) * 2).backward(), RuntimeError,
         r"grad can be implicitly created only for scalar outputs \(backward\(\) called on a tensor of shape \[3\]"),
    Case("backward-gradient-shape", lambda d: (leaf(d, 3) * 2).backward(ones(d, 4)), RuntimeError,
         r"Mismatch in shape: grad_output\[0\] has a shape of gradkit\.Size\(\[4\]\) and output\[0\] has a shape "
         r"of gradkit\.Size\(\[3\]\)"),
    Case("backward-twice", _backward_twice, RuntimeError,
         r"Trying to backward through the graph a second time.*retain_graph=True.*\(node: \w+Backward0\)"),
    Case("backward-no-graph", lambda d: ones(d, 3).sum().backward(), RuntimeError,
         r"element 0 of tensors does not require grad and does not have a grad_fn"),
    Case("inplace-on-saved-tensor", _inplace_saved, RuntimeError,
         r"modified by an inplace operation: \[gradkit\.float32 of shape \[3\]\].*is at version 1; expected "
         r"version 0 instead\. It was saved for backward by MulBackward0"),
    Case("inplace-on-saved-input", _inplace_saved_input, RuntimeError,
         r"modified by an inplace operation: \[gradkit\.float32 of shape \[3\]\].*saved for backward by SinBackward0"),
    Case("inplace-on-saved-output", _inplace_saved_output, RuntimeError,
         r"modified by an inplace operation: \[gradkit\.float32 of shape \[3\]\], which is output 0 of "
         r"SigmoidBackward0.*saved for backward by SigmoidBackward0"),
    Case("inplace-on-leaf", lambda d: leaf(d, 3).add_(1), RuntimeError,
         r"a leaf Variable that requires grad is being used in an in-place operation \(add_, shape \[3\]\)"),
    Case("inplace-operator-on-leaf", lambda d: _iadd(leaf(d, 3), 1), RuntimeError,
         r"a leaf Variable that requires grad is being used in an in-place operation \(add_, shape \[3\]\)"),
    Case("setitem-on-leaf", lambda d: _setitem(leaf(d, 3), 0, 2.0), RuntimeError,
         r"a leaf Variable that requires grad is being used in an in-place operation \(setitem, shape \[3\]\)"),
    Case("inplace-on-view-of-leaf", lambda d: leaf(d, 3)[:2].add_(1), RuntimeError,
         r"a view of a leaf Variable that requires grad is being used in an in-place operation \(add_\)"),
    Case("requires_grad-false-non-leaf", lambda d: (leaf(d, 3) * 2).requires_grad_(False), RuntimeError,
         r"you can only change requires_grad flags of leaf variables"),
    Case("retain_grad-without-grad", lambda d: ones(d, 3).retain_grad(), RuntimeError,
         r"can't retain_grad on Tensor that has requires_grad=False"),
    Case("autograd.grad-unused", _grad_unused, RuntimeError,
         r"grad: One of the differentiated Tensors \(input 1, shape \[3\]\) appears to not have been used in the "
         r"graph"),
    Case("grad-assign-shape", lambda d: setattr(leaf(d, 3), "grad", ones(d, 4)), RuntimeError,
         r"assigned grad has data of a different size: \[4\] vs \[3\]"),
    # -- tensor() from data ---------------------------------------------------------------------
    Case("tensor-ragged", lambda d: gk.tensor([[1, 2, 3], [4, 5]], device=d), ValueError,
         r"^expected sequence of length 3 at dim 1 \(got 2\)$"),
    Case("tensor-ragged-last-row", lambda d: gk.tensor([[1, 2], [3, 4], [5]], device=d), ValueError,
         r"^expected sequence of length 2 at dim 1 \(got 1\)$"),
    Case("tensor-ragged-deep", lambda d: gk.tensor([[[1, 2], [3, 4]], [[1, 2], [3]]], device=d), ValueError,
         r"^expected sequence of length 2 at dim 2 \(got 1\)$"),
    Case("tensor-ragged-deep-consistent-rows", lambda d: gk.tensor([[[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]]],
                                                                    device=d), ValueError,
         r"^expected sequence of length 2 at dim 2 \(got 3\)$"),
    Case("tensor-number-among-sequences", lambda d: gk.tensor([[1, 2], 3], device=d), TypeError,
         r"not a sequence: expected a sequence at dim 1"),
    Case("tensor-str", lambda d: gk.tensor("abc", device=d), TypeError, r"new\(\): invalid data type 'str'"),
    Case("tensor-list-with-str", lambda d: gk.tensor([1, "a"], device=d), TypeError,
         r"new\(\): invalid data type 'str'"),
    Case("tensor-object", lambda d: gk.tensor(object(), device=d), RuntimeError, r"Could not infer dtype of object"),
    Case("tensor-list-of-objects", lambda d: gk.tensor([object()], device=d), RuntimeError,
         r"Could not infer dtype of object"),
    Case("tensor-None", lambda d: gk.tensor(None, device=d), RuntimeError, r"Could not infer dtype of NoneType"),
    Case("tensor-nan-to-int", lambda d: gk.tensor([float("nan")], dtype=gk.int64, device=d), RuntimeError,
         r"value cannot be converted to type int64 without overflow"),
    Case("tensor-object-ndarray", lambda d: gk.tensor(np.array([1, "a"], dtype=object), device=d), TypeError,
         r"can't convert np\.ndarray of type numpy\.object_\. The only supported types are"),
    Case("as_tensor-object-ndarray", lambda d: gk.as_tensor(np.array([1, 2], dtype=object), device=d), TypeError,
         r"can't convert np\.ndarray of type numpy\.object_"),
    # -- joining and splitting ------------------------------------------------------------------
    Case("cat-shapes", lambda d: gk.cat([ones(d, 2, 3), ones(d, 2, 4)], dim=0), RuntimeError,
         r"Sizes of tensors must match except in dimension 0\. Expected size 3 but got size 4 for tensor number 1"),
    Case("cat-ranks", lambda d: gk.cat([ones(d, 2, 3), ones(d, 3)]), RuntimeError,
         r"Tensors must have same number of dimensions: got 2 and 1 \(tensor at position 1\)"),
    Case("cat-dim", lambda d: gk.cat([ones(d, 2, 3), ones(d, 2, 3)], dim=2), IndexError,
         "cat: " + DIM_RANGE.format(2)),
    Case("cat-0d", lambda d: gk.cat([gk.tensor(1.0, device=d), gk.tensor(2.0, device=d)]), RuntimeError,
         r"zero-dimensional tensor \(at position 0\) cannot be concatenated"),
    Case("stack-shapes", lambda d: gk.stack([ones(d, 2, 3), ones(d, 3, 2)]), RuntimeError,
         r"stack expects each tensor to be equal size, but got \[2, 3\] at entry 0 and \[3, 2\] at entry 1"),
    Case("stack-dim", lambda d: gk.stack([ones(d, 2), ones(d, 2)], dim=3), IndexError,
         "stack: " + DIM_RANGE.format(3)),
    Case("split-sizes", lambda d: ones(d, 5).split([2, 2]), RuntimeError,
         r"split_with_sizes expects split_sizes to sum exactly to 5 \(input tensor's size at dimension 0\), but "
         r"got split_sizes=\[2, 2\]"),
    Case("split-sizes-dim1", lambda d: ones(d, 2, 5).split([2, 2], dim=1), RuntimeError,
         r"split_with_sizes expects split_sizes to sum exactly to 5 \(input tensor's size at dimension 1\)"),
    Case("chunk-0", lambda d: ones(d, 5).chunk(0), RuntimeError,
         r"chunk expects `chunks` to be greater than 0, got: 0"),
    Case("chunk-negative", lambda d: ones(d, 5).chunk(-1), RuntimeError,
         r"chunk expects `chunks` to be greater than 0, got: -1"),
    Case("narrow-range", lambda d: ones(d, 5).narrow(0, 3, 4), RuntimeError,
         r"narrow\(\): start \(3\) \+ length \(4\) exceeds dimension size \(5\)"),
    # -- dims out of range ----------------------------------------------------------------------
    Case("squeeze-dim", lambda d: ones(d, 2, 3).squeeze(3), IndexError, "squeeze: " + DIM_RANGE.format(3)),
    Case("unsqueeze-dim", lambda d: ones(d, 2, 3).unsqueeze(4), IndexError,
         r"unsqueeze: Dimension out of range \(expected to be in range of \[-3, 2\], but got 4\)"),
    Case("unsqueeze-negative-dim", lambda d: ones(d, 2, 3).unsqueeze(-4), IndexError,
         r"unsqueeze: Dimension out of range \(expected to be in range of \[-3, 2\], but got -4\)"),
    Case("transpose-dim", lambda d: ones(d, 2, 3).transpose(0, 2), IndexError, "transpose: " + DIM_RANGE.format(2)),
    Case("permute-dim", lambda d: ones(d, 2, 3).permute(0, 2), IndexError, "permute: " + DIM_RANGE.format(2)),
    Case("permute-length", lambda d: ones(d, 2, 3).permute(0), RuntimeError,
         r"input\.dim\(\) = 2 is not equal to len\(dims\) = 1"),
    Case("permute-duplicate", lambda d: ones(d, 2, 3).permute(0, 0), RuntimeError,
         r"permute\(\): duplicate dims are not allowed \(got \[0, 0\]\)"),
    Case("sum-dim", lambda d: ones(d, 2, 3).sum(2), IndexError, "sum: " + DIM_RANGE.format(2)),
    Case("sum-negative-dim", lambda d: ones(d, 2, 3).sum(-3), IndexError, "sum: " + DIM_RANGE.format(-3)),
    Case("sum-repeated-dim", lambda d: ones(d, 2, 3).sum((0, 0)), RuntimeError,
         r"sum\(\): dim \[0, 0\] appears multiple times in the list of dims"),
    Case("mean-dim", lambda d: ones(d, 2, 3).mean(5), IndexError, "mean: " + DIM_RANGE.format(5)),
    Case("max-dim", lambda d: ones(d, 2, 3).max(dim=2), IndexError, "max: " + DIM_RANGE.format(2)),
    Case("argmax-dim", lambda d: ones(d, 2, 3).argmax(5), IndexError, "argmax: " + DIM_RANGE.format(5)),
    Case("cumsum-dim", lambda d: ones(d, 2, 3).cumsum(5), IndexError, "cumsum: " + DIM_RANGE.format(5)),
    Case("flatten-dim", lambda d: ones(d, 2, 3).flatten(0, 5), IndexError, "flatten: " + DIM_RANGE.format(5)),
    Case("movedim-dim", lambda d: ones(d, 2, 3).movedim(0, 5), IndexError, "movedim: " + DIM_RANGE.format(5)),
    Case("roll-dim", lambda d: ones(d, 2, 3).roll(1, 4), IndexError, "roll: " + DIM_RANGE.format(4)),
    Case("flip-dim", lambda d: ones(d, 2, 3).flip(4), IndexError, "flip: " + DIM_RANGE.format(4)),
    Case("size-dim", lambda d: ones(d, 2, 3).size(2), IndexError, "size: " + DIM_RANGE.format(2)),
    Case("index_select-dim", lambda d: ones(d, 2, 3).index_select(5, gk.tensor([0], device=d)), IndexError,
         "index_select: " + DIM_RANGE.format(5)),
    Case("unbind-dim", lambda d: ones(d, 2, 3).unbind(5), IndexError, "unbind: " + DIM_RANGE.format(5)),
    Case("gather-dim", lambda d: gk.gather(ones(d, 2, 3), 2, gk.zeros(2, 3, dtype=gk.int64, device=d)),
         IndexError, "gather: " + DIM_RANGE.format(2)),
    # -- expand -----------------------------------------------------------------------------------
    Case("expand-size", lambda d: ones(d, 2, 3).expand(4, 3), RuntimeError,
         r"The expanded size of the tensor \(4\) must match the existing size \(2\) at non-singleton dimension 0\.  "
         r"Target sizes: \[4, 3\]\.  Tensor sizes: \[2, 3\]"),
    Case("expand_as-size", lambda d: ones(d, 3).expand_as(ones(d, 2, 4)), RuntimeError,
         r"The expanded size of the tensor \(4\) must match the existing size \(3\) at non-singleton dimension 1"),
    Case("expand-too-few-sizes", lambda d: ones(d, 2, 3).expand(3), RuntimeError,
         r"expand\(gradkit\.Tensor\{\[2, 3\]\}, size=\[1\]\): the number of sizes provided \(1\) must be greater or "
         r"equal to the number of dimensions in the tensor \(2\)"),
    Case("expand-minus-one-leading", lambda d: ones(d, 3).expand(-1, 3), RuntimeError,
         r"expand: the expanded size -1 is not allowed in a leading, non-existing dimension 0"),
    Case("repeat-too-few", lambda d: ones(d, 2, 3).repeat(2), RuntimeError,
         r"Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"),
    Case("tril-1d", lambda d: ones(d, 3).tril(), RuntimeError,
         r"tril: input tensor must have at least 2 dimensions \(got shape \[3\]\)"),
    Case("topk-k", lambda d: ones(d, 3).topk(5), RuntimeError,
         r"selected index k out of range \(k=5, size of dim 0 is 3\)"),
    Case("kthvalue-k", lambda d: ones(d, 3).kthvalue(5), RuntimeError,
         r"kthvalue\(\): selected number k out of range for dimension 0 \(k=5, size 3\)"),
    Case("topk-dim", lambda d: ones(d, 2, 3).topk(1, dim=4), IndexError, "topk: " + DIM_RANGE.format(4)),
    # -- reductions and conversions -------------------------------------------------------------
    Case("mean-int", lambda d: ints(d).mean(), RuntimeError,
         r"mean\(\): could not infer output dtype\. Input dtype must be either a floating point or complex dtype\. "
         r"Got: gradkit\.int64"),
    Case("std-int", lambda d: ints(d).std(), RuntimeError,
         r"std and var only support floating point and complex dtypes \(got gradkit\.int64\)"),
    Case("max-empty", lambda d: ones(d, 0).max(), RuntimeError,
         r"max\(\): Expected reduction dim to be specified for input\.numel\(\) == 0.*\(shape \[0\]\)"),
    Case("min-empty", lambda d: ones(d, 0).min(), RuntimeError,
         r"min\(\): Expected reduction dim to be specified for input\.numel\(\) == 0"),
    Case("max-dim-empty", lambda d: ones(d, 0, 3).max(dim=0), IndexError,
         r"max\(\): Expected reduction dim 0 to have non-zero size"),
    Case("argmax-empty", lambda d: ones(d, 0).argmax(), IndexError,
         r"argmax\(\): Expected reduction dim to be specified for input\.numel\(\) == 0"),
    Case("item-many", lambda d: ones(d, 3).item(), RuntimeError,
         r"a Tensor with 3 elements cannot be converted to Scalar \(item\(\) needs exactly one element, shape \[3\]\)"),
    Case("item-empty", lambda d: ones(d, 0).item(), RuntimeError,
         r"a Tensor with 0 elements cannot be converted to Scalar"),
    Case("bool-many", lambda d: bool(ones(d, 3)), RuntimeError,
         r"Boolean value of Tensor with more than one value is ambiguous \(shape \[3\]\)"),
    Case("if-many", lambda d: _if(ones(d, 2) > 0), RuntimeError,
         r"Boolean value of Tensor with more than one value is ambiguous \(shape \[2\]\)"),
    Case("bool-empty", lambda d: bool(ones(d, 0)), RuntimeError,
         r"Boolean value of Tensor with no values is ambiguous \(shape \[0\]\)"),
    Case("float-many", lambda d: float(ones(d, 3)), ValueError,
         r"only one element tensors can be converted to Python scalars \(Python float of a tensor with 3 "
         r"elements, shape \[3\]\)"),
    Case("int-many", lambda d: int(ones(d, 3)), ValueError,
         r"only one element tensors can be converted to Python scalars \(Python int"),
    Case("index-many", lambda d: [1, 2, 3][ints(d, 2)], TypeError,
         r"only integer tensors of a single element can be converted to an index"),
    Case("index-float-scalar", lambda d: [1, 2, 3][gk.tensor(1.0, device=d)], TypeError,
         r"only integer tensors of a single element can be converted to an index"),
    Case("len-0d", lambda d: len(gk.tensor(1.0, device=d)), TypeError, r"len\(\) of a 0-d tensor"),
    Case("iter-0d", lambda d: iter(gk.tensor(1.0, device=d)), TypeError, r"iteration over a 0-d tensor"),
    Case("for-0d", lambda d: _iterate(gk.tensor(1.0, device=d)), TypeError, r"iteration over a 0-d tensor"),
    Case("numpy-requires-grad", lambda d: leaf(d, 3).numpy(), RuntimeError,
         r"Can't call numpy\(\) on Tensor that requires grad\. Use tensor\.detach\(\)\.numpy\(\) instead\."),
    # -- integer arithmetic -------------------------------------------------------------------
    Case("int-pow-negative", lambda d: ints(d) ** -1, RuntimeError,
         r"Integers to negative integer powers are not allowed"),
    Case("int-pow-negative-method", lambda d: ints(d).pow(-2), RuntimeError,
         r"Integers to negative integer powers are not allowed"),
    Case("int-floordiv-zero", lambda d: ints(d) // 0, RuntimeError, r"ZeroDivisionError: integer floor_divide by zero"),
    Case("int-floordiv-zero-tensor", lambda d: ints(d) // gk.zeros(3, dtype=gk.int64, device=d), RuntimeError,
         r"ZeroDivisionError: integer floor_divide by zero"),
    Case("int-mod-zero", lambda d: ints(d) % 0, RuntimeError, r"ZeroDivisionError: integer remainder by zero"),
    Case("int-mod-zero-tensor", lambda d: ints(d) % gk.zeros(3, dtype=gk.int64, device=d), RuntimeError,
         r"ZeroDivisionError: integer remainder by zero"),
    Case("bool-sub", lambda d: ones(d, 3, dtype=gk.bool) - ones(d, 3, dtype=gk.bool), RuntimeError,
         r"Subtraction, the `-` operator, with two bool tensors is not supported"),
    Case("bool-isub", lambda d: _isub(ones(d, 3, dtype=gk.bool), ones(d, 3, dtype=gk.bool)), RuntimeError,
         r"Subtraction, the `-` operator, with two bool tensors is not supported"),
    Case("bitwise-float", lambda d: ones(d, 3) & ones(d, 3), NotImplementedError,
         r"\"bitwise_and\" not implemented for 'Float'"),
    Case("div-rounding-mode", lambda d: gk.div(ones(d, 3), 2, rounding_mode="ceil"), RuntimeError,
         r"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'ceil'"),
    Case("clamp-no-bounds", lambda d: ones(d, 3).clamp(), RuntimeError,
         r"clamp: At least one of 'min' or 'max' must not be None"),
    # -- in-place result type and shape ---------------------------------------------------------
    Case("iadd-float-into-int", lambda d: _iadd(ints(d), 1.5), RuntimeError,
         r"add_: result type Float can't be cast to the desired output type Long"),
    Case("iadd-float-tensor-into-int", lambda d: _iadd(ints(d), ones(d, 3)), RuntimeError,
         r"add_: result type Float can't be cast to the desired output type Long"),
    Case("imul-float-into-int", lambda d: _imul(ints(d), 1.5), RuntimeError,
         r"mul_: result type Float can't be cast to the desired output type Long"),
    Case("idiv-int", lambda d: _idiv(ints(d), 2), RuntimeError,
         r"div_: result type Float can't be cast to the desired output type Long"),
    Case("add_-float-into-int", lambda d: ints(d).add_(1.5), RuntimeError,
         r"add_: result type Float can't be cast to the desired output type Long"),
    Case("iadd-int-into-bool", lambda d: _iadd(ones(d, 3, dtype=gk.bool), ints(d)), RuntimeError,
         r"add_: result type Long can't be cast to the desired output type Bool"),
    Case("sqrt_-int", lambda d: ints(d).sqrt_(), RuntimeError,
         r"sqrt_: result type Float can't be cast to the desired output type Long"),
    Case("iadd-broadcast-grows", lambda d: _iadd(ones(d, 3), ones(d, 2, 3)), RuntimeError,
         r"add_: output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"),
    Case("imul-broadcast-grows", lambda d: _imul(ones(d, 3), ones(d, 2, 3)), RuntimeError,
         r"mul_: output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"),
    Case("add_-broadcast-grows", lambda d: ones(d, 3).add_(ones(d, 2, 3)), RuntimeError,
         r"add_: output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"),
    Case("iadd-broadcast-mismatch", lambda d: _iadd(ones(d, 3), ones(d, 4)), RuntimeError,
         r"add: The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 0"),
    # PyTorch: "output with shape [3] doesn't match the broadcast shape [2, 3]"
    Case("copy_-broadcast", lambda d: ones(d, 3).copy_(ones(d, 2, 3)), RuntimeError,
         r"copy_: the source of shape \[2, 3\] can't be broadcast to the destination shape \[3\]"),
    Case("fill_-non-scalar", lambda d: ones(d, 3).fill_(ones(d, 2)), RuntimeError,
         r"fill_ only supports 0-dimension value tensor but got tensor with 1 dims"),
    # -- factories ------------------------------------------------------------------------------
    Case("arange-step-0", lambda d: gk.arange(0, 5, 0, device=d), RuntimeError, r"arange\(\): step must be nonzero"),
    Case("arange-wrong-sign", lambda d: gk.arange(0, 5, -1, device=d), RuntimeError,
         r"arange\(\): upper bound and larger bound inconsistent with step sign \(start=0, end=5, step=-1\)"),
    Case("arange-wrong-sign-2", lambda d: gk.arange(5, 0, 1, device=d), RuntimeError,
         r"inconsistent with step sign \(start=5, end=0, step=1\)"),
    Case("linspace-negative-steps", lambda d: gk.linspace(0, 1, -1, device=d), RuntimeError,
         r"linspace\(\): number of steps must be non-negative \(got -1\)"),
    Case("linspace-float-steps", lambda d: gk.linspace(0, 1, 2.5, device=d), TypeError,
         r"linspace\(\): argument 'steps' must be int, not float"),
    Case("zeros-negative", lambda d: gk.zeros(2, -3, device=d), RuntimeError,
         r"zeros\(\): Trying to create tensor with negative dimension -3: \[2, -3\]"),
    Case("rand-negative", lambda d: gk.rand(-1, device=d), RuntimeError,
         r"rand\(\): Trying to create tensor with negative dimension -1"),
    Case("randperm-negative", lambda d: gk.randperm(-1, device=d), RuntimeError,
         r"randperm\(\): Trying to create tensor with negative dimension -1"),
    Case("eye-negative", lambda d: gk.eye(-1, device=d), RuntimeError, r"eye\(\): n must be greater or equal to 0"),
    Case("zeros-str-size", lambda d: gk.zeros("a", device=d), TypeError,
         r"zeros\(\): argument 'size' must be a tuple of ints, but found element of type str"),
    Case("full-str", lambda d: gk.full((2,), "a", device=d), TypeError,
         r"full\(\): argument 'fill_value' \(position 2\) must be Number, not str"),
    Case("rand-int-dtype", lambda d: gk.rand(3, dtype=gk.int64, device=d), NotImplementedError,
         r"\"rand\" not implemented for 'int64'"),
    Case("randn-int-dtype", lambda d: gk.randn(3, dtype=gk.int64, device=d), NotImplementedError,
         r"\"randn\" not implemented for 'int64'"),
    Case("randint-high-equals-low", lambda d: gk.randint(5, 5, (3,), device=d), RuntimeError,
         r"random_ expects 'from' to be less than 'to', but got from=5 >= to=5"),
    Case("randint-high-below-low", lambda d: gk.randint(5, 2, (3,), device=d), RuntimeError,
         r"random_ expects 'from' to be less than 'to', but got from=5 >= to=2"),
    Case("randint-high-zero", lambda d: gk.randint(0, (3,), device=d), RuntimeError,
         r"random_ expects 'from' to be less than 'to', but got from=0 >= to=0"),
    Case("normal-negative-std", lambda d: gk.normal(0.0, -1.0, (3,), device=d), RuntimeError,
         r"normal expects std >= 0\.0, but found std -1"),
    Case("normal-negative-std-tensor", lambda d: gk.normal(ones(d, 3), -ones(d, 3)), RuntimeError,
         r"normal expects all elements of std >= 0\.0"),
    Case("normal-tensor-mean-negative-std", lambda d: gk.normal(ones(d, 3), -1.0), RuntimeError,
         r"normal expects std >= 0\.0, but found std -1"),
    Case("multinomial-negative", lambda d: gk.multinomial(gk.tensor([0.5, -0.1], device=d), 1), RuntimeError,
         r"(multinomial: )?probability tensor contains either `inf`, `nan` or element < 0"),
    Case("multinomial-nan", lambda d: gk.multinomial(gk.tensor([0.5, float("nan")], device=d), 1), RuntimeError,
         r"(multinomial: )?probability tensor contains either `inf`, `nan` or element < 0"),
    Case("multinomial-inf", lambda d: gk.multinomial(gk.tensor([0.5, float("inf")], device=d), 1), RuntimeError,
         r"(multinomial: )?probability tensor contains either `inf`, `nan` or element < 0"),
    Case("multinomial-zero-sum", lambda d: gk.multinomial(gk.zeros(3, device=d), 1), RuntimeError,
         r"(multinomial: )?invalid multinomial distribution \(sum of probabilities <= 0\)"),
    Case("multinomial-too-many", lambda d: gk.multinomial(gk.tensor([0.5, 0.5], device=d), 3), RuntimeError,
         r"(multinomial: )?cannot sample n_sample > prob_dist\.size\(-1\) samples without replacement \(3 > 2\)"),
    Case("multinomial-zero-samples", lambda d: gk.multinomial(gk.tensor([0.5, 0.5], device=d), 0), RuntimeError,
         r"(multinomial: )?cannot sample n_sample <= 0 samples \(got 0\)"),
    Case("multinomial-3d", lambda d: gk.multinomial(ones(d, 2, 2, 2), 1), RuntimeError,
         r"prob_dist must be 1 or 2 dim \(got 3\)"),
    Case("multinomial-int", lambda d: gk.multinomial(gk.tensor([1, 2], device=d), 1), RuntimeError,
         r"multinomial only supports floating-point dtypes for input, got: gradkit\.int64"),
    Case("bernoulli-probability", lambda d: gk.bernoulli(gk.tensor([1.5], device=d)), RuntimeError,
         r"Expected p_in >= 0 && p_in <= 1 to be true, but got false \(bernoulli: every probability must lie in "
         r"\[0, 1\]\)"),
]

# --------------------------------------------------------------------------------------------
# Bad calls that involve no tensor data on a device: device strings, dtypes, empty lists.
# --------------------------------------------------------------------------------------------
GLOBAL_CASES = [
    Case("device-gpu", lambda d: gk.zeros(2, device="gpu"), RuntimeError,
         r"Expected one of cpu, cuda, strict device type at start of device string: 'gpu'"),
    Case("device-object-gpu", lambda d: gk.device("gpu"), RuntimeError,
         r"Expected one of cpu, cuda, strict device type at start of device string: 'gpu'"),
    Case("device-cuda-x", lambda d: gk.zeros(2, device="cuda:x"), RuntimeError,
         r"Invalid device string: 'cuda:x' \(the index after ':' must be a non-negative integer\)"),
    Case("device-cuda-negative", lambda d: gk.device("cuda:-1"), RuntimeError, r"Invalid device string: 'cuda:-1'"),
    # PyTorch accepts 'cpu:1' (it has per-index CPU devices); gradkit has one CPU device
    Case("device-cpu-1", lambda d: gk.zeros(2, device="cpu:1"), RuntimeError,
         r"Invalid device string: 'cpu:1': gradkit has one CPU device"),
    Case("device-not-a-string", lambda d: gk.device(1.5), TypeError,
         r"device\(\): expected a device string such as 'cpu' or 'cuda:0', got float"),
    Case("to-bad-device", lambda d: gk.ones(2).to("gpu"), RuntimeError,
         r"Expected one of cpu, cuda, strict device type at start of device string: 'gpu'"),
    Case("set_default_device-bad", lambda d: gk.set_default_device("gpu"), RuntimeError,
         r"device type at start of device string: 'gpu'"),
    Case("dtype-unknown", lambda d: gk.zeros(3, dtype="float128"), TypeError, r"gradkit has no dtype 'float128'"),
    Case("set_default_dtype-int", lambda d: gk.set_default_dtype(gk.int64), TypeError,
         r"set_default_dtype: only floating-point types are supported as the default type, got gradkit\.int64"),
    Case("cat-empty", lambda d: gk.cat([]), ValueError, r"cat\(\): expected a non-empty list of Tensors"),
    Case("stack-empty", lambda d: gk.stack([]), RuntimeError, r"stack\(\): expected a non-empty list of Tensors"),
    Case("from_numpy-object", lambda d: gk.from_numpy(np.array([1, 2], dtype=object)), TypeError,
         r"can't convert np\.ndarray of type numpy\.object_"),
]

# --------------------------------------------------------------------------------------------
# Mixing devices in one op: cpu tensor with a strict tensor -> RuntimeError naming op and devices.
# --------------------------------------------------------------------------------------------
SAME_DEVICE = r"Expected all tensors to be on the same device, but found at least two devices, {} and {}! " \
              r"\(when checking arguments for {}\)"


def _mixed(name, fn, op, first="cpu", second="strict"):
    return Case(name, lambda d: fn(gk.ones(2, 3), gk.ones(2, 3, device="strict")), RuntimeError,
                SAME_DEVICE.format(first, second, op))


MIXED_DEVICE_CASES = [
    _mixed("mix-add", lambda a, b: a + b, "add"),
    _mixed("mix-radd", lambda a, b: b + a, "add", "strict", "cpu"),
    _mixed("mix-sub", lambda a, b: a - b, "sub"),
    _mixed("mix-mul", lambda a, b: a * b, "mul"),
    _mixed("mix-div", lambda a, b: a / b, "div"),
    _mixed("mix-pow", lambda a, b: a ** b, "pow"),
    _mixed("mix-floordiv", lambda a, b: a // b, "floor_divide"),
    _mixed("mix-lt", lambda a, b: a < b, "lt"),
    _mixed("mix-eq", lambda a, b: a == b, "eq"),
    _mixed("mix-maximum", lambda a, b: gk.maximum(a, b), "maximum"),
    _mixed("mix-add-requires-grad", lambda a, b: a.requires_grad_() + b, "add"),
    _mixed("mix-iadd", _iadd, "add_"),
    _mixed("mix-add_", lambda a, b: a.add_(b), "add_"),
    _mixed("mix-matmul", lambda a, b: a @ b.T, "matmul"),
    _mixed("mix-mm", lambda a, b: gk.mm(a, b.T), "mm"),
    _mixed("mix-bmm", lambda a, b: gk.bmm(a[None], b.T[None]), "bmm"),
    _mixed("mix-dot", lambda a, b: gk.dot(a[0], b[0]), "dot"),
    _mixed("mix-cat", lambda a, b: gk.cat([a, b]), "cat"),
    _mixed("mix-stack", lambda a, b: gk.stack([a, b]), "stack"),
    _mixed("mix-where-values", lambda a, b: gk.where(a > 0, a, b), "where"),
    _mixed("mix-where-condition", lambda a, b: gk.where(b > 0, a, a), "where", "strict", "cpu"),
    _mixed("mix-setitem", lambda a, b: _setitem(a, 0, b[0]), "index_put_"),
    _mixed("mix-clamp", lambda a, b: gk.clamp(a, b, b), "clamp"),
    _mixed("mix-logical_and", lambda a, b: gk.logical_and(a, b), "logical_and"),
    Case("mix-index-tensor", lambda d: gk.ones(3)[gk.tensor([0], device="strict")], RuntimeError,
         r"index: indices should be on the same device as the indexed tensor \(cpu\), but got indices on strict"),
    Case("mix-index-mask", lambda d: gk.ones(3)[gk.ones(3, dtype=gk.bool, device="strict")], RuntimeError,
         r"index: indices should be on the same device as the indexed tensor \(cpu\), but got indices on strict"),
    # PyTorch moves a CPU index to the accelerator implicitly; gradkit asks for an explicit .to()
    Case("mix-index-cpu-index-on-device", lambda d: gk.ones(3, device="strict")[gk.tensor([0])], RuntimeError,
         r"index: indices should be on the same device as the indexed tensor \(strict\), but got indices on cpu"),
    Case("mix-index_select", lambda d: gk.index_select(gk.ones(3), 0, gk.tensor([0], device="strict")), RuntimeError,
         r"indices should be on the same device as the indexed tensor \(cpu\), but got indices on strict"),
    Case("mix-backward-gradient", lambda d: (gk.ones(3, requires_grad=True) * 2).backward(
        gk.ones(3, device="strict")), RuntimeError, r"backward: gradient is on strict but output\[0\] is on cpu"),
    Case("numpy-on-strict", lambda d: gk.ones(3, device="strict").numpy(), TypeError,
         r"can't convert strict device type tensor to numpy\. Use Tensor\.cpu\(\) to copy the tensor to host memory "
         r"first"),
    Case("asarray-on-strict", lambda d: np.asarray(gk.ones(3, device="strict")), TypeError,
         r"can't convert strict device type tensor to numpy"),
]

ALL_CASES = DEVICE_CASES + GLOBAL_CASES + MIXED_DEVICE_CASES


def _check(case: Case, device):
    with pytest.raises(case.exc, match=case.match) as info:
        case.call(device)
    assert type(info.value) is case.exc, (
        f"{case.id}: PyTorch raises {case.exc.__name__}, gradkit raised {type(info.value).__name__}: {info.value}")
    return info.value


def test_catalogue_ids_are_unique():
    ids = [c.id for c in ALL_CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", [c.param() for c in DEVICE_CASES])
def test_bad_call_on_device(case, device):
    _check(case, device)


@pytest.mark.parametrize("case", [c.param() for c in GLOBAL_CASES])
def test_bad_call(case):
    _check(case, None)


@pytest.mark.parametrize("case", [c.param() for c in MIXED_DEVICE_CASES])
def test_mixing_devices(case):
    _check(case, None)


# --------------------------------------------------------------------------------------------
# No raw NumPy / array_api_strict error escapes
# --------------------------------------------------------------------------------------------
_RAW_PHRASES = (
    "operands could not be broadcast", "could not be broadcast together with remapped shapes",
    "object too deep", "setting an array element with a sequence", "inhomogeneous",
    "axis out of bounds", "is out of bounds for array of dimension", "AxisError", "numpy boolean subtract",
    "ufunc", "not enough values to unpack", "object is not iterable", "Only numeric dtypes are allowed",
    "array_api_strict", "Array API", "could not convert string to float", "negative dimensions are not allowed",
    "unexpected keyword argument", "cannot reshape array", "has no attribute",
)
_OUR_MODULES = ("builtins", "gradkit.backends.base")


@pytest.mark.parametrize("dev", ["cpu", "strict"])
def test_no_raw_array_library_errors_leak(dev):
    """Every bad call above raises an exception of a builtin (or gradkit) type, never NumPy's
    or array_api_strict's, with a message in gradkit's words."""
    leaks = []
    for case in ALL_CASES:
        try:
            case.call(dev)
        except Exception as exc:  # noqa: BLE001  (we want to see every kind)
            text = str(exc)
            module = type(exc).__module__
            phrase = next((p for p in _RAW_PHRASES if p.lower() in text.lower()), None)
            if module not in _OUR_MODULES or phrase is not None:
                leaks.append(f"{case.id}: {module}.{type(exc).__name__}: {text[:160]}")
        else:
            leaks.append(f"{case.id}: no exception")
    assert not leaks, "\n".join(leaks)


def test_catalogue_size():
    # the report quotes this number; every device case runs on cpu and strict (and cuda)
    assert len(ALL_CASES) >= 200


# --------------------------------------------------------------------------------------------
# Deliberate differences from PyTorch (documented; a change here is a design decision)
# --------------------------------------------------------------------------------------------
def test_deliberate_differences():
    # cuda without CuPy: PyTorch raises AssertionError("Torch not compiled with CUDA enabled");
    # gradkit raises BackendUnavailable, a RuntimeError that says what to install.
    from gradkit.backends import BackendUnavailable

    if not gk.cuda.is_available():
        with pytest.raises(BackendUnavailable, match="cupy|CUDA"):
            gk.zeros(2, device="cuda")
    # A device compares equal to its string (PyTorch: torch.device('cpu') == 'cpu' is False).
    assert gk.device("cpu") == "cpu"


def test_error_messages_are_single_exceptions_not_chained():
    """Re-raised errors drop the internal NumPy exception (``from None``) so the traceback
    shows one error in gradkit's words."""
    for case in (c for c in ALL_CASES if c.id in ("setitem-value-shape-recorded", "gather-range",
                                                 "scatter_add-range", "setitem-value-shape")):
        try:
            case.call("cpu")
        except Exception as exc:  # noqa: BLE001
            assert exc.__cause__ is None and exc.__suppress_context__, case.id
        else:
            pytest.fail(f"{case.id}: no exception")


def test_match_strings_are_valid_regexes():
    for case in ALL_CASES:
        re.compile(case.match)
