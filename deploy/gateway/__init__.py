"""The gateway: the bus's HTTP front door for 一网通办 portals (``onething gateway``)."""
