"""Composition root, settings, CLI and channel adapters of baocao."""
