"""`python -m procurelint`."""

from procurelint.cli import console

console()
