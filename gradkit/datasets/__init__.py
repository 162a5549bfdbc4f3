"""Datasets for examples and training scripts.

- ``digits(train=None, device=None)``: the UCI handwritten digits (1,797 8x8 images, CC BY
  4.0), shipped inside the package, so it works offline; a ``TensorDataset``.
- ``FashionMNIST(root, train=True, transform=None, target_transform=None, download=False)``
  and ``MNIST``: torchvision's interface and file layout, read from the IDX files
  (``read_idx``); without a transform items are float32 ``(1, 28, 28)`` tensors in [0, 1].
- ``transforms``: ``Compose``, ``ToTensor``, ``Normalize``, ``Lambda``.
- The Time Machine (H. G. Wells, public domain), shipped inside the package, with D2L's text
  pipeline: ``read_time_machine``, ``tokenize``, ``Vocab``, ``load_corpus_time_machine``,
  ``seq_data_iter_random``, ``seq_data_iter_sequential``, ``load_data_time_machine`` and the
  en edition's ``TimeMachine`` data module.
"""
from . import transforms
from ._digits import digits
from ._mnist import MNIST, FashionMNIST, IDXError, read_idx
from ._text import (SeqDataLoader, TimeMachine, Vocab, load_corpus_time_machine, load_data_time_machine,
                    read_time_machine, seq_data_iter_random, seq_data_iter_sequential, time_machine_text, tokenize)

__all__ = ["digits", "FashionMNIST", "MNIST", "read_idx", "IDXError", "transforms", "TimeMachine", "Vocab",
           "SeqDataLoader", "load_corpus_time_machine", "load_data_time_machine", "read_time_machine",
           "seq_data_iter_random", "seq_data_iter_sequential", "time_machine_text", "tokenize"]
