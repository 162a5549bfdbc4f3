"""Compares every op's forward values and gradients on one device against the CPU.

    python bench/op_compare.py --device cuda     # on a GPU machine
    python bench/op_compare.py --device strict   # the array-API test device, anywhere

Inputs are made on the CPU in float64 and copied over, so both devices see the same
numbers; outputs and input gradients must agree to 1e-9 relative (float64). Prints one
line per op and a summary; exits 1 if any op disagrees or fails.
"""
from __future__ import annotations

import argparse
import sys
import traceback

import gradkit as gk

F64 = gk.float64


def _pos(*shape):
    return gk.rand(*shape, dtype=F64) + 0.5


def _any(*shape):
    return gk.rand(*shape, dtype=F64) * 2 - 1


# name -> (function of tensors, input factories). Inputs whose factory returns an integer
# or bool tensor are passed through without gradients.
CASES = {
    "add": (lambda a, b: a + b, (lambda: _any(3, 4), lambda: _any(4))),
    "sub": (lambda a, b: a - b, (lambda: _any(3, 4), lambda: _any(3, 1))),
    "mul": (lambda a, b: a * b, (lambda: _any(3, 4), lambda: _any(3, 4))),
    "div": (lambda a, b: a / b, (lambda: _any(3, 4), lambda: _pos(4))),
    "pow": (lambda a, b: a ** b, (lambda: _pos(3, 4), lambda: _any(3, 4))),
    "pow_scalar": (lambda a: a ** 3, (lambda: _any(3, 4),)),
    "rpow": (lambda a: 2.0 ** a, (lambda: _any(3, 4),)),
    "remainder": (lambda a: a % 0.7, (lambda: _any(3, 4),)),
    "neg": (lambda a: -a, (lambda: _any(5),)),
    "abs": (lambda a: a.abs(), (lambda: _any(5),)),
    "exp": (gk.exp, (lambda: _any(5),)),
    "log": (gk.log, (lambda: _pos(5),)),
    "log1p": (gk.log1p, (lambda: _pos(5),)),
    "sqrt": (gk.sqrt, (lambda: _pos(5),)),
    "rsqrt": (gk.rsqrt, (lambda: _pos(5),)),
    "sin": (gk.sin, (lambda: _any(5),)),
    "cos": (gk.cos, (lambda: _any(5),)),
    "tan": (gk.tan, (lambda: _any(5),)),
    "tanh": (gk.tanh, (lambda: _any(5),)),
    "sigmoid": (gk.sigmoid, (lambda: _any(5),)),
    "relu": (gk.relu, (lambda: _any(5),)),
    "clamp": (lambda a: a.clamp(-0.3, 0.4), (lambda: _any(6),)),
    "clamp_tensor": (lambda a, lo: a.clamp(min=lo), (lambda: _any(6), lambda: _any(6))),
    "maximum": (gk.maximum, (lambda: _any(6), lambda: _any(6))),
    "minimum": (gk.minimum, (lambda: _any(6), lambda: _any(6))),
    "where": (lambda a, b: gk.where(a > 0, a, b), (lambda: _any(6), lambda: _any(6))),
    "sign": (lambda a: a.sign() * a, (lambda: _any(6),)),
    "sum": (lambda a: a.sum(), (lambda: _any(3, 4),)),
    "sum_dim": (lambda a: a.sum(dim=(0, 2), keepdim=True), (lambda: _any(2, 3, 4),)),
    "mean": (lambda a: a.mean(1), (lambda: _any(3, 4),)),
    "prod": (lambda a: a.prod(1), (lambda: _pos(3, 4),)),
    "max": (lambda a: a.max(), (lambda: _any(3, 4),)),
    "max_dim": (lambda a: a.max(dim=1).values, (lambda: _any(3, 4),)),
    "min_dim": (lambda a: a.min(dim=0, keepdim=True).values, (lambda: _any(3, 4),)),
    "amax": (lambda a: a.amax(dim=1), (lambda: _any(3, 4),)),
    "argmax": (lambda a: a.argmax(dim=1), (lambda: _any(3, 4),)),
    "var": (lambda a: a.var(dim=1), (lambda: _any(3, 4),)),
    "std": (lambda a: a.std(), (lambda: _any(3, 4),)),
    "norm": (lambda a: a.norm(), (lambda: _any(3, 4),)),
    "norm_p1_dim": (lambda a: a.norm(p=1, dim=0), (lambda: _any(3, 4),)),
    "logsumexp": (lambda a: a.logsumexp(dim=1), (lambda: _any(3, 4),)),
    "cumsum": (lambda a: a.cumsum(dim=1), (lambda: _any(3, 4),)),
    "all_any": (lambda a: gk.stack([(a > -2).all(), (a > 0.5).any()]), (lambda: _any(3, 4),)),
    "reshape": (lambda a: a.reshape(4, -1) * 2, (lambda: _any(3, 4),)),
    "permute": (lambda a: a.permute(2, 0, 1) * 2, (lambda: _any(2, 3, 4),)),
    "transpose": (lambda a: a.transpose(0, 1) @ a, (lambda: _any(3, 4),)),
    "squeeze": (lambda a: a.unsqueeze(0).squeeze() * 2, (lambda: _any(3, 4),)),
    "flatten": (lambda a: a.flatten(1) * 2, (lambda: _any(2, 3, 4),)),
    "expand": (lambda a: a.expand(3, 4) * 2, (lambda: _any(1, 4),)),
    "cat": (lambda a, b: gk.cat((a, b), dim=1), (lambda: _any(3, 4), lambda: _any(3, 2))),
    "stack": (lambda a, b: gk.stack((a, b), dim=0), (lambda: _any(3, 4), lambda: _any(3, 4))),
    "split": (lambda a: a.split(2, dim=1)[1] * 3, (lambda: _any(3, 5),)),
    "chunk": (lambda a: a.chunk(2)[0] * 3, (lambda: _any(4, 3),)),
    "flip": (lambda a: a.flip(0), (lambda: _any(3, 4),)),
    "repeat": (lambda a: a.repeat(2, 1), (lambda: _any(3, 4),)),
    "getitem_basic": (lambda a: a[1:, None, ::2] * 2, (lambda: _any(3, 4),)),
    "getitem_int_array": (lambda a, i: a[i], (lambda: _any(4, 3), lambda: gk.tensor([0, 2, 2, 3]))),
    "getitem_mixed": (lambda a, i: a[i, 1:], (lambda: _any(4, 3), lambda: gk.tensor([3, 0, 3]))),
    "getitem_pair": (lambda a, i, j: a[i, j], (lambda: _any(4, 3), lambda: gk.tensor([0, 1, 1]),
                                               lambda: gk.tensor([2, 0, 2]))),
    "getitem_mask": (lambda a: a[a > 0], (lambda: _any(4, 3),)),
    "setitem": (lambda a, b: _setitem(a, b), (lambda: _any(4, 3), lambda: _any(3))),
    "gather": (lambda a, i: a.gather(1, i), (lambda: _any(3, 4), lambda: gk.tensor([[0, 3], [1, 1], [2, 0]]))),
    "index_select": (lambda a, i: a.index_select(1, i), (lambda: _any(3, 4), lambda: gk.tensor([3, 0, 3]))),
    "matmul": (gk.matmul, (lambda: _any(3, 4), lambda: _any(4, 2))),
    "matmul_batched": (gk.matmul, (lambda: _any(2, 3, 4), lambda: _any(4, 2))),
    "mv": (gk.mv, (lambda: _any(3, 4), lambda: _any(4))),
    "dot": (gk.dot, (lambda: _any(4), lambda: _any(4))),
    "outer": (gk.outer, (lambda: _any(3), lambda: _any(4))),
    "bmm": (gk.bmm, (lambda: _any(2, 3, 4), lambda: _any(2, 4, 5))),
    "cast": (lambda a: a.float().double() * 2, (lambda: _any(3),)),
}


def _setitem(a, b):
    out = a * 1.0
    out[1] = b
    return out * 2


def _run(fn, inputs):
    """Output and gradients of sum(output * weight) w.r.t. the float inputs."""
    out = fn(*inputs)
    diff = [x for x in inputs if x.requires_grad]
    grads = []
    if diff and out.requires_grad:
        weight = gk.arange(out.numel(), dtype=F64, device=out.device).reshape(out.shape) * 0.1 + 1
        grads = gk.autograd.grad((out * weight).sum(), diff, allow_unused=True)
    return out, grads


def _close(a, b, rtol=1e-9, atol=1e-12):
    if a is None or b is None:
        return a is None and b is None
    a, b = a.detach().cpu(), b.detach().cpu()
    if tuple(a.shape) != tuple(b.shape) or a.dtype is not b.dtype:
        return False
    if a.dtype.is_floating_point:
        return bool(gk.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True).all())
    return bool((a == b).all())


def compare(device: str, names=None):
    results = []
    for name, (fn, factories) in CASES.items():
        if names and name not in names:
            continue
        gk.manual_seed(0)
        base = [f() for f in factories]
        try:
            cpu_in = [x.clone().requires_grad_(x.is_floating_point()) for x in base]
            dev_in = [x.to(device).detach().requires_grad_(x.is_floating_point()) for x in base]
            cpu_out, cpu_grads = _run(fn, cpu_in)
            dev_out, dev_grads = _run(fn, dev_in)
            if dev_out.device.type != gk.device(device).type:
                results.append((name, False, f"output landed on {dev_out.device}"))
                continue
            ok_fwd = _close(cpu_out, dev_out)
            ok_bwd = len(cpu_grads) == len(dev_grads) and all(_close(a, b) for a, b in zip(cpu_grads, dev_grads))
            detail = "" if ok_fwd and ok_bwd else ("forward differs" if not ok_fwd else "gradient differs")
            results.append((name, ok_fwd and ok_bwd, detail))
        except Exception as exc:  # report and go on: one broken op must not hide the others
            results.append((name, False, f"{type(exc).__name__}: {exc}".splitlines()[0][:120]))
            if "--verbose" in sys.argv:
                traceback.print_exc()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--only", nargs="*", help="op names to run")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    results = compare(args.device, args.only)
    for name, ok, detail in results:
        print(f"{'ok  ' if ok else 'FAIL'} {name:20s} {detail}")
    failed = [r for r in results if not r[1]]
    print(f"op-compare {args.device} vs cpu: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
