"""Points (积分): versioned rules, the append-only ledger, settlement, audit and verification."""
