"""Outcome monitor: outcome indicators tied to their outputs and coalition targets."""

__version__ = "0.1.0"
