"""sellerhealth: an account health engine for Amazon sellers and marketplaces."""

__version__ = "0.1.0"
