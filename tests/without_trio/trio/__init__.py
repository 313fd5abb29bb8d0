"""Stands in for trio in the processes the tests start (see ``tests/conftest.py``)."""

raise ImportError("trio is not part of a dailypapers install")
