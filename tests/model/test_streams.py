import numpy as np

from sim.model.streams import Streams, generator


def test_streams_are_keyed_by_name_not_creation_order():
    first, second = Streams(7, 3), Streams(7, 3)
    a = first["entries"].random(5)
    second["households"].random(5)
    assert np.array_equal(a, second["entries"].random(5))


def test_replications_and_names_and_seeds_give_different_streams():
    base = generator(7, 0, "entries").random(5)
    for other in (generator(7, 1, "entries"), generator(7, 0, "census"), generator(8, 0, "entries")):
        assert not np.array_equal(base, other.random(5))
