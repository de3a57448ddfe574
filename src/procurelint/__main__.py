"""`python -m procurelint`."""

from procurelint.cli import main

main()
