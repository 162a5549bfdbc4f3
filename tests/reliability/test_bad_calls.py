"""Bad calls across the API areas that tests/test_errors.py does not cover: nn (layers,
functional, losses, Module), optim, data, save/load, distributions, and the autograd
tools (functional, func, module hooks, anomaly mode, checkpoint, viz).

Each case was run against PyTorch 2.13 on the CPU: the exception *type* is PyTorch's
exactly (``type(exc) is ...``), and the message keeps PyTorch's words and names the op
and the offending shape, dtype, device or argument value. Where gradkit deliberately
differs, the case says so in a comment (and DIFFERENCES lists them)."""
from __future__ import annotations

import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from typing import Callable

import pytest

import gradkit as gk
import gradkit.distributions as D
import gradkit.func
import gradkit.nn as nn
import gradkit.nn.functional as F
import gradkit.optim as optim
import gradkit.utils.data as data
from gradkit.autograd import functional as AF
from gradkit.utils.checkpoint import checkpoint


@dataclass(frozen=True)
class Case:
    id: str
    call: Callable  # call(device)
    exc: type
    match: str

    def param(self):
        return pytest.param(self, id=self.id)


def ones(d, *shape, **kw):
    return gk.ones(*shape, device=d, **kw)


def leaf(d, *shape):
    return gk.ones(*shape, device=d, requires_grad=True)


def lin(d):
    return nn.Linear(3, 2).to(d)


def ds(d, n=3):
    return data.TensorDataset(gk.arange(float(n), device=d), gk.arange(n, device=d))


def _tmp(name):
    return os.path.join(tempfile.mkdtemp(), name)


def _load_garbage(d):
    path = _tmp("garbage.bin")
    with open(path, "wb") as f:
        f.write(b"not a checkpoint at all")
    gk.load(path, map_location=d)


def _sd(d, change):
    m = lin(d)
    sd = m.state_dict()
    change(sd, d)
    m.load_state_dict(sd)


def _saved(d):
    path = _tmp("x.bin")
    gk.save({"a": ones(d, 2)}, path)
    return path


def _assign_param(d):
    lin(d).weight = ones(d, 2, 3)


def _dup_group(d):
    p = [leaf(d, 2)]
    optim.SGD(p, lr=0.1).add_param_group({"params": p})


def _opt_load_groups(d):
    p = [leaf(d, 2)]
    other = optim.SGD([{"params": p}, {"params": [leaf(d, 2)]}], lr=0.1)
    optim.SGD(p, lr=0.1).load_state_dict(other.state_dict())


def _buffer(d, name):
    lin(d).register_buffer(name, ones(d, 1))


def _hook_bad_count(d):
    m = lin(d)
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    m(leaf(d, 1, 3)).sum().backward()


def _pre_hook_bad_count(d):
    m = lin(d)
    m.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
    m(leaf(d, 1, 3)).sum().backward()


def _hook_no_input_grad_returns(d):
    m = lin(d)
    m.register_full_backward_hook(lambda mod, gi, go: (ones(d, 1, 3),))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m(ones(d, 1, 3)).sum().backward()


def _anomaly_nan(d):
    x = gk.tensor([0.0, 1.0], device=d, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with gk.autograd.detect_anomaly():
            (x.log() * 0).sum().backward()


def _anomaly_inplace(d):
    a = leaf(d, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with gk.autograd.detect_anomaly():
            b = a.tanh()
            b += 1
            b.sum().backward()


def _checkpoint_changed_arg(d):
    h = leaf(d, 2) * 2
    out = checkpoint(lambda t: t.exp(), h)
    with gk.no_grad():
        h.mul_(3)
    out.sum().backward()


def _vjp_fn_structure(d):
    _, fn = gk.func.vjp(lambda a: (a * 2, a * 3), ones(d, 2))
    fn(ones(d, 2))


# --------------------------------------------------------------------------------------------
CASES = [
    # -- nn: layers and functional --------------------------------------------------------------
    Case("linear-in-features", lambda d: lin(d)(ones(d, 2, 4)), RuntimeError,
         r"mat1 and mat2 shapes cannot be multiplied \(2x4 and 3x2\)"),
    Case("linear-dtype", lambda d: lin(d)(ones(d, 2, 3, dtype=gk.float64)), RuntimeError,
         r"mat1 and mat2 must have the same dtype, but got Double and Float"),
    Case("linear-0d", lambda d: lin(d)(gk.tensor(1.0, device=d)), RuntimeError,
         r"both arguments to linear need to be at least 1D, but they are 0D and 2D"),
    Case("functional-linear-shapes", lambda d: F.linear(ones(d, 2, 3), ones(d, 2, 4)), RuntimeError,
         r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x2\)"),
    Case("linear-mixed-devices", lambda d: F.linear(ones(d, 2, 3), gk.ones(2, 3, device="cpu" if d != "cpu" else
                                                                           "strict")), RuntimeError,
         r"Expected all tensors to be on the same device, but found at least two devices, [\w:]+ and [\w:]+! \(when "
         r"checking arguments for linear\)"),
    # PyTorch: "index out of range in self"; gradkit names the index and the table size
    Case("embedding-index-range", lambda d: nn.Embedding(5, 3).to(d)(gk.tensor([5], device=d)), IndexError,
         r"index 5 is out of bounds for dimension 0 with size 5"),
    Case("embedding-float-index", lambda d: nn.Embedding(5, 3).to(d)(gk.tensor([1.0], device=d)), RuntimeError,
         r"Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got "
         r"gradkit\.float32 instead \(while checking arguments for embedding\)"),
    Case("cross-entropy-batch", lambda d: F.cross_entropy(ones(d, 2, 3), gk.tensor([0, 1, 2], device=d)), ValueError,
         r"Expected input batch_size \(2\) to match target batch_size \(3\)\."),
    # PyTorch 2.13 words it "expected target dtype to be Long or Byte, but got Float" (earlier releases: this)
    Case("cross-entropy-float-target", lambda d: F.cross_entropy(ones(d, 2, 3), gk.tensor([0.0, 1.0], device=d)),
         RuntimeError, r"expected scalar type Long but found Float"),
    Case("nll-float-target", lambda d: F.nll_loss(ones(d, 2, 3), gk.tensor([0.0, 1.0], device=d)), RuntimeError,
         r"expected scalar type Long but found Float"),
    Case("nll-1d-input-2d-target", lambda d: F.nll_loss(ones(d, 3), gk.tensor([[0]], device=d)), RuntimeError,
         r"nll_loss: 0D or 1D target tensor expected, multi-target not supported \(input of shape \[3\] needs a 0-d "
         r"target, got \[1, 1\]\)"),
    Case("mse-shapes", lambda d: F.mse_loss(ones(d, 2, 3), ones(d, 3, 2)), RuntimeError,
         r"The size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton dimension 1: shapes "
         r"\[2, 3\] and \[3, 2\]"),
    Case("l1-shapes", lambda d: F.l1_loss(ones(d, 2, 3), ones(d, 4)), RuntimeError,
         r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1"),
    Case("bce-size", lambda d: F.binary_cross_entropy(ones(d, 2) * 0.5, ones(d, 3)), ValueError,
         r"Using a target size \(gradkit\.Size\(\[3\]\)\) that is different to the input size "
         r"\(gradkit\.Size\(\[2\]\)\) is deprecated"),
    Case("bce-logits-size", lambda d: F.binary_cross_entropy_with_logits(ones(d, 2), ones(d, 3)), ValueError,
         r"Target size \(gradkit\.Size\(\[3\]\)\) must be the same as input size \(gradkit\.Size\(\[2\]\)\)"),
    Case("softmax-dim", lambda d: F.softmax(ones(d, 2, 3), dim=2), IndexError,
         r"softmax: Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"),
    Case("log-softmax-dim", lambda d: F.log_softmax(ones(d, 2, 3), dim=-3), IndexError,
         r"log_softmax: Dimension out of range \(expected to be in range of \[-2, 1\], but got -3\)"),
    Case("dropout-p", lambda d: F.dropout(ones(d, 2), p=1.5), ValueError,
         r"dropout probability has to be between 0 and 1, but got 1\.5"),
    Case("dropout-module-p", lambda d: nn.Dropout(p=-0.1), ValueError,
         r"dropout probability has to be between 0 and 1, but got -0\.1"),
    Case("batchnorm-features", lambda d: nn.BatchNorm1d(3).to(d)(ones(d, 2, 4)), RuntimeError,
         r"running_mean should contain 4 elements not 3 \(batch_norm of an input of shape \[2, 4\]"),
    Case("batchnorm-weight-size", lambda d: F.batch_norm(ones(d, 2, 4), None, None, ones(d, 3), training=True),
         RuntimeError, r"weight should contain 4 elements not 3"),
    Case("batchnorm-one-value", lambda d: nn.BatchNorm1d(3).to(d)(ones(d, 1, 3)), ValueError,
         r"Expected more than 1 value per channel when training, got input size gradkit\.Size\(\[1, 3\]\)"),
    Case("layernorm-shape", lambda d: nn.LayerNorm(4).to(d)(ones(d, 2, 3)), RuntimeError,
         r"Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got input of size\[2, 3\]"),
    Case("nn-unflatten-sizes", lambda d: nn.Unflatten(1, (2, 2))(ones(d, 2, 3)), RuntimeError,
         r"unflatten: Provided sizes \[2, 2\] don't multiply up to the size of dim 1 \(3\) in the input tensor"),
    Case("one-hot-float", lambda d: F.one_hot(gk.tensor([1.0], device=d)), RuntimeError,
         r"one_hot is only applicable to index tensor of type LongTensor"),
    Case("pad-odd", lambda d: F.pad(ones(d, 2, 3), (1,)), RuntimeError, r"Padding length must be divisible by 2"),
    Case("modulelist-not-module", lambda d: nn.ModuleList([1]), TypeError, r"int is not a Module subclass"),
    Case("sequential-index", lambda d: nn.Sequential(nn.ReLU())[3], IndexError, r"index 3 is out of range"),
    Case("kaiming-1d", lambda d: nn.init.kaiming_uniform_(ones(d, 3)), ValueError,
         r"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"),
    Case("xavier-1d", lambda d: nn.init.xavier_normal_(ones(d, 3)), ValueError,
         r"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"),
    Case("parameter-int", lambda d: nn.Parameter(gk.tensor([1, 2], device=d)), RuntimeError,
         r"only Tensors of floating point dtype can require gradients \(got gradkit\.int64, shape \[2\]\)"),
    Case("module-to-int-dtype", lambda d: lin(d).to(gk.int64), TypeError,
         r"nn\.Module\.to only accepts floating point or complex dtypes, but got desired dtype=gradkit\.int64"),
    Case("module-to-bad-device", lambda d: lin(d).to("gpu"), RuntimeError,
         r"Expected one of cpu, cuda, strict device type at start of device string: 'gpu'"),
    # KeyError's str() is the repr of its message
    Case("register-buffer-dot", lambda d: _buffer(d, "a.b"), KeyError, r"buffer name can\\'t contain \"\.\""),
    Case("register-buffer-empty", lambda d: _buffer(d, ""), KeyError, r"buffer name can\\'t be empty string"),
    Case("register-parameter-existing-attr",
         lambda d: lin(d).register_parameter("training", nn.Parameter(ones(d, 1))), KeyError,
         r"attribute 'training' already exists"),
    Case("assign-tensor-to-parameter", _assign_param, TypeError,
         r"cannot assign 'gradkit\.(strict\.|cuda\.)?FloatTensor' as parameter 'weight' \(gradkit\.nn\.Parameter or None "
         r"expected\)"),
    Case("load-state-dict-missing", lambda d: _sd(d, lambda sd, d: sd.pop("bias")), RuntimeError,
         r"Error\(s\) in loading state_dict for Linear:\n\tMissing key\(s\) in state_dict: \"bias\""),
    Case("load-state-dict-shape", lambda d: _sd(d, lambda sd, d: sd.__setitem__("weight", ones(d, 3, 3))),
         RuntimeError, r"size mismatch for weight: copying a param with shape gradkit\.Size\(\[3, 3\]\) from "
                       r"checkpoint, the shape in current model is gradkit\.Size\(\[2, 3\]\)"),
    Case("load-state-dict-unexpected", lambda d: _sd(d, lambda sd, d: sd.__setitem__("extra", ones(d, 1))),
         RuntimeError, r"Unexpected key\(s\) in state_dict: \"extra\""),
    Case("load-state-dict-not-a-dict", lambda d: lin(d).load_state_dict([1, 2]), TypeError,
         r"Expected state_dict to be dict-like, got <class 'list'>"),
    Case("module-no-forward", lambda d: nn.Module()(ones(d, 1)), NotImplementedError,
         r"Module \[Module\] is missing the required \"forward\" function"),
    Case("module-missing-attribute", lambda d: lin(d).weights, AttributeError,
         r"'Linear' object has no attribute 'weights'"),
    Case("clip-grad-norm-type", lambda d: nn.utils.clip_grad_norm_([leaf(d, 2)], 1.0, norm_type="fro2"), ValueError,
         r"could not convert string to float: 'fro2'"),
    # -- optim ----------------------------------------------------------------------------------
    Case("sgd-empty", lambda d: optim.SGD([], lr=0.1), ValueError, r"optimizer got an empty parameter list"),
    Case("sgd-lr", lambda d: optim.SGD([leaf(d, 2)], lr=-1), ValueError, r"Invalid learning rate: -1"),
    Case("sgd-momentum", lambda d: optim.SGD([leaf(d, 2)], lr=0.1, momentum=-1), ValueError,
         r"Invalid momentum value: -1"),
    Case("sgd-nesterov", lambda d: optim.SGD([leaf(d, 2)], lr=0.1, nesterov=True), ValueError,
         r"Nesterov momentum requires a momentum and zero dampening"),
    Case("sgd-weight-decay", lambda d: optim.SGD([leaf(d, 2)], lr=0.1, weight_decay=-0.5), ValueError,
         r"Invalid weight_decay value: -0\.5"),
    Case("sgd-non-leaf", lambda d: optim.SGD([leaf(d, 2) * 2], lr=0.1), ValueError,
         r"can't optimize a non-leaf Tensor"),
    Case("sgd-tensor-not-iterable", lambda d: optim.SGD(leaf(d, 2), lr=0.1), TypeError,
         r"params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
         r"gradkit\.(strict\.|cuda\.)?FloatTensor"),
    Case("adam-beta0", lambda d: optim.Adam([leaf(d, 2)], betas=(1.0, 0.9)), ValueError,
         r"Invalid beta parameter at index 0: 1\.0"),
    Case("adam-beta1", lambda d: optim.Adam([leaf(d, 2)], betas=(0.9, -0.1)), ValueError,
         r"Invalid beta parameter at index 1: -0\.1"),
    Case("adam-eps", lambda d: optim.Adam([leaf(d, 2)], eps=-1.0), ValueError, r"Invalid epsilon value: -1\.0"),
    Case("adam-weight-decay", lambda d: optim.Adam([leaf(d, 2)], weight_decay=-1.0), ValueError,
         r"Invalid weight_decay value: -1\.0"),
    Case("rmsprop-alpha", lambda d: optim.RMSprop([leaf(d, 2)], alpha=-1.0), ValueError, r"Invalid alpha value: -1\.0"),
    Case("adagrad-lr-decay", lambda d: optim.Adagrad([leaf(d, 2)], lr_decay=-1.0), ValueError,
         r"Invalid lr_decay value: -1\.0"),
    Case("adadelta-rho", lambda d: optim.Adadelta([leaf(d, 2)], rho=2.0), ValueError, r"Invalid rho value: 2\.0"),
    Case("optimizer-duplicate-param-group", _dup_group, ValueError,
         r"some parameters appear in more than one parameter group"),
    Case("optimizer-load-groups", _opt_load_groups, ValueError,
         r"loaded state dict has a different number of parameter groups"),
    Case("scheduler-not-optimizer", lambda d: optim.lr_scheduler.StepLR([1], step_size=1), TypeError,
         r"list is not an Optimizer"),
    # -- data -----------------------------------------------------------------------------------
    Case("tensordataset-sizes", lambda d: data.TensorDataset(ones(d, 3), ones(d, 4)), AssertionError,
         r"Size mismatch between tensors \(first dimensions \[3, 4\]\)"),
    Case("tensordataset-index", lambda d: ds(d)[10], IndexError,
         r"index 10 is out of bounds for dimension 0 with size 3"),
    Case("dataloader-batch-size", lambda d: data.DataLoader(ds(d), batch_size=0), ValueError,
         r"batch_size should be a positive integer value, but got batch_size=0"),
    Case("dataloader-sampler-shuffle",
         lambda d: data.DataLoader(ds(d), sampler=data.SequentialSampler(ds(d)), shuffle=True), ValueError,
         r"sampler option is mutually exclusive with shuffle"),
    Case("dataloader-batch-sampler", lambda d: data.DataLoader(
        ds(d), batch_size=2, batch_sampler=data.BatchSampler(data.SequentialSampler(ds(d)), 2, False)), ValueError,
         r"batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"),
    Case("dataloader-num-workers", lambda d: data.DataLoader(ds(d), num_workers=-1), ValueError,
         r"num_workers option should be non-negative; use num_workers=0 to disable multiprocessing"),
    Case("dataloader-none-drop-last", lambda d: data.DataLoader(ds(d), batch_size=None, drop_last=True), ValueError,
         r"batch_size=None option disables auto-batching and is mutually exclusive with drop_last"),
    Case("random-split-lengths", lambda d: data.random_split(ds(d), [2, 2]), ValueError,
         r"Sum of input lengths does not equal the length of the input dataset!"),
    Case("batch-sampler-size", lambda d: data.BatchSampler(data.SequentialSampler(ds(d)), 0, False), ValueError,
         r"batch_size should be a positive integer value, but got batch_size=0"),
    Case("random-sampler-num-samples", lambda d: data.RandomSampler(ds(d), num_samples=0), ValueError,
         r"num_samples should be a positive integer value, but got num_samples=0"),
    Case("subset-index", lambda d: data.Subset(ds(d), [0, 5])[1], IndexError,
         r"index 5 is out of bounds for dimension 0 with size 3"),
    # -- save / load (gradkit writes safetensors files: no pickle) -----------------------------------
    Case("load-missing-file", lambda d: gk.load(_tmp("missing.bin")), FileNotFoundError,
         r"No such file or directory: '.*missing\.bin'"),
    # PyTorch: pickle.UnpicklingError ("Weights only load failed..."); gradkit reads no pickle
    Case("load-not-a-checkpoint", _load_garbage, gk.serialization.CheckpointError,
         r"garbage\.bin: not a safetensors file, or its header is corrupted"),
    # PyTorch: RuntimeError from its zip writer; gradkit lets the OSError through
    Case("save-to-directory", lambda d: gk.save({"a": ones(d, 2)}, tempfile.mkdtemp()), IsADirectoryError,
         r"Is a directory"),
    Case("load-bad-map-location", lambda d: gk.load(_saved(d), map_location="gpu"), RuntimeError,
         r"device type at start of device string: 'gpu'"),
    # -- distributions --------------------------------------------------------------------------
    Case("normal-scale", lambda d: D.Normal(gk.tensor(0.0, device=d), gk.tensor(-1.0, device=d)), ValueError,
         r"Expected parameter scale \(Tensor of shape \(\)\) of distribution Normal\(loc: 0\.0, scale: -1\.0\) to "
         r"satisfy the constraint GreaterThan\(lower_bound=0\.0\), but found invalid values:\n-1\.0"),
    Case("normal-log-prob-shapes",
         lambda d: D.Normal(gk.zeros(3, device=d), ones(d, 3)).log_prob(gk.zeros(2, device=d)),
         ValueError, r"Value is not broadcastable with batch_shape\+event_shape: gradkit\.Size\(\[2\]\) vs "
                     r"gradkit\.Size\(\[3\]\)"),
    Case("normal-log-prob-not-tensor", lambda d: D.Normal(gk.zeros(3, device=d), ones(d, 3)).log_prob([0.0, 1.0, 2.0]),
         ValueError, r"The value argument to log_prob must be a Tensor"),
    Case("bernoulli-probs-range", lambda d: D.Bernoulli(probs=gk.tensor(1.5, device=d)), ValueError,
         r"Expected parameter probs \(Tensor of shape \(\)\) of distribution Bernoulli\(probs: 1\.5\) to satisfy the "
         r"constraint Interval\(lower_bound=0\.0, upper_bound=1\.0\)"),
    Case("bernoulli-both", lambda d: D.Bernoulli(probs=gk.tensor(0.5, device=d), logits=gk.tensor(0.0, device=d)),
         ValueError, r"Either `probs` or `logits` must be specified, but not both\."),
    Case("bernoulli-neither", lambda d: D.Bernoulli(), ValueError,
         r"Either `probs` or `logits` must be specified, but not both\."),
    Case("bernoulli-value-support", lambda d: D.Bernoulli(probs=gk.tensor(0.5, device=d)).log_prob(
        gk.tensor(2.0, device=d)), ValueError,
         r"Expected value argument \(Tensor of shape \(\)\) to be within the support \(Boolean\(\)\) of the "
         r"distribution Bernoulli\(probs: 0\.5\), but found invalid values:\n2\.0"),
    Case("categorical-value-support", lambda d: D.Categorical(probs=gk.tensor([0.2, 0.3, 0.5], device=d)).log_prob(
        gk.tensor([5], device=d)), ValueError,
         r"to be within the support \(IntegerInterval\(lower_bound=0, upper_bound=2\)\) of the distribution "
         r"Categorical\(probs: gradkit\.Size\(\[3\]\)\)"),
    Case("categorical-probs-0d", lambda d: D.Categorical(probs=gk.tensor(1.0, device=d)), ValueError,
         r"`probs` parameter must be at least one-dimensional\."),
    Case("uniform-low-high", lambda d: D.Uniform(gk.tensor(1.0, device=d), gk.tensor(0.0, device=d)), ValueError,
         r"Expected parameter low \(Tensor of shape \(\)\) of distribution Uniform\(low: 1\.0, high: 0\.0\) to satisfy "
         r"the constraint LessThan\(upper_bound=0\.0\)"),
    # PyTorch words it through its internal Binomial; gradkit names Multinomial
    Case("multinomial-total-count", lambda d: D.Multinomial(total_count=-1, probs=gk.tensor([0.5, 0.5], device=d)),
         ValueError, r"Expected parameter total_count \(-1\) of distribution Multinomial to satisfy the constraint "
                     r"IntegerGreaterThan\(lower_bound=0\)"),
    # -- autograd tools: functional, func, hooks, anomaly, checkpoint, viz ------------------------------
    Case("jacobian-list-input", lambda d: AF.jacobian(lambda a: a * 2, [ones(d, 2)]), TypeError,
         r"The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the given inputs has type "
         r"<class 'list'>"),
    Case("jacobian-non-tensor-in-tuple", lambda d: AF.jacobian(lambda a, b: a * b, (ones(d, 2), 3)), TypeError,
         r"the value at index 1 has type <class 'int'>"),
    Case("vjp-v-none-non-scalar", lambda d: AF.vjp(lambda a: a * 2, ones(d, 2)), RuntimeError,
         r"The vector v can only be None if the user-provided function returns a single Tensor with a single element"),
    Case("vjp-v-shape", lambda d: AF.vjp(lambda a: a * 2, ones(d, 3), ones(d, 2)), RuntimeError,
         r"v has invalid size: should be gradkit\.Size\(\[3\]\) but got gradkit\.Size\(\[2\]\)"),
    Case("jvp-v-length", lambda d: AF.jvp(lambda a, b: a * b, (ones(d, 2), ones(d, 2)), (ones(d, 2),)), RuntimeError,
         r"v is a tuple of invalid length: should be 2 but got 1"),
    Case("hvp-non-scalar", lambda d: AF.hvp(lambda a: a * 2, ones(d, 2), ones(d, 2)), RuntimeError,
         r"The Tensor returned by the function given to hvp should contain a single element"),
    Case("hessian-tuple-output", lambda d: AF.hessian(lambda a: (a.sum(), a.sum()), ones(d, 2)), RuntimeError,
         r"The function given to hessian should return a single Tensor"),
    Case("jacobian-strict-independent", lambda d: AF.jacobian(lambda a, b: a * 2, (ones(d, 2), ones(d, 2)),
                                                              strict=True), RuntimeError,
         r"Output 0 of the user-provided function is independent of input 1\. This is not allowed in strict mode"),
    Case("jacobian-strategy", lambda d: AF.jacobian(lambda a: a, ones(d, 2), strategy="sideways"), AssertionError,
         r"Expected strategy to be either \"forward-mode\" or \"reverse-mode\""),
    Case("func-grad-non-scalar", lambda d: gk.func.grad(lambda a: a * 2)(ones(d, 2)), RuntimeError,
         r"grad_and_value\(f\)\(\*args\): Expected f\(\*args\) to return a scalar Tensor, got tensor with 1 dims"),
    Case("func-grad-not-tensor", lambda d: gk.func.grad(lambda a: 3.0)(ones(d, 2)), RuntimeError,
         r"Expected f\(\*args\) to return a Tensor, got <class 'float'>"),
    Case("func-grad-aux", lambda d: gk.func.grad(lambda a: a.sum(), has_aux=True)(ones(d, 2)), RuntimeError,
         r"output of function f should be a tuple: \(output, aux\) if has_aux is True"),
    Case("func-grad-argnums-range", lambda d: gk.func.grad(lambda a: a.sum(), argnums=2)(ones(d, 2)), RuntimeError,
         r"Got argnum=2, but only 1 positional inputs"),
    Case("func-grad-argnums-type", lambda d: gk.func.grad(lambda a: a.sum(), argnums=1.5)(ones(d, 2)), RuntimeError,
         r"argnums must be int or Tuple\[int, \.\.\.\], got: <class 'float'>"),
    Case("func-grad-int-input", lambda d: gk.func.grad(lambda a: a.sum())(gk.arange(3, device=d)), RuntimeError,
         r"only Tensors of floating point dtype can be differentiated \(got gradkit\.int64, shape \[3\]\)"),
    Case("func-vjp-cotangent-shape", lambda d: gk.func.vjp(lambda a: a * 2, ones(d, 3))[1](ones(d, 2)), RuntimeError,
         r"Mismatch in shape: grad_output\[0\] has a shape of gradkit\.Size\(\[2\]\) and output\[0\] has a shape of "
         r"gradkit\.Size\(\[3\]\)"),
    Case("func-vjp-cotangent-structure", _vjp_fn_structure, RuntimeError,
         r"Expected pytree structure of cotangents to be the same as pytree structure of outputs"),
    Case("backward-hook-count", _hook_bad_count, RuntimeError,
         r"Backward hook returned an invalid number of grad_input, got 2, but expected 1"),
    Case("backward-pre-hook-count", _pre_hook_bad_count, RuntimeError,
         r"Backward pre hook returned an invalid number of grad_output, got 2, but expected 1"),
    Case("backward-hook-no-input-grad", _hook_no_input_grad_returns, RuntimeError,
         r"Backward hook for Modules where no input requires gradient should always return None"),
    Case("anomaly-nan", _anomaly_nan, RuntimeError, r"Function 'LogBackward0' returned nan values in its 0th output"),
    Case("anomaly-inplace", _anomaly_inplace, RuntimeError,
         r"modified by an inplace operation: \[gradkit\.float32 of shape \[3\]\], which is output 0 of TanhBackward0.*"
         r"The in-place change was made at .*b \+= 1"),
    Case("checkpoint-arg-changed", _checkpoint_changed_arg, RuntimeError,
         r"\[gradkit\.float32 of shape \[2\]\], which is argument 0 of a checkpointed function, is at version 1; "
         r"expected version 0"),
    Case("checkpoint-reentrant-kwargs", lambda d: checkpoint(lambda t, s: t, ones(d, 1), use_reentrant=True, s=1),
         ValueError, r"Unexpected keyword arguments: s"),
    Case("viz-not-a-tensor", lambda d: gk.viz.to_dot([ones(d, 1), "x"]), TypeError,
         r"to_dot: expected a Tensor or a tuple of Tensors, got str at position 1"),
    Case("viz-format", lambda d: gk.viz.render(ones(d, 1), "g.gif", format="gif"), ValueError,
         r"render: format must be one of svg, png, pdf, got 'gif'"),
]

# deliberate differences from PyTorch in this catalogue (id -> why)
DIFFERENCES = {
    "embedding-index-range": "the message names the index and the table size (PyTorch: 'index out of range in self')",
    "load-not-a-checkpoint": "CheckpointError (a RuntimeError) instead of pickle.UnpicklingError: no pickle is read",
    "save-to-directory": "the OSError is not wrapped in a RuntimeError",
    "multinomial-total-count": "names Multinomial, not PyTorch's internal Binomial",
}


def _check(case, device):
    with pytest.raises(case.exc, match=case.match) as info:
        case.call(device)
    assert type(info.value) is case.exc, (
        f"{case.id}: PyTorch raises {case.exc.__name__}, gradkit raised {type(info.value).__name__}: {info.value}")
    return info.value


def test_catalogue_size_and_ids():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 60
    assert set(DIFFERENCES) <= set(ids)


def test_catalogue_together_with_test_errors():
    """This catalogue adds API areas to tests/test_errors.py's; the ids don't collide."""
    import test_errors

    theirs = {c.id for c in test_errors.ALL_CASES}
    assert not theirs & {c.id for c in CASES}
    assert len(theirs) + len(CASES) >= 310


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_bad_call(case, device):
    _check(case, device)


def test_match_strings_are_valid_regexes():
    for case in CASES:
        re.compile(case.match)


_RAW = ("operands could not be broadcast", "axis out of bounds", "ufunc", "array_api_strict", "has no attribute '_",
        "object is not subscriptable", "NoneType")


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("dev", ["cpu", "strict"])
def test_no_raw_errors_leak(dev):
    leaks = []
    for case in CASES:
        try:
            case.call(dev)
        except Exception as exc:  # noqa: BLE001
            text = str(exc)
            hit = next((p for p in _RAW if p in text), None)
            if type(exc).__module__ not in ("builtins", "gradkit.serialization", "gradkit.utils.checkpoint") or hit:
                leaks.append(f"{case.id}: {type(exc).__module__}.{type(exc).__name__}: {text[:150]}")
        else:
            leaks.append(f"{case.id}: no exception")
    assert not leaks, "\n".join(leaks)
