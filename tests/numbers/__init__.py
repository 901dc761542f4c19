"""Tests of the report figures and the rules behind them: the reporting year, comparisons, dates, tiers."""
