"""Stable integer keys for names (random stream names, authority names): the same name always gives the same
key, whatever else exists, so nothing depends on the order in which things are named."""

import hashlib


def name_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")
