"""Tests of the checker, `azml check`, `azml rule` and the settings."""
