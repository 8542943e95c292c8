"""Named random streams: each (root seed, replication, stream name) has its own generator.

Streams are keyed by name, never by the order they are created, so adding a
random decision somewhere leaves every other stream's numbers unchanged, and
two scenarios run with the same seed share their random numbers (common random
numbers) wherever they make the same decisions.
"""

import numpy as np

from sim.scenario.keys import name_key


def generator(seed: int, replication: int, name: str) -> np.random.Generator:
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(replication, name_key(name)))
    return np.random.Generator(np.random.PCG64(sequence))


class Streams:
    """The generators of one replication, created on first use."""

    def __init__(self, seed: int, replication: int):
        self.seed, self.replication = seed, replication
        self._generators = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in self._generators:
            self._generators[name] = generator(self.seed, self.replication, name)
        return self._generators[name]


class Buffered:
    """Scalars from a generator in blocks (drawing one at a time from numpy is slow); the order is unchanged.
    `draw_block(size)` returns an array (or a list) of `size` values."""

    BLOCK = 1024

    def __init__(self, draw_block):
        self._draw_block = draw_block
        self._values = iter(())

    def next(self) -> float:
        value = next(self._values, None)
        if value is None:
            block = self._draw_block(self.BLOCK)
            self._values = iter(block if isinstance(block, list) else block.tolist())
            value = next(self._values)
        return value
