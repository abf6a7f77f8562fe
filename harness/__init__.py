"""kxfuzz: a fuzzing and differential-testing harness for WASI-crypto key exchange."""
