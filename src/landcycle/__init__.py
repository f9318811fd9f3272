"""landcycle — industrial land from admission to exit (准入 → 供给 → 监管 → 退出)."""

__version__ = "0.1.0"
