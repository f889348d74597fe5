"""Privacy: the purposes register, the privacy notice, the register of processing, the
retention policy and the purge."""
