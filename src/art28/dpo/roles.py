"""Who may see and act on the DPO desk.

Requests hold personal data (the requester's identity, sometimes health or family details in the
message), so only those who need them read them (GDPR Art. 5(1)(c) and 32(4); nFADP Art. 6(2), 8):
the DPO and administrators act; the security team reads (security reports come through the form);
the auditor reads (the desk is part of what is audited). Operations staff do not see requests.
"""

# The DPO and administrators act (the same people who edit the DPO's public profile). The sets live in
# the role table (core/access.py), with every page and API operation.
from art28.core.access import DPO_READERS, DPO_WRITERS

__all__ = ["DPO_READERS", "DPO_WRITERS"]
