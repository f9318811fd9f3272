"""The functions that write: each checks scope and rules, writes in one transaction and audits."""

from .runs import run_compute, run_correct, run_publish

__all__ = ["run_compute", "run_correct", "run_publish"]
