"""Readers and writers for other tools' formats: pure functions, no Qt."""
