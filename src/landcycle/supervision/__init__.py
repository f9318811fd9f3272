"""监管/预警 — supervision: warnings for every supervised thing. For now only the stand-alone
``landcycle supervise`` command (no database); models come with the warnings board."""
