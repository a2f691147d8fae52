"""Conclusions to a day's and a week's plan: merge, suppress, fit the budget and equipment."""
