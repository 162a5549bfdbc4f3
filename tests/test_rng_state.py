"""get_rng_state / set_rng_state on every backend: a uint8 tensor, as PyTorch returns, whose
round trip repeats the same draws; Generator.get_state/set_state per device; and
gradkit.cuda's versions where CUDA cannot work (PyTorch's behaviour: reading needs CUDA,
setting is queued and so accepted)."""
import pytest

import gradkit


def _draws(device):
    return [gradkit.rand(5, device=device).cpu().tolist(), gradkit.randn(3, device=device).cpu().tolist(),
            gradkit.randint(0, 100, (4,), device=device).cpu().tolist(), gradkit.randperm(6, device=device).cpu().tolist()]


def test_cpu_state_is_a_uint8_cpu_tensor():
    state = gradkit.get_rng_state()
    assert state.dtype is gradkit.uint8 and state.device == gradkit.device("cpu")
    assert state.ndim == 1 and state.numel() > 0 and not state.requires_grad


def test_cpu_round_trip_repeats_the_draws():
    gradkit.manual_seed(7)
    gradkit.rand(11)  # move away from the seeded start
    state = gradkit.get_rng_state()
    first = _draws("cpu")
    gradkit.set_rng_state(state)
    assert _draws("cpu") == first
    assert gradkit.default_generator.get_state().equal(gradkit.get_rng_state())


def test_state_is_a_copy():
    state = gradkit.get_rng_state()
    kept = state.clone()
    gradkit.rand(100)
    assert state.equal(kept)


def test_odd_number_of_float32_draws_round_trips():
    # NumPy keeps half of a 64-bit draw for the next 32-bit request: the state carries it
    gradkit.manual_seed(3)
    gradkit.rand(3)
    state = gradkit.get_rng_state()
    first = gradkit.rand(5).tolist()
    gradkit.set_rng_state(state)
    assert gradkit.rand(5).tolist() == first


def test_device_generator_round_trip(device):
    if device.startswith("cuda"):
        pytest.skip("the CUDA state is checked on GPU machines by test_cuda_generator_round_trip")
    generator = gradkit.Generator(device)
    state = generator.get_state()
    assert state.dtype is gradkit.uint8 and state.device == gradkit.device("cpu")
    first = _draws(device)
    assert generator.set_state(state) is generator
    assert _draws(device) == first


@pytest.mark.gpu
def test_cuda_generator_round_trip():
    if not gradkit.cuda.is_available():
        pytest.skip("CUDA is not available")
    state = gradkit.cuda.get_rng_state()
    first = _draws("cuda")
    gradkit.cuda.set_rng_state(state)
    assert _draws("cuda") == first
    assert len(gradkit.cuda.get_rng_state_all()) == gradkit.cuda.device_count()


def test_devices_keep_separate_states():
    cpu_state = gradkit.get_rng_state()
    gradkit.rand(10, device="strict")
    assert gradkit.get_rng_state().equal(cpu_state)


def test_set_rng_state_refusals():
    with pytest.raises(TypeError, match="expected a gradkit.ByteTensor, but got list"):
        gradkit.set_rng_state([1, 2])
    with pytest.raises(TypeError, match="RNG state must be a gradkit.ByteTensor"):
        gradkit.set_rng_state(gradkit.zeros(40))
    with pytest.raises(RuntimeError, match="state size to be 3"):
        gradkit.set_rng_state(gradkit.zeros(3, dtype=gradkit.uint8))
    with pytest.raises(RuntimeError, match="state size to be 3"):
        gradkit.Generator("strict").set_state(gradkit.zeros(3, dtype=gradkit.uint8))


def test_state_from_another_device_tensor():
    state = gradkit.get_rng_state()
    first = gradkit.rand(4).tolist()
    gradkit.set_rng_state(state.to("strict"))
    assert gradkit.rand(4).tolist() == first


@pytest.mark.skipif(gradkit.cuda.is_available(), reason="checks the behaviour without CUDA")
def test_cuda_rng_state_without_cuda():
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        gradkit.cuda.get_rng_state()
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        gradkit.cuda.get_rng_state("cuda:0")
    assert gradkit.cuda.get_rng_state_all() == []
    # PyTorch queues set_rng_state until CUDA starts: a CPU run can restore a GPU checkpoint
    cpu_state = gradkit.get_rng_state()
    assert gradkit.cuda.set_rng_state(cpu_state) is None
    gradkit.cuda.set_rng_state_all([cpu_state])
    assert gradkit.get_rng_state().equal(cpu_state)
    with pytest.raises(TypeError, match="expected a gradkit.ByteTensor"):
        gradkit.cuda.set_rng_state([1, 2])
