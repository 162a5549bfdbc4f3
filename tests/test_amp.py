"""Mixed precision: autocast regions with PyTorch's CPU op lists (run in float16 here, the
dtype gradkit's CPU backend stores) and GradScaler's scale sequences, against values
recorded from PyTorch 2.13 (CPU) with the same inputs."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import gradkit as gk
import gradkit.nn.functional as F
from gradkit.amp import GradScaler, autocast

F16 = dict(rtol=3e-3, atol=3e-3)


def mk(*shape, scale=0.1, off=0.0, device="cpu"):
    n = math.prod(shape)
    return (gk.arange(n, dtype=gk.float32, device=device).reshape(shape) * scale + off).sin()


def _inputs(device="cpu"):
    x = mk(4, 6, device=device)
    return dict(x=x, w=mk(5, 6, off=1.0, device=device), b=mk(5, off=2.0, device=device),
                a3=mk(2, 3, 4, device=device), b3=mk(2, 4, 5, off=0.5, device=device),
                img=mk(1, 2, 5, 5, device=device), cw=mk(3, 2, 3, 3, off=0.3, device=device),
                tgt=gk.tensor([0, 2, 4, 1], device=device), v6=mk(6, device=device),
                q=mk(1, 2, 3, 4, device=device), k=mk(1, 2, 3, 4, off=1.0, device=device),
                v=mk(1, 2, 3, 4, off=2.0, device=device))


CASES = {
    "linear": lambda i: F.linear(i["x"], i["w"], i["b"]),
    "linear_half_input": lambda i: F.linear(i["x"].half(), i["w"], i["b"]),
    "matmul": lambda i: i["x"] @ i["w"].T,
    "mm": lambda i: gk.mm(i["x"], i["w"].T),
    "bmm": lambda i: gk.bmm(i["a3"], i["b3"]),
    "matmul_2d_1d": lambda i: gk.matmul(i["x"], i["v6"]),
    "conv2d": lambda i: F.conv2d(i["img"], i["cw"], padding=1),
    "sdpa": lambda i: F.scaled_dot_product_attention(i["q"], i["k"], i["v"]),
    "mse_loss_half": lambda i: F.mse_loss(i["x"].half(), (i["x"] * 2).half()),
    "cross_entropy_half": lambda i: F.cross_entropy(i["x"][:, :5].half(), i["tgt"]),
    "nll_loss_half": lambda i: F.nll_loss(i["x"][:, :5].half(), i["tgt"]),
    "softmax_half": lambda i: gk.softmax(i["x"].half(), 1),
    "softmax_fp32": lambda i: gk.softmax(i["x"], 1),
    "exp_half": lambda i: gk.exp(i["x"].half()),
    "sum_half": lambda i: i["x"].half().sum(),
    "add_mixed": lambda i: i["x"].half() + i["x"],
    "relu": lambda i: F.relu(i["x"]),
    "linear_f64": lambda i: F.linear(i["x"].double(), i["w"].double()),
    "prod_half": lambda i: i["x"].half().prod(),
    "cat_mixed": lambda i: gk.cat([i["x"].half(), i["x"]]),
    "bce_half": lambda i: F.binary_cross_entropy(gk.sigmoid(i["x"]).half(), gk.sigmoid(i["x"] * 2).half()),
}

# torch.autocast("cpu", dtype=torch.float16): result dtype and first values of each case
RECORDED = {
    "linear": ("float16", [2.33008, 2.20312, 1.59961, 0.711426, -0.172241, 5.09766]),
    "linear_half_input": ("float16", [2.33008, 2.20312, 1.59961, 0.711426, -0.172241, 5.09766]),
    "matmul": ("float16", [1.4209, 1.33984, 0.791016, -0.0341492, -0.847656, 4.19141]),
    "mm": ("float16", [1.4209, 1.33984, 0.791016, -0.0341492, -0.847656, 4.19141]),
    "bmm": ("float16", [0.550781, 0.54248, 0.528809, 0.509766, 0.48584, 1.73828]),
    "matmul_2d_1d": ("float16", [0.518066, 1.19336, 1.45117, 1.20215]),
    "conv2d": ("float16", [2.25977, 3.29102, 3.13477, 2.94727, 1.81641, 2.79688]),
    "sdpa": ("float16", [0.641602, 0.568848, 0.490234, 0.406738, 0.640625, 0.567871]),
    "mse_loss_half": ("float32", [0.593831]),
    "cross_entropy_half": ("float32", [1.64336]),
    "nll_loss_half": ("float32", [-0.665771]),
    "softmax_half": ("float16", [0.128906, 0.142456, 0.157227, 0.173218, 0.190186, 0.20813]),
    "softmax_fp32": ("float32", [0.128868, 0.142398, 0.157191, 0.173176, 0.190225, 0.208141]),
    "exp_half": ("float16", [1, 1.10547, 1.21973, 1.34375, 1.47656, 1.61523]),
    "sum_half": ("float16", [17.0156]),
    "add_mixed": ("float32", [0, 0.199687, 0.397278, 0.59093, 0.778823, 0.958918]),
    "relu": ("float32", [0, 0.0998334, 0.198669, 0.29552, 0.389418, 0.479426]),
    "linear_f64": ("float64", [1.42087, 1.34007, 0.791143, -0.0341501, -0.847514, 4.19085]),
    "prod_half": ("float32", [0]),
    "cat_mixed": ("float32", [0, 0.0998535, 0.198608, 0.29541, 0.389404, 0.479492]),
    "bce_half": ("float32", [0.526972]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_cpu_float16_autocast_matches_pytorch(name):
    inputs = _inputs()
    with autocast("cpu", dtype=gk.float16):
        out = CASES[name](inputs)
    dtype, values = RECORDED[name]
    assert out.dtype is getattr(gk, dtype)
    got = out.float().reshape(-1)[:len(values)].numpy()
    np.testing.assert_allclose(got, values, **F16)


def test_gradients_reach_float32_parameters_in_float32():
    # torch: F.linear under CPU float16 autocast, mse_loss in float32, backward outside the region
    i = _inputs()
    w = i["w"].clone().requires_grad_()
    b = i["b"].clone().requires_grad_()
    with autocast("cpu", dtype=gk.float16):
        y = F.linear(i["x"], w, b)
        loss = F.mse_loss(y, gk.zeros(4, 5))
    assert y.dtype is gk.float16 and loss.dtype is gk.float32
    assert loss.item() == pytest.approx(13.960563659667969, rel=2e-3)
    loss.backward()
    assert w.grad.dtype is gk.float32 and b.grad.dtype is gk.float32
    np.testing.assert_allclose(w.grad.reshape(-1)[:6].numpy(),
                               [1.4482421875, 1.5166015625, 1.5693359375, 1.607421875, 1.6279296875, 1.6328125], **F16)
    np.testing.assert_allclose(b.grad.numpy(), [1.962890625, 1.951171875, 1.376953125, 0.4296875, -0.56640625],
                               **F16)


def test_recurrent_cells_stay_in_float32_on_the_cpu_as_pytorch():
    cell = gk.nn.LSTMCell(6, 3)
    with autocast("cpu", dtype=gk.float16):
        assert cell(mk(4, 6))[0].dtype is gk.float32


def test_cpu_autocast_leaves_other_devices_alone(device):
    i = _inputs(device)
    with autocast("cpu", dtype=gk.float16):
        y = F.linear(i["x"], i["w"], i["b"])
        assert gk.is_autocast_enabled("cpu") and not gk.is_autocast_enabled("cuda")
    assert y.dtype is (gk.float16 if device == "cpu" else gk.float32)


def test_mixed_dtypes_still_refused_outside_a_region():
    x = mk(2, 6).half()
    with pytest.raises(RuntimeError, match="mat1 and mat2 must have the same dtype"):
        F.linear(x, mk(3, 6))
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype"):
        gk.mm(x, mk(6, 3))
    with autocast("cpu", dtype=gk.float16):
        with pytest.raises(RuntimeError, match="same dtype"):  # float64 is never cast
            gk.mm(mk(2, 6).double(), mk(6, 3))


def test_state_queries_nesting_and_disabled_regions():
    assert not gk.is_autocast_enabled("cpu")
    assert gk.get_autocast_dtype("cpu") is gk.bfloat16 and gk.get_autocast_dtype("cuda") is gk.float16
    x = mk(2, 6)
    w = mk(3, 6)
    with autocast("cpu", dtype=gk.float16):
        assert gk.is_autocast_enabled("cpu") and gk.get_autocast_dtype("cpu") is gk.float16
        with autocast("cpu", enabled=False):
            assert not gk.is_autocast_enabled("cpu")
            assert F.linear(x, w).dtype is gk.float32
        assert F.linear(x, w).dtype is gk.float16
    assert not gk.is_autocast_enabled("cpu") and gk.get_autocast_dtype("cpu") is gk.bfloat16
    with autocast("cpu", dtype=gk.float16, enabled=False):
        assert F.linear(x, w).dtype is gk.float32
    from gradkit.amp import _dispatch

    assert not _dispatch.casting_installed()  # no region open: the plain Node.apply is back


def test_decorator_form():
    @autocast("cpu", dtype=gk.float16)
    def forward(x, w):
        return F.linear(x, w)

    assert forward(mk(2, 6), mk(3, 6)).dtype is gk.float16
    assert F.linear(mk(2, 6), mk(3, 6)).dtype is gk.float32


def test_parameter_casts_are_cached_within_a_region():
    w = mk(3, 6).requires_grad_()
    with autocast("cpu", dtype=gk.float16):
        a = F.linear(mk(2, 6), w)
        b = F.linear(mk(2, 6, off=1.0), w)
        (a.float().sum() + b.float().sum()).backward()
        # one cast node shared by both uses
        assert a.grad_fn.next_functions[1][0] is b.grad_fn.next_functions[1][0]
    assert w.grad.dtype is gk.float32


def test_unsupported_dtypes_and_devices_warn_and_disable():
    # PyTorch's CPU default is bfloat16, which gradkit's CPU tensors cannot hold: the region
    # warns and runs in full precision, as PyTorch's does for a dtype it cannot run
    with pytest.warns(UserWarning, match="bfloat16"):
        with autocast("cpu"):
            assert not gk.is_autocast_enabled("cpu")
            assert F.linear(mk(2, 6), mk(3, 6)).dtype is gk.float32
    with pytest.warns(UserWarning, match="target dtype is not supported"):
        with autocast("cpu", dtype=gk.float32):
            assert not gk.is_autocast_enabled("cpu")
    if not gk.cuda.is_available():
        with pytest.warns(UserWarning, match="CUDA is not available"):
            with autocast("cuda"):
                assert not gk.is_autocast_enabled("cuda")
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        autocast("foo")
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        autocast(0)


def test_top_level_and_deprecated_spellings():
    assert gk.autocast is autocast and gk.amp.autocast is autocast
    with pytest.warns(FutureWarning, match=r"gradkit\.amp\.autocast\('cpu', args\.\.\.\)"):
        ctx = gk.cpu.amp.autocast(dtype=gk.float16)
    with ctx:
        assert F.linear(mk(2, 6), mk(3, 6)).dtype is gk.float16
    from gradkit.cuda.amp import GradScaler as CudaScaler, autocast as cuda_autocast

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert isinstance(cuda_autocast(), autocast)
        assert isinstance(CudaScaler(), GradScaler)
    with pytest.warns(FutureWarning, match="gradkit.cuda.amp.GradScaler"):
        CudaScaler(enabled=False)


def test_custom_fwd_casts_inputs_and_custom_bwd_restores_the_state():
    seen = {}

    class Scale(gk.autograd.Function):
        @staticmethod
        @gk.amp.custom_fwd(device_type="cpu", cast_inputs=gk.float32)
        def forward(ctx, x):
            seen["fwd"] = (x.dtype, gk.is_autocast_enabled("cpu"))
            return x * 2

        @staticmethod
        @gk.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            seen["bwd"] = gk.is_autocast_enabled("cpu")
            return g * 2

    x = mk(3).half().requires_grad_()
    with autocast("cpu", dtype=gk.float16):
        y = Scale.apply(x)
    assert seen["fwd"] == (gk.float32, False) and y.dtype is gk.float32
    y.sum().backward()
    assert seen["bwd"] is False and x.grad.dtype is gk.float16


def test_float32_matmul_precision():
    assert gk.get_float32_matmul_precision() == "highest"
    assert gk.backends.cuda.matmul.allow_tf32 is False
    try:
        gk.set_float32_matmul_precision("high")
        assert gk.get_float32_matmul_precision() == "high" and gk.backends.cuda.matmul.allow_tf32 is True
        with pytest.warns(UserWarning, match="bogus is not one of 'highest', 'high', or 'medium'"):
            gk.set_float32_matmul_precision("bogus")
        assert gk.get_float32_matmul_precision() == "high"
        gk.backends.cuda.matmul.allow_tf32 = False
        assert gk.get_float32_matmul_precision() == "highest"
        gk.set_float32_matmul_precision("medium")
        assert (mk(2, 3) @ mk(3, 2)).dtype is gk.float32  # accepted on the CPU, full precision there
    finally:
        gk.set_float32_matmul_precision("highest")
    assert gk.backends.cudnn.allow_tf32 is True


# ---------------------------------------------------------------------------- GradScaler
# torch.amp.GradScaler("cpu") over 10 SGD (momentum 0.9) steps of a linear model, with an inf
# (or nan) written into one gradient at the listed steps
SCALER_RECORDED = {
    "plain": dict(kw=dict(forced={2, 5, 6}), scales=[1024.0, 1024.0, 512.0, 512.0, 512.0, 256.0, 128.0, 128.0, 128.0,
                                                     256.0],
                  trackers=[1, 2, 0, 1, 2, 0, 0, 1, 2, 0],
                  w=[0.6556900143623352, -0.37012776732444763, 0.7334165573120117, -0.6223869323730469,
                     -0.5945438146591187, 0.16585837304592133], b=[0.0023204623721539974, 0.3410603702068329]),
    "nan": dict(kw=dict(forced={0, 1}, nan=True, growth_interval=2),
                scales=[512.0, 256.0, 256.0, 512.0, 512.0, 1024.0, 1024.0, 2048.0, 2048.0, 4096.0],
                trackers=[0, 0, 1, 0, 1, 0, 1, 0, 1, 0],
                w=[0.6542091965675354, -0.3363495171070099, 0.8290231227874756, -0.5935049653053284,
                   -0.7311598062515259, 0.12155267596244812], b=[0.028610212728381157, 0.4179857671260834]),
    "unscale_clip": dict(kw=dict(forced={3}, unscale_first=True, growth_interval=2, growth_factor=3.0, backoff=0.25),
                         scales=[1024.0, 3072.0, 3072.0, 768.0, 768.0, 2304.0, 2304.0, 6912.0, 6912.0, 20736.0],
                         trackers=[1, 0, 1, 0, 1, 0, 1, 0, 1, 0],
                         w=[0.575202226638794, -0.5905695557594299, 0.23373724520206451, -0.3829081952571869,
                            -0.03791606053709984, 0.3616311550140381],
                         b=[-0.19640319049358368, 0.24514934420585632]),
    "no_inf": dict(kw=dict(forced=set(), growth_interval=4, init_scale=8.0),
                   scales=[8.0, 8.0, 8.0, 16.0, 16.0, 16.0, 16.0, 32.0, 32.0, 32.0],
                   trackers=[1, 2, 3, 0, 1, 2, 3, 0, 1, 2],
                   w=[0.6024526953697205, -0.4872860610485077, 0.555647611618042, -0.41606858372688293,
                      -0.7910218834877014, 0.2946213185787201], b=[-0.10722106695175171, 0.6662585735321045]),
}


def _scaled_run(device, forced, init_scale=1024.0, growth_interval=3, growth_factor=2.0, backoff=0.5,
                unscale_first=False, nan=False):
    w = gk.tensor([[0.5, -0.25, 1.0], [0.1, 0.2, -0.3]], device=device, requires_grad=True)
    b = gk.tensor([0.05, -0.05], device=device, requires_grad=True)
    opt = gk.optim.SGD([w, b], lr=0.1, momentum=0.9)
    scaler = GradScaler("cpu", init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff,
                        growth_interval=growth_interval)
    x = gk.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [0.3, -0.7, 1.1], [2.0, 0.0, -1.0]], device=device)
    y = gk.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, -0.5]], device=device)
    scales, trackers = [], []
    for i in range(10):
        opt.zero_grad()
        loss = ((x @ w.T + b - y) ** 2).mean()
        scaler.scale(loss).backward()
        if i in forced:
            with gk.no_grad():
                w.grad[0, 1] = float("nan") if nan else float("inf")
        if unscale_first:
            scaler.unscale_(opt)
            gk.nn.utils.clip_grad_norm_([w, b], 0.5)
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
        trackers.append(scaler.state_dict()["_growth_tracker"])
    return scaler, scales, trackers, w, b


@pytest.mark.parametrize("case", sorted(SCALER_RECORDED))
def test_grad_scaler_matches_pytorch(case, device):
    rec = SCALER_RECORDED[case]
    scaler, scales, trackers, w, b = _scaled_run(device, **rec["kw"])
    assert scales == rec["scales"]
    assert trackers == rec["trackers"]
    np.testing.assert_allclose(w.detach().cpu().reshape(-1).numpy(), rec["w"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b.detach().cpu().numpy(), rec["b"], rtol=1e-5, atol=1e-6)
    state = scaler.state_dict()
    assert state["scale"] == rec["scales"][-1] and set(state) == {"scale", "growth_factor", "backoff_factor",
                                                                   "growth_interval", "_growth_tracker"}


def test_grad_scaler_state_dict_round_trip_and_update_with_a_new_scale():
    scaler = GradScaler("cpu", init_scale=4.0)
    assert scaler.get_scale() == 4.0 and scaler.is_enabled()
    assert scaler.state_dict() == {"scale": 4.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                                   "growth_interval": 2000, "_growth_tracker": 0}
    assert scaler.scale(gk.tensor(3.0)).item() == 12.0
    scaler.update(16.0)
    assert scaler.get_scale() == 16.0
    scaler.update(gk.tensor(3.0))
    assert scaler.get_scale() == 3.0
    other = GradScaler("cpu")
    other.load_state_dict({"scale": 256.0, "growth_factor": 3.0, "backoff_factor": 0.25, "growth_interval": 7,
                           "_growth_tracker": 2})
    assert other.get_scale() == 256.0 and other.get_growth_factor() == 3.0 and other.get_growth_interval() == 7
    with pytest.raises(ValueError, match="outputs must be a Tensor or an iterable of Tensors"):
        GradScaler("cpu").scale(3.0)
    assert [t.item() for t in GradScaler("cpu", init_scale=2.0).scale([gk.tensor(1.0), (gk.tensor(2.0),)])[:1]] \
        == [2.0]
    with pytest.raises(AssertionError, match="Attempted update but _scale is None"):
        GradScaler("cpu").update()


def test_grad_scaler_misuse_raises_as_pytorch():
    w = gk.tensor([1.0, 2.0], requires_grad=True)
    opt = gk.optim.SGD([w], lr=0.1)
    scaler = GradScaler("cpu")
    scaler.scale((w * w).sum()).backward()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match=r"unscale_\(\) has already been called on this optimizer"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match=r"step\(\) has already been called since the last update\(\)"):
        scaler.step(opt)
    scaler.update()
    h = gk.tensor([1.0, 2.0], dtype=gk.float16, requires_grad=True)
    opt16 = gk.optim.SGD([h], lr=0.1)
    scaler = GradScaler("cpu", init_scale=4.0)
    scaler.scale((h * h).sum()).backward()
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients."):
        scaler.unscale_(opt16)


def test_disabled_grad_scaler_is_a_no_op():
    w = gk.tensor([1.0, 2.0], requires_grad=True)
    opt = gk.optim.SGD([w], lr=0.5)
    scaler = GradScaler("cpu", enabled=False)
    loss = (w * w).sum()
    assert scaler.scale(loss) is loss
    loss.backward()
    scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    np.testing.assert_allclose(w.detach().numpy(), [0.0, 0.0])
    assert scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    if not gk.cuda.is_available():
        with pytest.warns(UserWarning, match="CUDA is not available.  Disabling."):
            assert not GradScaler().is_enabled()


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_unscale_kernel_portable_and_numpy_agree(dtype):
    """The NumPy fast path and the portable array-API kernel give the same gradients and flag."""
    from gradkit.backends.kernels.amp import AmpKernels

    cpu = gk.backends.get_backend("cpu")
    rng = np.random.default_rng(0)
    for bad in (None, np.inf, -np.inf, np.nan):
        grads = [np.array(rng.standard_normal(s) * 64, dtype=dtype) for s in ((3, 4), (5,), ())]
        if bad is not None:
            grads[1][2] = bad
        fast = [g.copy() for g in grads]
        portable = [g.copy() for g in grads]
        inv = np.asarray(1 / 64, dtype=np.float32)
        found_fast = cpu.amp_unscale_and_check(fast, inv)
        found_portable = AmpKernels.amp_unscale_and_check(cpu, portable, inv)
        assert float(found_fast) == float(found_portable) == (0.0 if bad is None else 1.0)
        for f, p in zip(fast, portable):
            np.testing.assert_array_equal(f, p)
    # finite values whose sum overflows are not a false alarm
    big = [np.full(4, 6e4, dtype=np.float16)]
    assert float(cpu.amp_unscale_and_check(big, np.asarray(1.0, dtype=np.float32))) == 0.0


def test_autocast_and_grad_scaler_train_together():
    """PyTorch's typical mixed-precision loop: float16 forward in a region, float32 master
    weights, scaled backward outside, scaler.step and update; the loss goes down."""
    gk.manual_seed(0)
    model = gk.nn.Sequential(gk.nn.Linear(6, 16), gk.nn.ReLU(), gk.nn.Linear(16, 3))
    opt = gk.optim.SGD(model.parameters(), lr=0.1)
    scaler = GradScaler("cpu", init_scale=256.0)
    x, y = mk(32, 6), gk.arange(32) % 3
    losses = []
    for _ in range(20):
        opt.zero_grad()
        with autocast("cpu", dtype=gk.float16):
            loss = F.cross_entropy(model(x), y)
        assert loss.dtype is gk.float32
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        losses.append(loss.item())
    assert all(p.dtype is gk.float32 and p.grad.dtype is gk.float32 for p in model.parameters())
    assert losses[-1] < losses[0]
