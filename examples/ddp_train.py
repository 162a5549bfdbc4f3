"""Data-parallel training on the embedded digits: the MLP (or LeNet) of the other examples,
wrapped in DistributedDataParallel, each process on its share of every batch.

    python -m gradkit.distributed.run --nproc-per-node 2 examples/ddp_train.py [--model lenet]
    mpiexec -n 2 python examples/ddp_train.py
    python examples/ddp_train.py                      # one process: a world of one
    python -m gradkit.distributed.run --nproc-per-node 4 examples/ddp_train.py --device cuda

``--batch-size`` is the global batch: each of N processes takes batch/N samples of it (a
DistributedSampler deals the shuffled training set out), so any N trains the same model up
to float rounding and dropout's random masks. CUDA runs one process per GPU (``cuda:LOCAL_RANK``)
over NCCL; CPU runs over MPI. Rank 0 prints, writes the checkpoint while the others wait,
then every rank reloads it and checks its own model agrees. Needs mpi4py for more than one
process (pip install 'gradkit[distributed]').
"""
import importlib.util
import os
import time

import gradkit as torch
from gradkit import nn
from gradkit.utils import data
from _common import accuracy, one_cycle_adam, parser, shifted


def mpi_installed():
    try:
        return importlib.util.find_spec("mpi4py") is not None
    except (ImportError, ValueError):
        return False


def main(argv=None):
    p = parser(__doc__)
    p.add_argument("--model", choices=["mlp", "lenet"], default="mlp")
    p.add_argument("--batch-size", type=int, default=64, help="the global batch, shared out over the processes")
    p.add_argument("--lr", type=float, default=None, help="default: 0.1 (MLP, SGD) or 0.01 (LeNet, one-cycle Adam)")
    p.add_argument("--backend", default=None, help="default: nccl for CUDA, gloo (served by MPI) for the CPU")
    args = p.parse_args(argv)
    cuda = (args.device or os.environ.get("GRADKIT_DEVICE", "cpu")).startswith("cuda")
    if mpi_installed():
        import gradkit.distributed as dist

        dist.init_process_group(args.backend or ("nccl" if cuda else "gloo"))
        rank, world = dist.get_rank(), dist.get_world_size()
    elif any(v in os.environ for v in ("PMI_RANK", "OMPI_COMM_WORLD_RANK", "RANK")):
        raise SystemExit("error: this job has several processes but mpi4py is missing: "
                         "pip install 'gradkit[distributed]'")
    else:  # one process without mpi4py trains alone, with no process group
        dist = None
        rank, world = 0, 1
    local_rank = int(os.environ.get("LOCAL_RANK", os.environ.get("MPI_LOCALRANKID", rank)))
    device = torch.device(f"cuda:{local_rank % max(torch.cuda.device_count(), 1)}" if cuda else (args.device or "cpu"))
    try:
        torch.set_default_device(device)
        torch.zeros(1)
    except RuntimeError as e:
        raise SystemExit(f"error: {e}") from None
    if args.batch_size % world:
        raise SystemExit(f"error: --batch-size {args.batch_size} does not split over {world} processes")
    torch.manual_seed(args.seed + rank)  # dropout differs per rank; the parameters come from rank 0
    say = print if rank == 0 else (lambda *a, **k: None)
    say(f"device: {device}, world size {world}, {args.batch_size // world} samples per process per step")

    if args.model == "mlp":
        from mlp import make_net

        train_set, test_set = torch.datasets.digits(train=True), torch.datasets.digits(train=False)
        augment = None
    else:
        from lenet import init_weights, make_net, to_28x28

        train_set = to_28x28(torch.datasets.digits(train=True))
        test_set = to_28x28(torch.datasets.digits(train=False))
        augment = lambda X: shifted(X, max_shift=2)  # noqa: E731
    net = make_net()
    if args.model == "lenet":
        net.apply(init_weights)
    model = nn.parallel.DistributedDataParallel(net) if dist is not None else net
    sampler = data.DistributedSampler(train_set, num_replicas=world, rank=rank, seed=args.seed)
    train_iter = data.DataLoader(train_set, args.batch_size // world, sampler=sampler, drop_last=True)
    test_iter = data.DataLoader(test_set, 256)
    epochs = args.epochs or (20 if args.model == "mlp" else 15)
    loss = nn.CrossEntropyLoss()
    schedule = None
    if args.model == "mlp":
        trainer = torch.optim.SGD(model.parameters(), lr=args.lr or 0.1, momentum=0.9)
    else:
        trainer, schedule = one_cycle_adam(model, args.lr or 0.01, epochs, len(train_iter))

    train_time = samples = 0
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        model.train()
        total = torch.zeros(2, dtype=torch.float64)
        if dist is not None:
            dist.barrier()  # every rank starts the clock together
        began = time.perf_counter()
        for X, y in train_iter:
            l = loss(model(X if augment is None else augment(X)), y)
            trainer.zero_grad()
            l.backward()
            trainer.step()
            if schedule is not None:
                schedule.step()
            total += torch.stack([l.detach().double() * y.numel(), torch.tensor(float(y.numel()))])
        if dist is not None:
            dist.all_reduce(total)  # (waits for the slowest rank, so the time below is the job's)
        train_time += time.perf_counter() - began
        samples += int(total[1])
        test_acc = accuracy(net, test_iter)
        say(f"epoch {epoch + 1:2d}, loss {float(total[0] / total[1]):.4f}, test acc {test_acc:.3f}")
    say(f"trained in {train_time:.2f}s; {samples / train_time:.0f} samples/s over {world} "
        f"process{'es' if world > 1 else ''}; final test accuracy {test_acc:.3f}")
    check_checkpoint(net, make_net, args.checkpoint, rank, dist, next(iter(test_iter))[0][:8])
    if dist is not None:
        dist.destroy_process_group()
    return test_acc


def check_checkpoint(net, make_net, path, rank, dist, probe):
    """Rank 0 saves while the others wait at a barrier; then every rank reloads the file and
    checks that it predicts what its own model does (so the ranks' models are the same)."""
    import tempfile

    folder = None
    if path is None:
        folder = tempfile.mkdtemp(prefix="gradkit-ddp-") if rank == 0 else None
        if dist is not None:
            shared = [folder]
            dist.broadcast_object_list(shared, src=0)
            folder = shared[0]
        path = os.path.join(folder, "model.safetensors")
    if rank == 0:
        torch.save(net.state_dict(), path)
    if dist is not None:
        dist.barrier()
    fresh = make_net()
    fresh.load_state_dict(torch.load(path))
    net.eval()
    fresh.eval()
    with torch.no_grad():
        same = torch.equal(net(probe), fresh(probe))
    if dist is not None:
        agree = torch.tensor([int(same)])
        dist.all_reduce(agree, op=dist.ReduceOp.MIN)
        same = bool(agree)
        dist.barrier()  # every rank has read the file before rank 0 removes it
    if rank == 0:
        print(f"checkpoint: saved by rank 0 to {path}, reloaded on every rank; predictions identical: {same}")
        if folder is not None:
            os.remove(path)
            os.rmdir(folder)
    if not same:
        raise SystemExit("a reloaded model disagrees with the trained one")


if __name__ == "__main__":
    main()
