"""Stored drawings, visitor feedback and staff review."""
