# The English screens keep the Vietnamese day order and money format: the portal's figures
# are Vietnamese dates and VND amounts whichever language reads them.
from mrc.formats.vi.formats import *  # noqa: F403
