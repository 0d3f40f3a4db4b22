"""Example apps built on the engine alone (``approvals``), for the guide in ``docs/``."""
