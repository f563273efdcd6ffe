"""Adapters that ship with the core (only `tiny`; the framework adapters are packages of their own)."""
