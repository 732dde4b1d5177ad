"""The demo district: invented places, people and orders for trying the service."""
