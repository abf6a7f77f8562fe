"""Facts about ML-KEM (FIPS 203) that do not depend on a library.

Raw keys: the public key is the encapsulation key; the secret key is the 64-byte seed d || z
(FIPS 203, section 7.1), from which every library re-derives the expanded key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from impls.base import KxAlgorithm, Mechanism

SEED_LENGTH = 64
COINS_LENGTH = 32
SHARED_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Level:
    name: str
    public_length: int
    ciphertext_length: int


ML_KEM_512 = Level("ML-KEM-512", 800, 768)
ML_KEM_768 = Level("ML-KEM-768", 1184, 1088)
ML_KEM_1024 = Level("ML-KEM-1024", 1568, 1568)
LEVELS = (ML_KEM_512, ML_KEM_768, ML_KEM_1024)


class MlKemAlgorithm(KxAlgorithm):
    level: ClassVar[Level]
    mechanism: ClassVar = Mechanism.KEM
    seed_length = SEED_LENGTH
    coins_length = COINS_LENGTH
    raw_secret_length = SEED_LENGTH

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "level" in cls.__dict__:
            cls.name = cls.level.name
            cls.raw_public_length = cls.level.public_length
