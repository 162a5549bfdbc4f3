"""gradkit.save / gradkit.load: safetensors checkpoints, atomic writes, refusal of
anything that is not a safetensors file (nothing from a file is ever executed)."""
from __future__ import annotations

import collections
import io
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import zipfile

import pytest

import gradkit
from gradkit import serialization
from gradkit.serialization import CheckpointError

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _same(a, b):
    assert isinstance(b, gradkit.Tensor)
    assert a.dtype is b.dtype and a.shape == b.shape
    assert a.cpu().tolist() == b.cpu().tolist()


def _state(device):
    """A model state dict plus an optimizer state dict with int keys, as training saves."""
    model = collections.OrderedDict()
    model["0.weight"] = gradkit.randn(4, 3, device=device)
    model["0.bias"] = gradkit.zeros(4, device=device)
    model["1.num_batches_tracked"] = gradkit.tensor(7, device=device)
    model["mask"] = gradkit.tensor([True, False], device=device)
    optim = {"state": {0: {"step": gradkit.tensor(3.0, device=device),
                           "exp_avg": gradkit.rand(4, 3, dtype=gradkit.float64, device=device)},
                       1: {"step": gradkit.tensor(3.0, device=device), "exp_avg": gradkit.ones(4, device=device)}},
             "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0,
                               "amsgrad": False, "foreach": None, "params": [0, 1], "name": "main"}]}
    return {"model": model, "optim": optim, "epoch": 5, "best": float("inf"), "dtype": gradkit.float32,
            "shape": gradkit.Size([4, 3])}


def _check_state(out, ref, device):
    assert list(out) == list(ref)
    assert type(out["model"]) is collections.OrderedDict and list(out["model"]) == list(ref["model"])
    for k in ref["model"]:
        _same(ref["model"][k], out["model"][k])
        assert out["model"][k].device == gradkit.device(device)
    st = out["optim"]["state"]
    assert list(st) == [0, 1] and all(type(k) is int for k in st)  # int keys stay ints
    for k in (0, 1):
        for name in ("step", "exp_avg"):
            _same(ref["optim"]["state"][k][name], st[k][name])
    assert out["optim"]["param_groups"] == ref["optim"]["param_groups"]
    assert type(out["optim"]["param_groups"][0]["betas"]) is tuple
    assert type(out["optim"]["param_groups"][0]["params"]) is list
    assert out["epoch"] == 5 and type(out["epoch"]) is int and out["best"] == float("inf")
    assert out["dtype"] is gradkit.float32 and out["shape"] == (4, 3)


# ------------------------------------------------------------------------------ round trips
def test_round_trip_nested_state(device, tmp_path):
    ref = _state(device)
    path = tmp_path / "ckpt.safetensors"
    gradkit.save(ref, path)
    _check_state(gradkit.load(path), ref, device)  # back on the device it was saved from
    _check_state(gradkit.load(str(path), map_location="cpu"), ref, "cpu")
    _check_state(gradkit.load(path, map_location={device: "cpu"}), ref, "cpu")
    _check_state(gradkit.load(path, map_location=gradkit.device("cpu")), ref, "cpu")


def test_round_trip_onto_strict_device(tmp_path):
    ref = _state("cpu")
    gradkit.save(ref, tmp_path / "c.st")
    _check_state(gradkit.load(tmp_path / "c.st", map_location="strict"), ref, "strict")


def test_round_trip_every_dtype(tmp_path):
    values = {}
    for dt in (gradkit.bool, gradkit.uint8, gradkit.int8, gradkit.int16, gradkit.int32, gradkit.int64,
               gradkit.float16, gradkit.float32, gradkit.float64):
        values[dt.name] = (gradkit.arange(6) % 3 - (0 if dt in (gradkit.bool, gradkit.uint8) else 1)).to(dt)
    values["scalar"] = gradkit.tensor(2.5)
    values["empty"] = gradkit.zeros(0, 3)
    values["strided"] = gradkit.arange(12.0).reshape(3, 4).t()  # not contiguous
    gradkit.save(values, tmp_path / "d.st")
    out = gradkit.load(tmp_path / "d.st")
    for k in values:
        _same(values[k], out[k])


def test_single_tensor_and_file_objects(tmp_path):
    t = gradkit.arange(5.0)
    gradkit.save(t, tmp_path / "t.st")
    _same(t, gradkit.load(tmp_path / "t.st"))
    buf = io.BytesIO()
    gradkit.save({"a": [t, None, "x", True]}, buf)
    buf.seek(0)
    out = gradkit.load(buf)
    _same(t, out["a"][0])
    assert out["a"][1:] == [None, "x", True]


def test_shared_tensors_stored_once(tmp_path):
    w = gradkit.randn(3, 3)
    gradkit.save({"enc.weight": w, "dec.weight": w, "other": w.clone()}, tmp_path / "tied.st")
    out = gradkit.load(tmp_path / "tied.st")
    assert out["enc.weight"] is out["dec.weight"] and out["other"] is not out["enc.weight"]
    from safetensors import safe_open

    with safe_open(str(tmp_path / "tied.st"), framework="numpy") as fh:
        assert len(list(fh.keys())) == 2


def test_requires_grad_kept(tmp_path):
    w = gradkit.randn(2, requires_grad=True)
    gradkit.save({"w": w, "d": w.detach()}, tmp_path / "g.st")
    out = gradkit.load(tmp_path / "g.st")
    assert out["w"].requires_grad and out["w"].is_leaf and not out["d"].requires_grad


def test_unsupported_objects_refused(tmp_path):
    with pytest.raises(TypeError, match=r"can't store .*object.* \(at obj\['model'\]\['f'\]\)"):
        gradkit.save({"model": {"f": object()}}, tmp_path / "x.st")
    assert not os.path.exists(tmp_path / "x.st") and os.listdir(tmp_path) == []


def test_flat_state_dict_uses_its_own_keys_as_tensor_names(tmp_path):
    sd = {"0.weight": gradkit.ones(2, 2), "0.bias": gradkit.zeros(2)}
    gradkit.save(sd, tmp_path / "sd.st")
    from safetensors.numpy import load_file  # what safetensors.torch.load_file sees too

    raw = load_file(str(tmp_path / "sd.st"))
    assert sorted(raw) == ["0.bias", "0.weight"] and raw["0.weight"].tolist() == [[1, 1], [1, 1]]


def test_pytorch_written_safetensors_loads_as_flat_dict():
    sd = gradkit.load(os.path.join(FIXTURES, "torch_state_dict.safetensors"))
    assert type(sd) is dict
    assert sorted(sd) == sorted(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                                 "1.num_batches_tracked", "3.weight", "3.bias", "extra.half", "extra.mask",
                                 "extra.bytes"])
    # make_torch_fixture.py: floating entry i (in state_dict order) is arange(n) * 0.25 - i
    order = ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", None, "3.weight",
             "3.bias"]
    shapes = {"0.weight": (2, 3), "0.bias": (2,), "3.weight": (1, 2), "3.bias": (1,)}
    for i, name in enumerate(order):
        if name is None:
            continue
        shape = shapes.get(name, (2,))
        want = (gradkit.arange(math_prod(shape), dtype=gradkit.float64) * 0.25 - i).reshape(shape).float()
        _same(want, sd[name])
    _same(gradkit.tensor(7), sd["1.num_batches_tracked"])
    _same(gradkit.tensor([1.5, -2.0], dtype=gradkit.float16), sd["extra.half"])
    _same(gradkit.tensor([True, False, True]), sd["extra.mask"])
    _same(gradkit.arange(4).to(gradkit.uint8), sd["extra.bytes"])
    assert all(t.device == gradkit.device("cpu") for t in sd.values())


def math_prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def test_saved_on_unavailable_device_needs_map_location(tmp_path):
    if gradkit.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    from safetensors.numpy import save_file
    import numpy as np

    structure = {"D": [["w", {"T": "w", "dev": "cuda:0"}]]}
    save_file({"w": np.ones(2, np.float32)}, str(tmp_path / "c.st"),
              metadata={"format": "gradkit", "gradkit.structure": json.dumps(structure)})
    with pytest.raises(RuntimeError, match="saved on 'cuda:0'.*map_location"):
        gradkit.load(tmp_path / "c.st")
    assert gradkit.load(tmp_path / "c.st", map_location="cpu")["w"].tolist() == [1.0, 1.0]
    assert gradkit.load(tmp_path / "c.st", map_location={"cuda:0": "cpu"})["w"].device == gradkit.device("cpu")


# ------------------------------------------------------------------------------ crash safety
def test_failed_write_leaves_old_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.st"
    old = {"w": gradkit.arange(10.0), "tag": "old"}
    gradkit.save(old, path)
    before = path.read_bytes()
    real = serialization._write_payload

    def dies_half_way(fh, header, arrays):
        buf = io.BytesIO()
        real(buf, header, arrays)
        fh.write(buf.getvalue()[:len(buf.getvalue()) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serialization, "_write_payload", dies_half_way)
    with pytest.raises(OSError, match="No space left"):
        gradkit.save({"w": gradkit.zeros(1000), "tag": "new"}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.st"]  # the temporary file was removed
    out = gradkit.load(path)
    assert out["tag"] == "old" and out["w"].tolist() == old["w"].tolist()


_CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    import gradkit
    from gradkit import serialization

    real = serialization._write_array
    state = {{"n": 0}}

    def slow_after_first(fh, arr):
        real(fh, arr)
        fh.flush()
        state["n"] += 1
        if state["n"] == 1:
            print("HALF", flush=True)  # some bytes are in the temporary file
            time.sleep(60)  # the parent kills us here

    serialization._write_array = slow_after_first
    big = {{"a": gradkit.ones(4_000_000), "b": gradkit.ones(4_000_000), "tag": "new"}}
    gradkit.save(big, {path!r})
    print("DONE", flush=True)
""")


def test_sigkill_during_save_leaves_old_checkpoint(tmp_path):
    path = tmp_path / "ckpt.st"
    gradkit.save({"w": gradkit.arange(3.0), "tag": "old"}, path)
    before = path.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", _CHILD.format(root=ROOT, path=str(path))],
                             stdout=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline().strip()
        assert line == "HALF"
        temps = [p for p in os.listdir(tmp_path) if p != "ckpt.st"]
        assert len(temps) == 1 and os.path.getsize(tmp_path / temps[0]) > 16_000_000  # a half-written file
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    assert path.read_bytes() == before
    out = gradkit.load(path)
    assert out["tag"] == "old" and out["w"].tolist() == [0.0, 1.0, 2.0]
    stale = [p for p in os.listdir(tmp_path) if p != "ckpt.st"]
    with pytest.raises(CheckpointError, match="truncated"):  # the leftover is never mistaken for a checkpoint
        gradkit.load(tmp_path / stale[0])


# ------------------------------------------------------------------------------ bad files
def _good_file(tmp_path):
    path = tmp_path / "good.st"
    gradkit.save({"w": gradkit.arange(100.0), "n": 3}, path)
    return path


def test_corrupted_header_raises(tmp_path):
    data = bytearray(_good_file(tmp_path).read_bytes())
    data[8:12] = b"\xff!x#"
    bad = tmp_path / "bad.st"
    bad.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"bad\.st.*corrupted header"):
        gradkit.load(bad)
    data = bytearray(_good_file(tmp_path).read_bytes())
    data[12:16] = b"\xff!x#"  # starts like JSON, isn't
    bad.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"bad\.st.*corrupted header \(not valid JSON"):
        gradkit.load(bad)
    data = bytearray(_good_file(tmp_path).read_bytes())
    data[:8] = (10 ** 12).to_bytes(8, "little")  # a header length no file has
    bad.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="header length field"):
        gradkit.load(bad)
    assert issubclass(CheckpointError, RuntimeError)


def test_corrupted_structure_raises(tmp_path):
    from safetensors.numpy import save_file
    import numpy as np

    save_file({"w": np.ones(2, np.float32)}, str(tmp_path / "s.st"),
              metadata={"gradkit.structure": '{"D": [["w", {"T": "missing"}]]}'})
    with pytest.raises(CheckpointError, match="does not hold"):
        gradkit.load(tmp_path / "s.st")
    save_file({"w": np.ones(2, np.float32)}, str(tmp_path / "s.st"), metadata={"gradkit.structure": "{not json"})
    with pytest.raises(CheckpointError, match="not valid JSON"):
        gradkit.load(tmp_path / "s.st")


def test_truncated_file_raises(tmp_path):
    data = _good_file(tmp_path).read_bytes()
    for cut in (len(data) - 10, len(data) // 2, 40, 5, 0):
        bad = tmp_path / "trunc.st"
        bad.write_bytes(data[:cut])
        with pytest.raises(CheckpointError, match=r"trunc\.st.*(truncated|not a safetensors)"):
            gradkit.load(bad)


def test_trailing_garbage_raises(tmp_path):
    bad = tmp_path / "long.st"
    bad.write_bytes(_good_file(tmp_path).read_bytes() + b"junk")
    with pytest.raises(CheckpointError, match="unexpected bytes"):
        gradkit.load(bad)


class _Evil:
    """Unpickling this would create the marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_file_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "PWNED"
    payload = pickle.dumps({"state": _Evil(str(marker))}, protocol=2)
    bad = tmp_path / "model.pt"
    bad.write_bytes(payload)
    with pytest.raises(CheckpointError, match=r"model\.pt.*pickle.*never unpickles"):
        gradkit.load(bad)
    with pytest.raises(CheckpointError, match="pickle"):
        gradkit.load(io.BytesIO(payload))
    assert not marker.exists()
    # what torch.save writes by default: a zip archive holding a pickle
    zipped = tmp_path / "model_zip.pt"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("archive/data.pkl", payload)
    with pytest.raises(CheckpointError, match=r"zip archive.*torch\.save"):
        gradkit.load(zipped, weights_only=False)
    # a protocol-0 pickle has no magic byte: it fails as a corrupted safetensors header
    bad.write_bytes(pickle.dumps(_Evil(str(marker)), protocol=0))
    with pytest.raises(CheckpointError):
        gradkit.load(bad)
    assert not marker.exists()


def test_header_length_starting_like_a_pickle_is_fine(tmp_path):
    # a header of 128 bytes makes the file's first byte 0x80, pickle's first byte too
    from safetensors.numpy import save_file
    import numpy as np

    for pad in range(80):
        save_file({"w": np.arange(3, dtype=np.float32)}, str(tmp_path / "h.st"), metadata={"p": "x" * pad})
        if (tmp_path / "h.st").read_bytes()[:1] == b"\x80":
            break
    else:
        pytest.fail("no header of 128 bytes made")
    assert gradkit.load(tmp_path / "h.st")["w"].tolist() == [0.0, 1.0, 2.0]


def test_unknown_dtype_named(tmp_path):
    header = json.dumps({"x": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}).encode()
    header += b" " * (-len(header) % 8)
    bad = tmp_path / "bf16.st"
    bad.write_bytes(len(header).to_bytes(8, "little") + header + b"\0" * 4)
    with pytest.raises(CheckpointError, match="'x' has dtype BF16"):
        gradkit.load(bad)


def test_import_gradkit_does_not_import_safetensors():
    code = "import sys, gradkit; assert 'safetensors' not in sys.modules; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


# ------------------------------------------------------------------------------ paths, modules
def test_missing_parent_directory_and_symlink(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory .* does not exist"):
        gradkit.save({"a": 1}, tmp_path / "nope" / "c.st")
    real = tmp_path / "real.st"
    gradkit.save({"v": 1}, real)
    link = tmp_path / "link.st"
    os.symlink(real, link)
    gradkit.save({"v": 2}, link)  # writes the file the link points to; the link stays
    assert os.path.islink(link) and gradkit.load(real) == {"v": 2}


def test_model_and_optimizer_state_dicts(tmp_path):
    # imported plainly: a broken gradkit.nn or optim fails here instead of skipping the test
    import gradkit.nn as nn
    import gradkit.optim as optim

    net = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2), nn.ReLU(), nn.Linear(2, 1))
    # PyTorch's own file fills this model (same state_dict keys)
    sd = gradkit.load(os.path.join(FIXTURES, "torch_state_dict.safetensors"))
    net.load_state_dict({k: v for k, v in sd.items() if not k.startswith("extra.")})
    assert net[0].weight.tolist() == [[0.0, 0.25, 0.5], [0.75, 1.0, 1.25]]
    opt = optim.Adam(net.parameters(), lr=0.1)
    net(gradkit.randn(4, 3)).sum().backward()
    opt.step()
    gradkit.save({"model": net.state_dict(), "optim": opt.state_dict()}, tmp_path / "train.st")
    ck = gradkit.load(tmp_path / "train.st")
    net2 = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2), nn.ReLU(), nn.Linear(2, 1))
    net2.load_state_dict(ck["model"])
    opt2 = optim.Adam(net2.parameters(), lr=0.1)
    opt2.load_state_dict(ck["optim"])
    assert all(type(k) is int for k in ck["optim"]["state"])
    for a, b in zip(net.state_dict().values(), net2.state_dict().values()):
        _same(a.detach(), b.detach())
    p = nn.Parameter(gradkit.ones(2))
    gradkit.save({"p": p, "again": [p]}, tmp_path / "p.st")
    out = gradkit.load(tmp_path / "p.st")
    assert type(out["p"]) is nn.Parameter and out["p"].requires_grad and out["again"][0] is out["p"]


# ------------------------------------------------------------------ NumPy values, plain Python values, modules
def test_numpy_arrays_and_scalars_round_trip(tmp_path):
    import numpy as np

    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    obj = {"arr": arr, "same": arr, "strided": np.arange(6)[::2], "big_endian": np.array([1, 2], dtype=">i4"),
           "scalars": [np.int64(7), np.float64(1.5), np.bool_(True), np.float16(0.5)], "t": gradkit.ones(2)}
    gradkit.save(obj, tmp_path / "np.st")
    out = gradkit.load(tmp_path / "np.st")
    assert type(out["arr"]) is np.ndarray and out["arr"].dtype == np.float32 and out["arr"].tolist() == arr.tolist()
    assert out["same"] is out["arr"]  # one array saved once comes back as one array
    assert out["strided"].tolist() == [0, 2, 4] and out["strided"].dtype == np.int64
    assert out["big_endian"].tolist() == [1, 2] and out["big_endian"].dtype == np.int32
    assert [type(v) for v in out["scalars"]] == [np.int64, np.float64, np.bool_, np.float16]
    assert [v.item() for v in out["scalars"]] == [7, 1.5, True, 0.5]
    _same(gradkit.ones(2), out["t"])


def test_plain_values_nested(tmp_path):
    obj = {"epoch": 3, "lr": 0.1, "done": False, "name": "run", "none": None,
           "nested": [(1, "a", None), {"k": (2.5, True, [None])}], 7: (), "empty": []}
    gradkit.save(obj, tmp_path / "plain.st")
    out = gradkit.load(tmp_path / "plain.st")
    assert out == obj
    assert type(out["nested"][0]) is tuple and type(out["nested"][1]["k"][2]) is list


def test_numpy_dtype_without_safetensors_code_is_refused(tmp_path):
    import numpy as np

    with pytest.raises(TypeError, match="no safetensors dtype for the NumPy dtype"):
        gradkit.save({"s": np.array(["a"])}, tmp_path / "x.st")


def test_saving_a_module_says_to_save_its_state_dict(tmp_path):
    net = gradkit.nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"can't save a whole Linear .*save its state_dict\(\) instead"):
        gradkit.save(net, tmp_path / "net.st")
    opt = gradkit.optim.SGD(net.parameters(), lr=0.1)
    with pytest.raises(TypeError, match=r"whole SGD \(at obj\['opt'\]\).*state_dict\(\)"):
        gradkit.save({"opt": opt}, tmp_path / "opt.st")
    assert not os.path.exists(tmp_path / "net.st")
