"""The reference e-certificate service (统一发证): a separate consumer of bundle completions,
as a downstream service would be. Issues one signed certificate per (case, type), once."""
