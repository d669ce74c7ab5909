"""`python -m ledger` is `planledger`."""

from ledger.cli import main

main()
