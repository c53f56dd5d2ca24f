"""The bus's security material under the state dir: the project CA, the broker's certificate,
the principals' SCRAM credentials, and the client configuration exported from them."""
