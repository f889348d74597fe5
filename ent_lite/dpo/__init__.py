"""Data-rights requests (guardians ask, the DPO answers) and the DPO's workspace."""
