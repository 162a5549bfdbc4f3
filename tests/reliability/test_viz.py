"""gradkit.viz: the DOT text of D2L's computational graphs has the expected nodes and
edges; render() writes a file where Graphviz is installed and says what is missing where
it is not."""
from __future__ import annotations

import re
import shutil

import pytest

import gradkit as gk
import gradkit.nn as nn
from gradkit import viz


def parse(dot):
    """{id: label} and [(src_label, dst_label)] from to_dot's output."""
    def unescape(text):
        return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)

    labels = {m.group(1): unescape(m.group(2))
              for m in re.finditer(r'^\t(\w+) \[label="((?:[^"\\]|\\.)*)"', dot, re.M)}
    edges = [(labels[a], labels[b]) for a, b in re.findall(r"^\t(\w+) -> (\w+)$", dot, re.M)]
    return labels, edges


def first_line(label):
    return label.split("\n")[0]


def test_d2l_y_equals_2_x_dot_x(device):
    x = gk.arange(4.0, device=device, requires_grad=True)
    y = 2 * gk.dot(x, x)
    dot = viz.to_dot(y, params={"x": x})
    assert dot.startswith("digraph {") and dot.rstrip().endswith("}")
    labels, edges = parse(dot)
    names = sorted(first_line(v) for v in labels.values())
    assert names == ["DotBackward0", "MulBackward0", "output", "x"]
    x_label = next(v for v in labels.values() if first_line(v) == "x")
    assert x_label == f"x\n(4) float32 {device}"
    named = sorted((first_line(a), first_line(b)) for a, b in edges)
    # dot(x, x): two edges from the same leaf
    assert named == [("DotBackward0", "MulBackward0"), ("MulBackward0", "output"), ("x", "DotBackward0"),
                     ("x", "DotBackward0")]
    out = next(v for v in labels.values() if first_line(v) == "output")
    assert out == f"output\n() float32 {device}"
    assert 'fillcolor=lightblue' in dot and 'fillcolor=darkolivegreen1' in dot


def test_d2l_linear_regression_loss(device):
    gk.manual_seed(0)
    X = gk.randn(10, 2, device=device)
    y = gk.randn(10, 1, device=device)
    w = gk.normal(0, 0.01, size=(2, 1), device=device, requires_grad=True)
    b = gk.zeros(1, device=device, requires_grad=True)
    y_hat = gk.matmul(X, w) + b  # linreg
    loss = ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).sum()  # squared_loss(...).sum()
    labels, edges = parse(viz.to_dot(loss, params={"w": w, "b": b}))
    named = sorted((first_line(a), first_line(b)) for a, b in edges)
    assert named == sorted([("w", "MmBackward0"), ("MmBackward0", "AddBackward0"), ("b", "AddBackward0"),
                            ("AddBackward0", "SubBackward0"), ("SubBackward0", "PowBackward0"),
                            ("PowBackward0", "DivBackward0"), ("DivBackward0", "SumBackward0"),
                            ("SumBackward0", "output")])
    assert f"w\n(2, 1) float32 {device}" in labels.values() and f"b\n(1) float32 {device}" in labels.values()
    # shapes the graph knows: PowBackward0 saved its (10, 1) input, the output of SubBackward0
    assert f"SubBackward0\n(10, 1) float32 {device}" in labels.values()


def test_module_parameters_named_and_show_attrs(device):
    gk.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)).to(device)
    loss = net(gk.randn(2, 3, device=device)).sum()
    dot = viz.to_dot(loss, params=dict(net.named_parameters()), show_attrs=True)
    labels, edges = parse(dot)
    leaves = sorted(first_line(v) for v in labels.values() if first_line(v)[0].isdigit())
    assert leaves == ["0.bias", "0.weight", "2.bias", "2.weight"]
    assert any(l.startswith("SumBackward0") for l in labels.values())
    assert any("saved" in l for l in labels.values())  # show_attrs lists saved tensors


def test_unnamed_leaves_several_outputs_and_after_backward(device):
    a = gk.ones(2, device=device, requires_grad=True)
    b = (a * 3).exp()
    c = b.sum()
    dot = viz.to_dot((b, c))
    labels, edges = parse(dot)
    assert sorted(first_line(v) for v in labels.values()).count("leaf") == 1
    assert {"output 0", "output 1"} <= {first_line(v) for v in labels.values()}
    c.backward()
    assert "ExpBackward0" in viz.to_dot(c)  # the graph's structure outlives its saved tensors


def test_constant_tensor_has_only_an_output_box(device):
    dot = viz.to_dot(gk.ones(2, device=device))
    labels, edges = parse(dot)
    assert list(map(first_line, labels.values())) == ["output"] and edges == []


def test_labels_are_escaped():
    x = gk.ones(1, requires_grad=True)
    labels, _ = parse(viz.to_dot(x * 2, params={'a "quoted" \\ name': x}))
    assert 'a "quoted" \\ name\n(1) float32 cpu' in labels.values()


def test_bad_arguments():
    with pytest.raises(TypeError, match="to_dot: expected a Tensor or a tuple of Tensors, got int"):
        viz.to_dot(3)
    with pytest.raises(TypeError, match="params must map names to Tensors, but 'w' is a float"):
        viz.to_dot(gk.ones(1), params={"w": 1.0})
    with pytest.raises(ValueError, match="format must be one of svg, png, pdf, got 'jpg'"):
        viz.render(gk.ones(1), "x.jpg", format="jpg")


def _graphviz_ready():
    try:
        import graphviz  # noqa: F401
    except ImportError:
        return False
    return shutil.which("dot") is not None


@pytest.mark.skipif(not _graphviz_ready(), reason="needs the graphviz package and the dot program")
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_render_writes_the_file(tmp_path, fmt):
    x = gk.arange(4.0, requires_grad=True)
    path = viz.render(2 * gk.dot(x, x), tmp_path / f"g.{fmt}", format=fmt, params={"x": x})
    data = open(path, "rb").read()
    assert (b"<svg" in data) if fmt == "svg" else data.startswith(b"\x89PNG")


@pytest.mark.skipif(_graphviz_ready(), reason="Graphviz is installed here")
def test_render_says_what_is_missing(tmp_path):
    x = gk.arange(4.0, requires_grad=True)
    with pytest.raises((ImportError, RuntimeError), match="graphviz|Graphviz") as info:
        viz.render(x * 2, tmp_path / "g.svg")
    assert "to_dot" in str(info.value)
    assert not (tmp_path / "g.svg").exists()


def test_render_without_the_dot_program(tmp_path, monkeypatch):
    import sys
    import types

    monkeypatch.setitem(sys.modules, "graphviz", types.ModuleType("graphviz"))
    monkeypatch.setattr(viz.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="needs Graphviz's 'dot' program on the PATH"):
        viz.render(gk.ones(1, requires_grad=True) * 2, tmp_path / "g.svg")
