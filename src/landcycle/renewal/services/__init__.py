"""The functions that write: each checks scope and rules, writes in one transaction and audits."""
