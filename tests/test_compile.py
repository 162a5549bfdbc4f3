"""gradkit.compile / gradkit.compiler: accepted as PyTorch's torch.compile (recorded from
PyTorch 2.13: the wrapper's type name, repr, state_dict keys and error messages)."""
from __future__ import annotations

import pytest

import gradkit as gk
import gradkit.nn as nn


def _mlp():
    gk.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def test_a_compiled_module_wraps_the_model_as_pytorch_does():
    model = nn.Linear(2, 3)
    compiled = gk.compile(model)
    assert type(compiled).__name__ == "OptimizedModule" and compiled._orig_mod is model
    assert list(compiled.state_dict()) == ["_orig_mod.weight", "_orig_mod.bias"]
    assert repr(compiled) == "OptimizedModule(\n  (_orig_mod): Linear(in_features=2, out_features=3, bias=True)\n)"
    assert compiled.in_features == 2 and compiled.weight is model.weight  # read through to the model
    compiled.eval()
    assert not model.training
    with pytest.raises(AttributeError):
        compiled.no_such_attribute


def test_training_through_a_compiled_module_equals_eager_bit_for_bit():
    x, y = gk.randn(16, 4, generator=gk.Generator().manual_seed(1)), gk.arange(16) % 3
    results = []
    for wrap in (lambda m: m, gk.compile, lambda m: gk.compile(m, mode="max-autotune", fullgraph=True)):
        model = _mlp()
        net = wrap(model)
        opt = gk.optim.SGD(net.parameters(), lr=0.1)
        for _ in range(3):
            loss = nn.functional.cross_entropy(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        results.append([p.detach().clone() for p in model.parameters()])
    for other in results[1:]:
        for a, b in zip(results[0], other):
            assert gk.equal(a, b)


def test_functions_and_decorators():
    assert gk.compile(lambda x: x + 1)(gk.tensor(1)).item() == 2

    @gk.compile
    def double(x):
        """Twice x."""
        return 2 * x

    @gk.compile(dynamic=True, backend="eager")
    def triple(x):
        return 3 * x

    assert double.__name__ == "double" and double.__doc__ == "Twice x."
    assert double(gk.tensor(2)).item() == 4 and triple(gk.tensor(2)).item() == 6
    model = _mlp()
    assert gk.compile(model, disable=True) is model


def test_bad_arguments_raise_pytorchs_errors():
    model = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match="Unrecognized mode=bad, should be one of: default, lite, reduce-overhead, "
                                           "max-autotune-no-cudagraphs, max-autotune"):
        gk.compile(model, mode="bad")
    with pytest.raises(RuntimeError, match="Either mode or options can be specified"):
        gk.compile(model, mode="default", options={})


def test_compiler_namespace():
    assert gk.compiler.is_compiling() is False

    @gk.compiler.disable
    def f(x):
        return x

    assert f(3) == 3 and gk.compiler.disable(recursive=False)(f) is f
    gk.compiler.reset()
