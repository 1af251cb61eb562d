"""A local Selling Partner API emulator serving the bundled sample seller (`demo --sync`)."""

from sellerhealth.emulator.faults import Faults
from sellerhealth.emulator.seller import SampleSeller
from sellerhealth.emulator.server import Emulator, LwaApp, Server

__all__ = ["Emulator", "Faults", "LwaApp", "SampleSeller", "Server"]
