"""Pure domain logic: no Django import here. Inputs are plain values or dataclasses; outputs carry
their reasons (rule code + message in Chinese and English)."""
