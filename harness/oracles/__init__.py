"""Oracles: each a separate, named check over a program and its traces."""
