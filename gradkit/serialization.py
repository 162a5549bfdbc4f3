"""Checkpoints: ``gradkit.save(obj, path)`` and ``gradkit.load(path)`` on safetensors files.

No pickle, in either direction, so loading a file never runs code from it.

What can be saved: a tensor, or dicts / lists / tuples nested to any depth holding tensors,
NumPy arrays and scalars, Python ints, floats, strings, bools and None (also gradkit dtypes,
devices and Sizes). NumPy values are stored as tensor entries and come back as NumPy. That
covers a model's ``state_dict()`` and an optimizer's ``{'state': {0: {...}},
'param_groups': [...]}`` with its int keys; key types, dict order, lists versus tuples
and OrderedDict come back as they were.

The file is a plain safetensors file: every tensor is an entry of its tensor table (named
by its path in the object, e.g. ``state.0.exp_avg``; a flat dict of tensors such as a
state_dict keeps its own keys, so ``safetensors.torch.load_file`` in PyTorch reads it as
the state_dict), and the structure is JSON in the header's ``__metadata__`` under
``gradkit.structure``. A safetensors file without that entry (e.g. written by PyTorch's
``safetensors.torch.save_file``) loads as a flat dict of tensors.

Saving writes a temporary file in the target's directory, fsyncs it, then renames it over
the target (``os.replace``), so a crash or kill during a save leaves the previous
checkpoint whole. Tensors on an accelerator are copied to the host for writing. A tensor
that appears several times (tied weights) is stored once and comes back as one tensor.

Loading puts each tensor back on the device it was saved from, unless ``map_location``
says otherwise: a device (``"cpu"``, ``"cuda"``, ``"strict"``, ``gradkit.device(...)``),
a dict from saved to wanted device (``{"cuda:0": "cpu"}``), or a callable
``f(tensor_on_cpu, saved_location) -> tensor or None``. A file that is truncated, has a
corrupted header, or is not a safetensors file at all (a ``torch.save`` zip or pickle,
say) raises ``CheckpointError`` naming the path and the problem.

Unlike ``torch.save``/``torch.load``: arbitrary Python objects (whole modules, custom
classes) can't be saved (a module or optimizer raises a TypeError saying to save its
``state_dict()``), ``weights_only=False`` doesn't enable pickle, and
``pickle_module`` is ignored.
"""
from __future__ import annotations

import json
import math
import os
import secrets
import sys

from ._files import removed_on_failure

__all__ = ["save", "load", "CheckpointError"]

FORMAT_VERSION = 1
_STRUCTURE_KEY = "gradkit.structure"
_VERSION_KEY = "gradkit.format_version"
_MAX_HEADER = 100_000_000  # safetensors' own limit on the JSON header

# safetensors dtype codes for gradkit's dtypes
_CODES = {"bool": "BOOL", "uint8": "U8", "int8": "I8", "int16": "I16", "int32": "I32", "int64": "I64",
          "float16": "F16", "float32": "F32", "float64": "F64"}
_NAMES = {code: name for name, code in _CODES.items()}
_NATIVE = "<" if sys.byteorder == "little" else ">"
_ITEMSIZE = {"BOOL": 1, "U8": 1, "I8": 1, "I16": 2, "I32": 4, "I64": 8, "F16": 2, "F32": 4, "F64": 8}


class CheckpointError(RuntimeError):
    """A checkpoint file that can't be read: truncated, corrupted, or not a safetensors
    file. Nothing from the file was executed."""


# --------------------------------------------------------------------------- save
def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False) -> None:
    """Writes ``obj`` to ``f`` (a path, or a binary file object) as a safetensors file.

    ``obj``: a tensor, or dicts / lists / tuples of tensors, ints, floats, strings, bools
    and None (a ``state_dict()``, an optimizer's state dict, a training checkpoint dict).
    A path is written through a temporary file in its directory, fsynced and renamed over
    the old file, so an interrupted save never destroys the previous checkpoint. No
    pickle: ``pickle_module`` and ``pickle_protocol`` are ignored. See the module
    docstring for the file layout."""
    entries, structure = _Encoder().encode(obj)
    metadata = {"format": "gradkit", _VERSION_KEY: str(FORMAT_VERSION),
                _STRUCTURE_KEY: json.dumps(structure, separators=(",", ":"), allow_nan=False)}
    header, arrays = _layout(entries, metadata)
    if hasattr(f, "write"):
        _write_payload(f, header, arrays)
        return
    path = os.path.realpath(os.fspath(f))  # through a symlink: replace the file it points to
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        raise RuntimeError(f"Parent directory {directory} does not exist.")
    fd, tmp = _open_temp(directory, os.path.basename(path))
    with removed_on_failure(tmp):
        with os.fdopen(fd, "wb") as fh:
            _write_payload(fh, header, arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    _fsync_dir(directory)


def _open_temp(directory, name):
    """A new file beside the target (so the final rename stays on one filesystem), with
    the permissions a plain open() would give."""
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise OSError(f"gradkit.save: could not create a temporary file in {directory}")


def _fsync_dir(directory):
    # makes the rename itself durable; not every platform can open a directory
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_payload(fh, header: bytes, arrays) -> None:
    """Writes the file's bytes: header length, header, then each array's data."""
    fh.write(len(header).to_bytes(8, "little"))
    fh.write(header)
    for arr in arrays:
        _write_array(fh, arr)


def _write_array(fh, arr):
    if arr.size == 0:
        return
    if sys.byteorder != "little":
        arr = arr.byteswap()
    if arr.flags.c_contiguous:
        fh.write(memoryview(arr).cast("B"))
    else:
        fh.write(arr.tobytes())


def _is_numpy(obj) -> bool:
    # recognised by the type's module, so this module never imports NumPy itself
    return type(obj).__module__ == "numpy"


def _layout(entries, metadata):
    """The safetensors header and the host arrays in file order. Tensors are ordered by
    element size (largest first), then name, so each one starts aligned to its size."""
    table = {"__metadata__": metadata}
    ordered = sorted(entries.items(), key=lambda kv: (-kv[1].dtype.itemsize, kv[0]))
    offset = 0
    arrays = []
    for name, t in ordered:
        host = t if _is_numpy(t) else t._device.backend.to_host(t._data)
        nbytes = host.size * host.dtype.itemsize
        table[name] = {"dtype": _CODES[host.dtype.name], "shape": list(host.shape),
                       "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
        arrays.append(host)
    header = json.dumps(table, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    header += b" " * (-len(header) % 8)
    return header, arrays


class _Encoder:
    """Turns the object into JSON-able structure plus a table name -> tensor.

    Structure: JSON null/bool/int/float/str stand for themselves; containers and tensors
    are one-key objects: {"T": name} tensor ("dev" its device when not the CPU, "rg" when
    it requires grad, "P" for an nn.Parameter), {"D": [[key, value], ...]} dict,
    {"OD": ...} OrderedDict, {"N": name} NumPy array ("s" when a NumPy scalar), {"L": [...]} list,
    {"U": [...]} tuple, {"S": [...]} Size,
    {"F": "nan" | "inf" | "-inf"} float, {"dtype": name}, {"device": str}."""

    def __init__(self):
        from ._tensor import Tensor

        self.Tensor = Tensor
        self.entries = {}
        self.by_array = {}  # id(array) -> (name, tensor): a tensor met twice is stored once

    def encode(self, obj):
        self._names = set()
        structure = self.walk(obj, ())
        return self.entries, structure

    def walk(self, obj, path):
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if _is_numpy(obj) and hasattr(obj, "dtype"):
            return self.numpy(obj, path)
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            obj = float(obj)
            return obj if math.isfinite(obj) else {"F": repr(obj)}  # the header stays strict JSON
        if isinstance(obj, self.Tensor):
            return self.tensor(obj, path)
        from collections import OrderedDict

        from ._dtype import dtype
        from ._size import Size
        from .backends import Device

        if isinstance(obj, dict):
            items = [[self.key(k, path), self.walk(v, path + (k,))] for k, v in obj.items()]
            return {"OD" if isinstance(obj, OrderedDict) else "D": items}
        if isinstance(obj, Size):
            return {"S": [int(d) for d in obj]}
        if isinstance(obj, list):
            return {"L": [self.walk(v, path + (i,)) for i, v in enumerate(obj)]}
        if isinstance(obj, tuple):
            return {"U": [self.walk(v, path + (i,)) for i, v in enumerate(obj)]}
        if isinstance(obj, dtype):
            return {"dtype": obj.name}
        if isinstance(obj, Device):
            return {"device": str(obj)}
        if callable(getattr(obj, "state_dict", None)):
            raise TypeError(f"gradkit.save can't save a whole {type(obj).__name__} (at {_where(path)}): save its "
                            f"state_dict() instead, gradkit.save(obj.state_dict(), path), and restore it with "
                            f"obj.load_state_dict(gradkit.load(path))")
        raise TypeError(f"gradkit.save can't store a {type(obj).__module__}.{type(obj).__qualname__} (at "
                        f"{_where(path)}): checkpoints hold tensors, dicts, lists, tuples, ints, floats, strings, "
                        f"bools and None (no pickle); save e.g. model.state_dict() rather than the model")

    def key(self, k, path):
        if isinstance(k, self.Tensor):
            raise TypeError(f"gradkit.save: a tensor can't be a dict key (at {_where(path)})")
        return self.walk(k, path + ("<key>",))

    def tensor(self, t, path):
        if t.dtype.name not in _CODES:
            raise TypeError(f"gradkit.save: no safetensors dtype for {t.dtype} (at {_where(path)})")
        found = self.by_array.get(id(t._data))
        if found is not None and found[1]._data is t._data:
            name = found[0]
        else:
            name = self.unique_name(path)
            self.entries[name] = t
            self.by_array[id(t._data)] = (name, t)
        out = {"T": name}
        if t._device.type != "cpu":
            out["dev"] = str(t._device)
        if t.requires_grad and t.is_leaf:
            out["rg"] = True
        if type(t) is not self.Tensor and type(t).__name__ == "Parameter":
            out["P"] = True
        return out

    def numpy(self, arr, path):
        """A NumPy array (or scalar) is stored as a tensor entry and comes back as NumPy."""
        scalar = type(arr).__name__ != "ndarray"
        if arr.dtype.name not in _CODES:
            raise TypeError(f"gradkit.save: no safetensors dtype for the NumPy dtype {arr.dtype} (at {_where(path)})")
        if scalar:
            arr = arr.reshape(())  # a 0-d array holding the scalar
        elif arr.dtype.byteorder not in "=|" and arr.dtype.byteorder != _NATIVE:
            arr = arr.astype(arr.dtype.newbyteorder("="))
        found = self.by_array.get(id(arr))
        if found is not None and found[1] is arr:
            name = found[0]
        else:
            name = self.unique_name(path)
            self.entries[name] = arr
            self.by_array[id(arr)] = (name, arr)
        return {"N": name, "s": True} if scalar else {"N": name}

    def unique_name(self, path):
        base = ".".join(str(p) for p in path) or "tensor"
        if base == "__metadata__":
            base = "_" + base
        name, n = base, 1
        while name in self.entries:
            n += 1
            name = f"{base}#{n}"
        return name


def _where(path):
    return "obj" + "".join(f"[{p!r}]" for p in path)


# --------------------------------------------------------------------------- load
def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """Reads a checkpoint written by ``gradkit.save``, or any safetensors file (one written
    by PyTorch's ``safetensors.torch.save_file`` comes back as a flat dict of tensors).

    ``map_location``: None puts each tensor back on the device it was saved from; a device
    (``"cpu"``, ``"cuda"``, ``"strict"``, ``gradkit.device``) puts all there; a dict maps
    saved to wanted devices; a callable ``f(tensor_on_cpu, saved_location)`` may return the
    tensor to use (None: the default). A truncated or corrupted file, or one that is not
    safetensors (a ``torch.save`` zip or pickle), raises ``CheckpointError``; nothing in a
    file is ever executed. ``weights_only``, ``mmap`` and ``pickle_module`` are accepted for
    PyTorch compatibility and change nothing."""
    if hasattr(f, "read"):
        data = f.read()
        name = getattr(f, "name", None) or "<file object>"
        header, metadata = _check_bytes(data, name)
        arrays = _read_arrays_from_bytes(data, header, name)
    else:
        name = os.fspath(f)
        header, metadata = _check_file(name)
        arrays = _read_arrays_from_file(name, header)
    place = _Placer(map_location)
    structure = metadata.get(_STRUCTURE_KEY) if metadata else None
    if structure is None:
        return {key: place(arrays[key], None) for key in arrays}
    try:
        tree = json.loads(structure)
    except (ValueError, RecursionError) as exc:
        raise CheckpointError(f"{name}: the gradkit structure in the header is not valid JSON ({exc})") from None
    return _Decoder(arrays, place, name).walk(tree)


def _check_bytes(data: bytes, name):
    return _parse_header(data[:8], lambda n: data[8:8 + n], len(data), name)


def _check_file(path):
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        first = fh.read(8)
        return _parse_header(first, lambda n: fh.read(n), size, path)


def _parse_header(first: bytes, read, size, name):
    """Checks the file's start before any tensor is read; returns (table, metadata)."""
    n = int.from_bytes(first, "little") if len(first) == 8 else -1
    raw = read(n) if 2 <= n <= min(_MAX_HEADER, size - 8) else b""
    if not raw.startswith(b"{"):
        _not_safetensors(first, n, size, name)
    try:
        table = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CheckpointError(f"{name}: corrupted header (not valid JSON: {exc})") from None
    if not isinstance(table, dict):
        raise CheckpointError(f"{name}: corrupted header (a JSON object was expected)")
    metadata = table.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise CheckpointError(f"{name}: corrupted header (__metadata__ must map strings to strings)")
    end = 0
    for key, info in table.items():
        try:
            code, shape, (lo, hi) = info["dtype"], info["shape"], info["data_offsets"]
            count = 1
            for d in shape:
                if not isinstance(d, int) or d < 0:
                    raise ValueError(d)
                count *= d
            if not (isinstance(lo, int) and isinstance(hi, int) and 0 <= lo <= hi):
                raise ValueError((lo, hi))
        except (KeyError, TypeError, ValueError):
            raise CheckpointError(f"{name}: corrupted header (bad entry for tensor {key!r}: {info!r})") from None
        if code not in _NAMES:
            raise CheckpointError(f"{name}: tensor {key!r} has dtype {code}, which gradkit does not have (it has "
                                  f"{', '.join(sorted(_NAMES))}); convert it before saving, e.g. with .float()")
        if hi - lo != count * _ITEMSIZE[code]:
            raise CheckpointError(f"{name}: corrupted header (tensor {key!r}: shape {shape} of {code} needs "
                                  f"{count * _ITEMSIZE[code]} bytes, its offsets span {hi - lo})")
        end = max(end, hi)
    have = size - 8 - n
    if end > have:
        raise CheckpointError(f"{name}: truncated: the header describes {end} bytes of tensor data but only {have} "
                              f"follow it")
    if end < have:
        raise CheckpointError(f"{name}: corrupted: {have - end} unexpected bytes after the tensor data")
    return table, metadata


def _not_safetensors(first, n, size, name):
    """Says what a file that does not start like a safetensors file is."""
    if first[:4] == b"PK\x03\x04":
        raise CheckpointError(
            f"{name}: this is a zip archive, not a safetensors file — probably a checkpoint written by torch.save. "
            f"gradkit.load reads safetensors files only and never unpickles; in PyTorch, convert it with "
            f"safetensors.torch.save_file(torch.load(path), new_path)")
    if first[:1] == b"\x80" and first[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise CheckpointError(
            f"{name}: this is a Python pickle, not a safetensors file (e.g. a legacy torch.save checkpoint). "
            f"gradkit.load never unpickles, so nothing in it was run; in PyTorch, convert it with "
            f"safetensors.torch.save_file(torch.load(path), new_path)")
    if n < 0:
        raise CheckpointError(f"{name}: not a safetensors file or truncated ({size} bytes; the 8-byte header length "
                              f"alone needs 8)")
    if n > _MAX_HEADER or n < 2:
        raise CheckpointError(f"{name}: not a safetensors file, or its header is corrupted (header length field "
                              f"says {n} bytes)")
    if n > size - 8:
        raise CheckpointError(f"{name}: truncated or not a safetensors file: the header alone should be {n} bytes "
                              f"but the file has {size - 8} bytes after the length field")
    raise CheckpointError(f"{name}: corrupted header or not a safetensors file (the header does not start with "
                          f"'{{')")


def _wrap_safetensors_errors(name, fn):
    try:
        return fn()
    except CheckpointError:
        raise
    except Exception as exc:  # SafetensorError and friends: the file is at fault
        if type(exc).__name__ == "SafetensorError" or isinstance(exc, (ValueError, OSError)):
            raise CheckpointError(f"{name}: {exc}") from None
        raise


def _read_arrays_from_file(path, table):
    # The safetensors library validates the file again and reads it into NumPy arrays,
    # its host-side interchange format (the only place this module meets NumPy).
    from safetensors import safe_open

    def read():
        out = {}
        with safe_open(path, framework="numpy") as fh:
            for key in fh.keys():
                out[key] = fh.get_tensor(key)
        return out

    return _wrap_safetensors_errors(path, read)


def _read_arrays_from_bytes(data, table, name):
    from safetensors.numpy import load as load_bytes

    return _wrap_safetensors_errors(name, lambda: load_bytes(bytes(data)))


class _Placer:
    """host array + saved location -> tensor on the device map_location asks for."""

    def __init__(self, map_location):
        self.map_location = map_location
        self.cache = {}

    def target(self, saved):
        ml = self.map_location
        saved = saved or "cpu"
        if ml is None or _is_callable(ml):
            return saved
        if isinstance(ml, dict):
            mapped = {str(k): v for k, v in ml.items()}
            return mapped.get(saved, saved)
        return ml

    def device(self, spec, saved):
        key = str(spec)
        dev = self.cache.get(key)
        if dev is None:
            from ._device import resolve

            try:
                dev = resolve(spec)
            except Exception as exc:
                raise RuntimeError(
                    f"gradkit.load: the checkpoint has tensors saved on {saved!r}, which can't be used here ({exc}). "
                    f"Pass map_location='cpu' (or another device) to load them elsewhere.") from exc
            self.cache[key] = dev
        return dev

    def __call__(self, array, saved):
        from .ops.creation import from_numpy

        t = from_numpy(array)
        ml = self.map_location
        if _is_callable(ml):
            out = ml(t, saved or "cpu")
            if out is not None:
                return out
        dev = self.device(self.target(saved), saved or "cpu")
        return t if dev is t._device else t.to(dev)


def _is_callable(obj):
    from .backends import Device

    return callable(obj) and not isinstance(obj, (str, dict, Device))


class _Decoder:
    def __init__(self, arrays, place, name):
        self.arrays, self.place, self.name = arrays, place, name
        self.made = {}

    def bad(self, what):
        return CheckpointError(f"{self.name}: corrupted gradkit structure in the header ({what})")

    def walk(self, node):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, dict) and len(node) >= 1:
            if "T" in node:
                return self.tensor(node)
            if "N" in node:
                return self.numpy(node)
            if len(node) == 1:
                (tag, value), = node.items()
                if tag in ("D", "OD") and isinstance(value, list):
                    out = {}
                    if tag == "OD":
                        from collections import OrderedDict

                        out = OrderedDict()
                    for pair in value:
                        if not isinstance(pair, list) or len(pair) != 2:
                            raise self.bad("a dict item is not a [key, value] pair")
                        key = self.walk(pair[0])
                        try:
                            out[key] = self.walk(pair[1])
                        except TypeError:
                            raise self.bad(f"unhashable dict key {key!r}") from None
                    return out
                if tag == "L" and isinstance(value, list):
                    return [self.walk(v) for v in value]
                if tag == "U" and isinstance(value, list):
                    return tuple(self.walk(v) for v in value)
                if tag == "F" and value in ("nan", "inf", "-inf"):
                    return float(value)
                if tag == "S" and isinstance(value, list):
                    from ._size import Size

                    return Size(value)
                if tag == "dtype" and isinstance(value, str):
                    from ._dtype import BY_NAME

                    if value not in BY_NAME:
                        raise self.bad(f"unknown dtype {value!r}")
                    return BY_NAME[value]
                if tag == "device" and isinstance(value, str):
                    from .backends import Device

                    try:
                        return Device(value)
                    except (RuntimeError, TypeError):
                        raise self.bad(f"unknown device {value!r}") from None
        raise self.bad(f"unexpected node {str(node)[:80]}")

    def numpy(self, node):
        name = node["N"]
        if not isinstance(name, str) or name not in self.arrays:
            raise self.bad(f"it refers to an array {name!r} the file does not hold")
        arr = self.arrays[name]
        return arr[()] if node.get("s") else arr

    def tensor(self, node):
        name = node["T"]
        if not isinstance(name, str) or name not in self.arrays:
            raise self.bad(f"it refers to a tensor {name!r} the file does not hold")
        saved = node.get("dev")
        rg, param = bool(node.get("rg")), bool(node.get("P"))
        key = (name, saved, rg, param)
        out = self.made.get(key)
        if out is not None:
            return out  # the same tensor met twice (tied weights): one object again
        base = self.made.get((name, saved))
        if base is None:
            base = self.made[(name, saved)] = self.place(self.arrays[name], saved)
        out = base
        if param:
            try:
                from .nn import Parameter
            except ImportError:
                Parameter = None
            if Parameter is not None:
                out = Parameter(base.detach(), requires_grad=rg)
        if rg and not out.requires_grad:
            out = base.detach().requires_grad_(True)  # shares storage with the other references
        self.made[key] = out
        return out
