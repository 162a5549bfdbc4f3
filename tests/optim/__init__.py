"""Tests for gradkit.optim."""
