"""procurelint: policy-as-code linter for how organisations buy and use AI models."""

__version__ = "0.1.0"
