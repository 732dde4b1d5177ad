"""The SLA policy (办理时限): how long each kind of order may wait for acceptance and for completion."""
