"""Across programmes: the bottleneck register and the commitments dashboard."""
