"""The functions that write: each checks scope and rules, writes in one transaction and audits."""

from .runs import compute_check, correct_check, counties_of, county_for, run_compute, run_correct, run_publish

__all__ = ["compute_check", "correct_check", "counties_of", "county_for", "run_compute", "run_correct", "run_publish"]
