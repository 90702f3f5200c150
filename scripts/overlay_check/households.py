"""Household keys (docs/deidentification.md, "Household key"): a UPRN when present and
numeric, else the normalised address with its postcode; a register row carrying both links the
address to the UPRN, so that a later record knowing only the address finds the UPRN's household.
"""

from .identifiers import address_key, uprn_number


class Households:
    """Households are ("uprn", n) or ("address", key)."""

    def __init__(self):
        self.uprn_of_address = {}

    def household(self, uprn, address, postcode, register_row):
        """The household of a row; a register row links its address key to its UPRN (the first
        UPRN an address is seen with keeps it)."""
        number = uprn_number(uprn)
        key = address_key(address, postcode)
        if number is not None:
            if register_row and key is not None:
                self.uprn_of_address.setdefault(key, number)
            return ("uprn", number)
        if key is None:
            return None
        if key in self.uprn_of_address:
            return ("uprn", self.uprn_of_address[key])
        return ("address", key)
